"""The rules of bottom copies (tricircle.network.bottom), without Neutron."""

from unittest import mock

import pytest

from tests.unit.network.networks import (
    CENTRAL_NET,
    CENTRAL_PORT,
    CENTRAL_SUBNET,
    NET,
    PORT,
    SUBNET,
    ZONES,
)
from tricircle.network import bottom
from tricircle.network.bottom import Verdict

# --- what a bottom copy holds ---------------------------------------------------------

def test_network_copy_keeps_id_and_segment_and_drops_hints():
    body = bottom.network_body(dict(CENTRAL_NET, availability_zone_hints=["RegionOne"]))
    assert body["id"] == NET
    assert body["provider:segmentation_id"] == 5001
    assert "availability_zone_hints" not in body
    assert "provider:physical_network" not in body  # None is not sent


def test_network_copy_takes_the_segment_of_a_multi_segment_network():
    central = {"id": NET, "segments": [{"provider:network_type": "vlan",
                                        "provider:physical_network": "physnet1",
                                        "provider:segmentation_id": 201}]}
    assert bottom.network_body(central)["provider:segmentation_id"] == 201


def test_subnet_copy_keeps_cidr_gateway_and_pools_but_not_the_pool_id():
    body = bottom.subnet_body(CENTRAL_SUBNET)
    assert body["id"] == SUBNET and body["gateway_ip"] == "10.0.0.1"
    assert body["allocation_pools"] == CENTRAL_SUBNET["allocation_pools"]
    assert "subnetpool_id" not in body


def test_port_copy_keeps_id_mac_and_ips_and_leaves_groups_and_profile_out():
    body = bottom.port_body(dict(CENTRAL_PORT, security_groups=["sg-1"]))
    assert body["id"] == PORT and body["mac_address"] == CENTRAL_PORT["mac_address"]
    assert body["fixed_ips"] == [{"subnet_id": SUBNET, "ip_address": "10.0.0.7"}]
    assert "security_groups" not in body and "binding:profile" not in body


def test_port_copy_keeps_address_pairs_port_security_dhcp_options_and_vnic_type():
    top = dict(CENTRAL_PORT, port_security_enabled=False, security_groups=[],
               allowed_address_pairs=[{"ip_address": "10.0.0.99",
                                       "mac_address": "fa:16:3e:00:00:01"}],
               extra_dhcp_opts=[{"opt_name": "mtu", "opt_value": "1400", "ip_version": 4,
                                 "port_id": PORT}],
               **{"binding:vnic_type": "direct"})
    body = bottom.port_body(top)
    assert body["port_security_enabled"] is False
    assert body["allowed_address_pairs"] == top["allowed_address_pairs"]
    assert body["extra_dhcp_opts"] == [{"opt_name": "mtu", "opt_value": "1400",
                                        "ip_version": 4}]
    assert body["binding:vnic_type"] == "direct"


def test_a_port_made_centrally_gets_the_binding_region_and_one_made_here_keeps_its_own():
    assert bottom.region_profile({"binding:profile": {}}, "RegionTwo") == {
        "region": "RegionTwo"}
    assert bottom.region_profile(CENTRAL_PORT, "RegionOne") is None
    # Bound in another region than the one that made it: that region, central's port now.
    assert bottom.region_profile(CENTRAL_PORT, "RegionTwo") == {"region": "RegionTwo"}


# --- what central Neutron is asked for ----------------------------------------------------

def test_central_port_body_leaves_out_unset_attributes_and_records_the_region():
    requested = {"network_id": NET, "project_id": "p1", "name": "", "mac_address": None,
                 "fixed_ips": [], "device_owner": "compute:az1",
                 "security_groups": ["local-sg"]}
    body = bottom.central_port_body(requested, "RegionOne")
    assert "mac_address" not in body and "fixed_ips" not in body
    assert "security_groups" not in body  # local ids mean nothing centrally
    assert body["binding:profile"] == {"region": "RegionOne", "origin": "local"}
    assert body["name"] == "" and body["device_owner"] == "compute:az1"


