"""Where routers across regions live and what they may take (tricircle.network.routers)."""

from tricircle.network import routers

ZONES = {"RegionOne": {"RegionOne"}, "RegionTwo": {"RegionTwo"}, "az1": {"RegionOne"},
         "both": {"RegionOne", "RegionTwo"}}


def _router(*hints):
    return {"id": "r-1", "availability_zone_hints": list(hints)}


def _network(*hints, external=False, id_="net-1"):
    return {"id": id_, "availability_zone_hints": list(hints), "router:external": external}


def test_a_router_hinted_to_one_region_or_its_az_is_local_to_it():
    assert routers.local_region(_router("RegionOne"), ZONES) == "RegionOne"
    assert routers.local_region(_router("az1"), ZONES) == "RegionOne"
    assert routers.local_region(_router(), ZONES) is None
    assert routers.local_region(_router("both"), ZONES) is None


def test_a_local_router_refuses_a_network_of_another_region_only():
    local = _router("RegionOne")
    assert routers.interface_error(local, _network(), ZONES) is None
    assert routers.interface_error(local, _network("az1"), ZONES) is None
    assert routers.interface_error(local, _network("both"), ZONES) is None
    error = routers.interface_error(local, _network("RegionTwo"), ZONES)
    assert "lives in RegionTwo" in error and "r-1" in error


def test_a_router_without_hints_takes_any_network_but_not_an_external_one():
    assert routers.interface_error(_router(), _network("RegionTwo"), ZONES) is None
    assert "external" in routers.interface_error(_router(), _network(external=True), ZONES)


def test_a_gateway_must_live_where_a_local_router_does():
    assert routers.gateway_error(_router("RegionOne"), _network("RegionOne"), ZONES) is None
    assert routers.gateway_error(_router(), _network("RegionTwo"), ZONES) is None
    assert "RegionTwo" in routers.gateway_error(_router("RegionOne"), _network("RegionTwo"),
                                                ZONES)


def test_an_external_network_needs_one_region():
    assert routers.external_region(_network("az1"), ZONES, None) == ("RegionOne", None)
    assert routers.external_region(_network(), ZONES, "RegionTwo") == ("RegionTwo", None)
    region, why = routers.external_region(_network(), ZONES, None)
    assert region is None and "default_external_region" in why
    region, why = routers.external_region(_network("both"), ZONES, None)
    assert region is None and "RegionOne, RegionTwo" in why


def test_an_unhinted_network_lives_where_it_was_copied():
    asked = []

    def holders():
        asked.append(True)
        return {"RegionTwo", None}
    assert routers.network_regions(_network("az1"), ZONES, holders) == {"RegionOne"}
    assert not asked  # a hint answers without asking Tricircle
    assert routers.network_regions(_network(), ZONES, holders) == {"RegionTwo"}


def test_a_router_needs_a_bottom_router_where_its_networks_and_exit_are():
    placed = {"n1": {"RegionOne"}, "n2": {"RegionOne", "RegionTwo"}}
    assert routers.router_regions(None, placed, None) == {"RegionOne", "RegionTwo"}
    assert routers.router_regions(None, {"n1": {"RegionOne"}}, "RegionTwo") == {
        "RegionOne", "RegionTwo"}
    assert routers.router_regions("RegionOne", placed, "RegionOne") == {"RegionOne"}
    assert routers.router_regions(None, {}, None) == set()


SUBNETS = [{"id": "s1", "network_id": "n1"}, {"id": "s2", "network_id": "n2"}]
PLACED = {"n1": {"RegionOne"}, "n2": {"RegionOne", "RegionTwo"}}
CENTRAL_IPS = {"s1": "10.1.0.1", "s2": "10.2.0.1"}


def test_a_stretched_subnet_takes_each_regions_reserved_gateway():
    reserved = {("RegionOne", "s2"): "10.2.0.7", ("RegionTwo", "s2"): "10.2.0.8"}
    assert routers.interface_ips("RegionOne", SUBNETS, PLACED, CENTRAL_IPS, reserved) == {
        "s1": "10.1.0.1", "s2": "10.2.0.7"}
    assert routers.interface_ips("RegionTwo", SUBNETS, PLACED, CENTRAL_IPS, reserved) == {
        "s2": "10.2.0.8"}


def test_a_stretched_subnet_waits_for_its_reservation():
    assert routers.interface_ips("RegionTwo", SUBNETS, PLACED, CENTRAL_IPS, {}) == {}


def test_a_floating_ip_goes_through_the_router_routing_its_address():
    candidates = [("r-a", [{"destination": "10.3.0.0/24", "nexthop": "100.0.0.5"}]),
                  ("r-b", [{"destination": "0.0.0.0/0", "nexthop": "100.0.0.3"},
                           {"destination": "10.2.0.0/24", "nexthop": "100.0.0.4"}])]
    assert routers.pick_router(candidates, "10.2.0.9") == "r-b"
    assert routers.pick_router(candidates, "10.7.0.9") == "r-a"  # none routes it: the first
    assert routers.pick_router([], "10.2.0.9") is None
