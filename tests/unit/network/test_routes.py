"""Bridge carving, pools around reserved gateways, and the routes of bottom routers."""

import pytest

from tricircle.network import routes


def test_the_first_free_block_of_the_bridge_cidr_is_carved():
    assert routes.carve("100.0.0.0/9", 24, []) == "100.0.0.0/24"
    assert routes.carve("100.0.0.0/9", 24, ["100.0.0.0/24", "100.0.2.0/24"]) == "100.0.1.0/24"


def test_a_block_overlapping_a_larger_taken_range_is_skipped():
    assert routes.carve("100.0.0.0/16", 24, ["100.0.0.0/23"]) == "100.0.2.0/24"


def test_an_exhausted_bridge_cidr_is_an_error_saying_so():
    with pytest.raises(ValueError, match="every /25 of bridge_cidr 100.0.0.0/24 is taken"):
        routes.carve("100.0.0.0/24", 25, ["100.0.0.0/25", "100.0.0.128/25"])


def test_a_prefix_length_wider_than_the_bridge_cidr_is_refused():
    with pytest.raises(ValueError, match="does not fit"):
        routes.carve("100.0.0.0/24", 16, [])


def test_reserved_gateways_are_cut_out_of_the_pools():
    pools = [{"start": "10.0.0.2", "end": "10.0.0.254"}]
    assert routes.pools_without(pools, ["10.0.0.10", "10.0.0.2"]) == [
        {"start": "10.0.0.3", "end": "10.0.0.9"}, {"start": "10.0.0.11", "end": "10.0.0.254"}]
    assert routes.pools_without(pools, ["10.9.9.9"]) == pools
    assert routes.pools_without([{"start": "10.0.0.5", "end": "10.0.0.5"}], ["10.0.0.5"]) == []


CIDRS = {"RegionOne": {"10.1.0.0/24", "10.9.0.0/24"},
         "RegionTwo": {"10.2.0.0/24", "10.9.0.0/24"}}
BRIDGE = {"RegionOne": "100.0.0.3", "RegionTwo": "100.0.0.4"}


def test_each_region_routes_the_other_regions_own_subnets_over_the_bridge():
    assert routes.extra_routes("RegionOne", CIDRS, BRIDGE) == [
        {"destination": "10.2.0.0/24", "nexthop": "100.0.0.4"}]
    assert routes.extra_routes("RegionTwo", CIDRS, BRIDGE) == [
        {"destination": "10.1.0.0/24", "nexthop": "100.0.0.3"}]


def test_the_default_route_goes_to_the_exit_region_but_not_in_it():
    assert routes.extra_routes("RegionTwo", CIDRS, BRIDGE, exit_region="RegionOne") == [
        {"destination": "0.0.0.0/0", "nexthop": "100.0.0.3"},
        {"destination": "10.1.0.0/24", "nexthop": "100.0.0.3"}]
    assert {"destination": "0.0.0.0/0", "nexthop": "100.0.0.3"} not in routes.extra_routes(
        "RegionOne", CIDRS, BRIDGE, exit_region="RegionOne")


def test_a_region_without_a_bridge_address_is_not_routed_to_and_ipv6_stays_out():
    cidrs = {"RegionOne": {"10.1.0.0/24"}, "RegionTwo": {"10.2.0.0/24", "fd00::/64"}}
    assert routes.extra_routes("RegionTwo", cidrs, {"RegionTwo": "100.0.0.4"}) == []
    assert routes.extra_routes("RegionOne", cidrs, BRIDGE) == [
        {"destination": "10.2.0.0/24", "nexthop": "100.0.0.4"}]


def test_route_lists_compare_by_content():
    one = [{"destination": "a", "nexthop": "x"}, {"destination": "b", "nexthop": "y"}]
    assert routes.same_routes(one, one[::-1])
    assert not routes.same_routes(one, one[:1])


PLACED = {"10.1.0.0/24": {"RegionOne"}, "10.2.0.0/24": {"RegionTwo"},
          "10.3.0.0/24": {"RegionOne", "RegionTwo"}}
BRIDGE_IPS = {"RegionOne": "100.0.0.2", "RegionTwo": "100.0.0.3"}


def test_a_users_route_goes_as_it_is_where_its_nexthop_lives_and_over_the_bridge_elsewhere():
    route = [{"destination": "192.0.2.0/24", "nexthop": "10.1.0.50"}]
    assert routes.user_routes("RegionOne", route, PLACED, BRIDGE_IPS) == route
    assert routes.user_routes("RegionTwo", route, PLACED, BRIDGE_IPS) == [
        {"destination": "192.0.2.0/24", "nexthop": "100.0.0.2"}]


def test_a_users_route_via_a_stretched_subnet_goes_as_it_is_in_every_region_holding_it():
    route = [{"destination": "192.0.2.0/24", "nexthop": "10.3.0.9"}]
    for region in BRIDGE_IPS:
        assert routes.user_routes(region, route, PLACED, BRIDGE_IPS) == route


def test_a_users_route_via_no_subnet_of_the_router_is_left_out():
    route = [{"destination": "192.0.2.0/24", "nexthop": "172.16.0.1"}]
    assert routes.user_routes("RegionOne", route, PLACED, BRIDGE_IPS) == []


def test_a_users_route_wins_over_tricircles_for_its_destination_and_the_rest_stays():
    own = [{"destination": "10.2.0.0/24", "nexthop": "100.0.0.3"},
           {"destination": "0.0.0.0/0", "nexthop": "100.0.0.3"}]
    user = [{"destination": "0.0.0.0/0", "nexthop": "10.1.0.50"}]
    assert routes.merge_routes(own, user) == [
        {"destination": "0.0.0.0/0", "nexthop": "10.1.0.50"},
        {"destination": "10.2.0.0/24", "nexthop": "100.0.0.3"}]


def test_host_routes_send_other_regions_subnets_to_the_router_and_keep_centrals():
    central = [{"destination": "198.51.100.0/24", "nexthop": "10.1.0.254"}]
    stale = [{"destination": "10.9.0.0/24", "nexthop": "10.1.0.7"}]
    assert routes.host_routes(central + stale, "10.1.0.7", "10.1.0.0/24",
                              ["10.2.0.0/24", "10.1.0.0/24", "2001:db8::/64"]) == central + [
        {"destination": "10.2.0.0/24", "nexthop": "10.1.0.7"}]