def test_the_central_port_asks_for_the_groups_given_and_the_project_of_tenant_id():
    body = bottom.central_port_body({"network_id": NET, "tenant_id": "p1"}, "RegionOne",
                                    ["sg-web"])
    assert body["security_groups"] == ["sg-web"] and body["project_id"] == "p1"


def test_only_the_forwarded_attributes_of_an_update_reach_central():
    change = {"binding:host_id": "host-1", "device_id": "vm-1", "binding:profile": {}}
    assert bottom.forwarded_updates(change) == {"binding:host_id": "host-1",
                                                "device_id": "vm-1"}


# --- central ports and their regions ---------------------------------------------------

def test_only_the_creating_region_owns_the_top_port():
    assert bottom.created_here(CENTRAL_PORT, "RegionOne")
    assert not bottom.created_here(CENTRAL_PORT, "RegionTwo")
    assert not bottom.created_here(dict(CENTRAL_PORT, **{"binding:profile": {}}), "RegionOne")


def test_the_port_region_is_the_one_in_its_binding_profile():
    assert bottom.port_region({"binding:profile": {"region": "RegionTwo"}}) == "RegionTwo"
    assert bottom.port_region({"binding:profile": None}) is None


@pytest.mark.parametrize(("owner", "network_type", "region", "expected"), [
    ("compute:az1", "vxlan", "RegionOne", True),
    ("compute:az1", "vlan", "RegionOne", False),      # no tunnels to build
    ("network:dhcp", "vxlan", "RegionOne", False),    # not a VM port
    ("compute:shadow", "vxlan", "RegionOne", False),  # a shadow itself
    ("compute:az1", "vxlan", None, False),            # made centrally: no region
])
def test_a_regions_vm_port_on_vxlan_needs_shadows(owner, network_type, region, expected):
    port = {"device_owner": owner, "binding:profile": {"region": region} if region else {}}
    assert bottom.needs_shadows(port, network_type) is expected


# --- which bottom networks a region makes ----------------------------------------------

@pytest.mark.parametrize("hints, expected", [
    ([], True), (["RegionOne"], True), (["RegionTwo"], False), (["az1"], True),
    (["az23"], False), (["az23", "RegionOne"], True), (["unknown"], True)])
def test_network_hints_decide_which_regions_may_copy_it(hints, expected):
    network = {"availability_zone_hints": hints}
    assert bottom.meant_for(network, "RegionOne", ZONES) is expected


def _caller(project: str = "p1", admin: bool = False) -> mock.Mock:
    return mock.Mock(is_admin=admin, project_id=project)


def _verdict(top, caller=None, holders=()) -> Verdict:
    return bottom.network_verdict(top, caller, "RegionOne", lambda: ZONES,
                                  lambda: set(holders))


@pytest.mark.parametrize(("caller", "top", "expected"), [
    (_caller(), CENTRAL_NET, Verdict.COPY),                            # its own network
    (_caller("p2"), CENTRAL_NET, Verdict.HIDDEN),                      # someone else's
    (_caller("p2"), dict(CENTRAL_NET, shared=True), Verdict.COPY),     # shared with all
    (_caller("p2", admin=True), CENTRAL_NET, Verdict.COPY),            # an admin
    (None, CENTRAL_NET, Verdict.COPY),                                 # Tricircle itself
    (_caller(), None, Verdict.ABSENT),                                 # not central
])
def test_a_region_copies_what_the_caller_may_see(caller, top, expected):
    assert _verdict(top, caller) is expected


def test_a_network_hinted_to_another_region_is_absent_here():
    other = dict(CENTRAL_NET, availability_zone_hints=["RegionTwo"])
    assert _verdict(other) is Verdict.ABSENT


@pytest.mark.parametrize(("network_type", "holders", "expected"), [
    ("local", [], Verdict.COPY),                # the first region to use it takes it
    ("local", ["RegionOne"], Verdict.COPY),     # it is ours already
    ("local", ["RegionTwo"], Verdict.ABSENT),   # another region took it
    ("local", [None], Verdict.COPY),            # a routing of a pod that is gone
    ("vxlan", ["RegionTwo"], Verdict.COPY),     # spans regions
])
def test_a_local_type_network_lives_in_the_first_region(network_type, holders, expected):
    top = dict(CENTRAL_NET, **{"provider:network_type": network_type})
    assert _verdict(top, holders=holders) is expected


def test_the_verdict_asks_no_lookup_it_does_not_need():
    zones, holders = mock.Mock(return_value=ZONES), mock.Mock(return_value=set())
    bottom.network_verdict(None, None, "RegionOne", zones, holders)
    bottom.network_verdict(CENTRAL_NET, _caller("p2"), "RegionOne", zones, holders)
    zones.assert_not_called()  # neither for an absent network nor a hidden one
    bottom.network_verdict(CENTRAL_NET, None, "RegionOne", zones, holders)
    holders.assert_not_called()  # routings matter for local networks only


# --- copies following central's later changes ---------------------------------------------

def test_a_network_copy_takes_centrals_new_name_admin_state_and_mtu_only():
    copy = {"name": "old", "admin_state_up": True, "mtu": 1450, "shared": False}
    top = {"name": "new", "admin_state_up": False, "mtu": 1400, "shared": True,
           "port_security_enabled": None}
    assert bottom.network_changes(top, copy) == {"name": "new", "admin_state_up": False,
                                                 "mtu": 1400}
    assert bottom.network_changes(copy, copy) == {}


def _subnet(**fields):
    return dict({"name": "s", "description": "", "enable_dhcp": True, "dns_nameservers": [],
                 "gateway_ip": "10.0.0.1", "host_routes": [],
                 "allocation_pools": [{"start": "10.0.0.2", "end": "10.0.0.254"}]}, **fields)


def test_a_subnet_copy_takes_centrals_dhcp_dns_pools_and_host_routes():
    route = {"destination": "192.0.2.0/24", "nexthop": "10.0.0.254"}
    top = _subnet(enable_dhcp=False, dns_nameservers=["10.0.0.53"], host_routes=[route],
                  allocation_pools=[{"start": "10.0.0.10", "end": "10.0.0.99"}])
    assert bottom.subnet_changes(top, _subnet(), "RegionOne", {}, set()) == {
        "enable_dhcp": False, "dns_nameservers": ["10.0.0.53"], "host_routes": [route],
        "allocation_pools": [{"start": "10.0.0.10", "end": "10.0.0.99"}]}
    assert bottom.subnet_changes(top, dict(top), "RegionOne", {}, set()) == {}


def test_a_subnet_copy_keeps_what_routers_across_regions_set_on_it():
    """A stretched subnet's copy keeps its region's gateway and pools without the
    reserved gateways; host routes via a router's port stay beside central's."""
    gateways = {"RegionOne": "10.0.0.200", "RegionTwo": "10.0.0.201"}
    tricircle_route = {"destination": "10.9.0.0/24", "nexthop": "10.0.0.7"}
    copy = _subnet(gateway_ip="10.0.0.200", host_routes=[tricircle_route],
                   allocation_pools=[{"start": "10.0.0.2", "end": "10.0.0.199"},
                                     {"start": "10.0.0.202", "end": "10.0.0.254"}])
    assert bottom.subnet_changes(_subnet(), copy, "RegionOne", gateways, {"10.0.0.7"}) == {}
    assert bottom.subnet_changes(_subnet(name="new"), copy, "RegionOne", gateways,
                                 {"10.0.0.7"}) == {"name": "new"}
    # A host route whose router went is not kept.
    assert bottom.subnet_changes(_subnet(), copy, "RegionOne", gateways, set()) == {
        "host_routes": []}
