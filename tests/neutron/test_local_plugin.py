"""The local plugin's logic, with ML2 and central Neutron replaced by mocks."""

from unittest import mock

import pytest
from neutron.ipam import exceptions as ipam_exc
from neutron.plugins.ml2 import plugin as ml2_plugin
from neutron_lib import constants
from neutron_lib import exceptions as n_exc

from tests.neutron import fakes
from tests.unit.network.networks import (
    CENTRAL_NET,
    CENTRAL_PORT,
    CENTRAL_SUBNET,
    NET,
    PORT,
    SUBNET,
    ZONES,
)
from tricircle.network import bottom, helper
from tricircle.network import local_plugin as lp


@pytest.fixture
def plugin():
    # No ML2 set-up: every ML2 method the tests reach is patched.
    instance = lp.TricirclePlugin.__new__(lp.TricirclePlugin)
    instance._central_networks = {}
    with mock.patch.object(helper, "central_region", return_value="CentralRegion"), \
            mock.patch.object(helper, "local_region", return_value="RegionOne"), \
            mock.patch.object(helper, "zones", return_value=ZONES), \
            mock.patch.object(lp.TricirclePlugin, "_admin", return_value="admin"), \
            mock.patch.object(lp.TricirclePlugin, "_may_fetch", return_value=True), \
            mock.patch.object(helper, "record_routing") as record_routing, \
            mock.patch.object(helper, "queue_rule_sync") as queue_rule_sync:
        instance.record_routing = record_routing  # what Tricircle is told about copies
        instance.queue_rule_sync = queue_rule_sync
        yield instance


# --- what central Neutron is asked for ------------------------------------------------

def test_central_port_body_leaves_out_unset_attributes_and_records_the_region():
    local = {"network_id": NET, "project_id": "p1", "name": "",
             "mac_address": constants.ATTR_NOT_SPECIFIED,
             "fixed_ips": constants.ATTR_NOT_SPECIFIED,
             "device_owner": "compute:az1", "security_groups": ["local-sg"]}
    body = lp.central_port_body(local, "RegionOne")
    assert "mac_address" not in body and "fixed_ips" not in body
    assert "security_groups" not in body  # local ids mean nothing centrally
    assert body["binding:profile"] == {"region": "RegionOne", "origin": "local"}


# --- lookups -----------------------------------------------------------------------

def test_listing_by_id_copies_a_missing_network_and_its_subnets(plugin, neutrons):
    listed = [{"id": NET}]
    with mock.patch.object(ml2_plugin.Ml2Plugin, "get_networks",
                           side_effect=[[], [], listed]), \
            mock.patch.object(neutrons, "get", return_value=CENTRAL_NET), \
            mock.patch.object(neutrons, "find", return_value=[CENTRAL_SUBNET]), \
            mock.patch.object(plugin, "_has_network", return_value=False), \
            mock.patch.object(plugin, "_bottom_subnet") as copy_subnet, \
            mock.patch.object(plugin, "_create_bottom") as create:
        assert plugin.get_networks(mock.Mock(), {"id": [NET]}) == listed
    create.assert_called_once_with("network", bottom.network_body(CENTRAL_NET))
    copy_subnet.assert_called_once_with(CENTRAL_SUBNET)
    assert plugin._central_networks[NET] is True
    # The project's groups here need rules for the subnets the region now holds.
    plugin.queue_rule_sync.assert_called_once_with("p1")


def test_ml2s_update_network_may_hand_get_network_its_row(plugin):
    """ML2's update_network calls get_network(..., net_db=row): a network update in
    the region (xjob's update_network job) must not be a 500."""
    with mock.patch.object(ml2_plugin.Ml2Plugin, "get_network",
                           return_value={"id": NET}) as get:
        assert plugin.get_network(mock.Mock(), NET, net_db="row") == {"id": NET}
    assert get.call_args.kwargs["net_db"] == "row"


def test_a_network_central_does_not_have_stays_missing(plugin, neutrons):
    with mock.patch.object(ml2_plugin.Ml2Plugin, "get_networks", return_value=[]), \
            mock.patch.object(neutrons, "get", return_value=None), \
            mock.patch.object(plugin, "_has_network", return_value=False), \
            mock.patch.object(plugin, "_create_bottom") as create:
        assert plugin.get_networks(mock.Mock(), {"id": [NET]}) == []
    create.assert_not_called()
    assert NET not in plugin._central_networks  # an unknown id may still appear


def test_a_list_without_ids_never_reaches_central(plugin, neutrons):
    with mock.patch.object(ml2_plugin.Ml2Plugin, "get_networks", return_value=[]), \
            mock.patch.object(neutrons, "get") as central:
        plugin.get_networks(mock.Mock(), {"name": ["net1"]})
    central.assert_not_called()


def test_a_network_local_to_another_region_is_not_copied(plugin, neutrons):
    other = dict(CENTRAL_NET, availability_zone_hints=["RegionTwo"])
    with mock.patch.object(neutrons, "get", return_value=other), \
            mock.patch.object(plugin, "_create_bottom") as create:
        assert plugin._bottom_network(NET) is False
    create.assert_not_called()


def test_get_port_miss_copies_the_central_port(plugin, neutrons):
    plugin._central_networks[NET] = True
    with mock.patch.object(ml2_plugin.Ml2Plugin, "get_port",
                           side_effect=[n_exc.PortNotFound(port_id=PORT), {"id": PORT}]), \
            mock.patch.object(neutrons, "get", return_value=CENTRAL_PORT), \
            mock.patch.object(plugin, "_has_network", return_value=True), \
            mock.patch.object(plugin, "_ensure_subnets"), \
            mock.patch.object(plugin, "_create_bottom") as create:
        assert plugin.get_port(mock.Mock(), PORT) == {"id": PORT}
    create.assert_called_once_with("port", bottom.port_body(CENTRAL_PORT))


# --- ports -------------------------------------------------------------------------

def _nova_port() -> dict:
    return {"network_id": NET, "project_id": "p1", "name": "",
            "mac_address": constants.ATTR_NOT_SPECIFIED,
            "fixed_ips": constants.ATTR_NOT_SPECIFIED, "device_owner": "", "device_id": ""}


def test_port_on_a_central_network_takes_id_mac_and_ip_from_central(plugin, neutrons):
    plugin._central_networks[NET] = True
    with mock.patch.object(neutrons, "create", return_value=CENTRAL_PORT) as central, \
            mock.patch.object(plugin, "_ensure_subnets"), \
            mock.patch.object(ml2_plugin.Ml2Plugin, "create_port",
                              return_value={"id": PORT}) as create:
        plugin.create_port(mock.Mock(), {"port": _nova_port()})
    assert central.call_args.args[:2] == ("CentralRegion", "port")
    local = create.call_args.args[1]["port"]
    assert local["id"] == PORT and local["mac_address"] == CENTRAL_PORT["mac_address"]
    assert local["fixed_ips"] == [{"subnet_id": SUBNET, "ip_address": "10.0.0.7"}]
    plugin.record_routing.assert_called_once_with(PORT, "port", "p1", "RegionOne")


def test_a_copy_is_recorded_as_a_routing_of_this_region(plugin):
    with mock.patch.object(lp.plugin_utils, "create_network") as create:
        plugin._create_bottom("network", bottom.network_body(CENTRAL_NET))
    assert create.call_args.args[2]["network"]["id"] == NET
    plugin.record_routing.assert_called_once_with(NET, "network", "p1", "RegionOne")


def test_a_copy_works_when_its_routing_cannot_be_recorded(plugin, caplog):
    plugin.record_routing.side_effect = fakes.failure("CentralRegion", 503, "down")
    with mock.patch.object(lp.plugin_utils, "create_subnet") as create:
        plugin._create_bottom("subnet", bottom.subnet_body(CENTRAL_SUBNET))
    create.assert_called_once()
    assert "No routing recorded for the copy of subnet subnet-1" in caplog.text


def test_a_failed_local_create_gives_the_central_ip_back(plugin, neutrons):
    plugin._central_networks[NET] = True
    with mock.patch.object(neutrons, "create", return_value=CENTRAL_PORT), \
            mock.patch.object(neutrons, "delete") as delete, \
            mock.patch.object(plugin, "_ensure_subnets"), \
            mock.patch.object(ml2_plugin.Ml2Plugin, "create_port",
                              side_effect=n_exc.MacAddressInUse(net_id=NET, mac="x")):
        with pytest.raises(n_exc.MacAddressInUse):
            plugin.create_port(mock.Mock(), {"port": _nova_port()})
    delete.assert_called_once_with("CentralRegion", "port", PORT)


def _holder(port_id: str, **extra) -> dict:
    """A port here holding the address central gave CENTRAL_PORT."""
    return dict({"id": port_id, "network_id": NET, "device_owner": "compute:az1",
                 "fixed_ips": [{"subnet_id": SUBNET, "ip_address": "10.0.0.7"}]}, **extra)


def _taken() -> Exception:
    return ipam_exc.IpAddressAlreadyAllocated(ip="10.0.0.7", subnet_id=SUBNET)


@pytest.mark.parametrize("holder, central_of_holder", [
    (_holder("deleted-centrally"), None),
    (_holder("readdressed-centrally"), dict(CENTRAL_PORT, id="readdressed-centrally",
                                            fixed_ips=[{"subnet_id": SUBNET,
                                                        "ip_address": "10.0.0.9"}])),
    (_holder("shadow-1", device_owner="compute:shadow",
             **{"binding:profile": {"shadow_of": "gone-elsewhere"}}), None),
], ids=["copy-of-a-deleted-port", "copy-of-a-readdressed-port", "shadow-of-a-deleted-port"])
def test_an_address_a_stale_copy_holds_is_freed_for_the_port_central_gave_it(
        plugin, neutrons, holder, central_of_holder):
    # Central deleted a port and gave its IP to a new one before xjob deleted the
    # old port's copy here: the copy goes and the new port is created.
    plugin._central_networks[NET] = True
    neutrons.get.return_value = central_of_holder
    with mock.patch.object(neutrons, "create", return_value=CENTRAL_PORT), \
            mock.patch.object(neutrons, "delete") as central_delete, \
            mock.patch.object(plugin, "_ensure_subnets"), \
            mock.patch.object(ml2_plugin.Ml2Plugin, "get_ports", return_value=[holder]), \
            mock.patch.object(ml2_plugin.Ml2Plugin, "delete_port") as delete, \
            mock.patch.object(ml2_plugin.Ml2Plugin, "create_port",
                              side_effect=[_taken(), {"id": PORT}]) as create:
        assert plugin.create_port(mock.Mock(), {"port": _nova_port()}) == {"id": PORT}
    assert delete.call_args.args[1] == holder["id"]
    assert create.call_count == 2
    central_delete.assert_not_called()  # nothing of central's is touched
    asked = neutrons.get.call_args.args
    assert asked == ("CentralRegion", "port",
                     "gone-elsewhere" if holder["id"] == "shadow-1" else holder["id"])


def test_an_address_central_still_gives_the_holder_is_a_conflict(plugin, neutrons):
    plugin._central_networks[NET] = True
    holder = _holder("still-central")
    neutrons.get.return_value = dict(CENTRAL_PORT, id="still-central")
    with mock.patch.object(neutrons, "create", return_value=CENTRAL_PORT), \
            mock.patch.object(neutrons, "delete") as central_delete, \
            mock.patch.object(plugin, "_ensure_subnets"), \
            mock.patch.object(ml2_plugin.Ml2Plugin, "get_ports", return_value=[holder]), \
            mock.patch.object(ml2_plugin.Ml2Plugin, "delete_port") as delete, \
            mock.patch.object(ml2_plugin.Ml2Plugin, "create_port", side_effect=_taken()):
        with pytest.raises(ipam_exc.IpAddressAlreadyAllocated):
            plugin.create_port(mock.Mock(), {"port": _nova_port()})
    delete.assert_not_called()
    # The failed create gives central's new port back, as any failed create does.
    central_delete.assert_called_once_with("CentralRegion", "port", PORT)


def test_a_copy_of_a_central_port_frees_its_address_from_a_stale_copy(plugin, neutrons):
    # A lookup here copying a central port whose IP a deleted port's copy still holds.
    with mock.patch.object(ml2_plugin.Ml2Plugin, "get_ports",
                           return_value=[_holder("deleted-centrally")]), \
            mock.patch.object(ml2_plugin.Ml2Plugin, "delete_port") as delete, \
            mock.patch.object(lp.plugin_utils, "create_port",
                              side_effect=[_taken(), {"id": PORT}]) as create:
        plugin._create_bottom("port", bottom.port_body(CENTRAL_PORT))
    assert delete.call_args.args[1] == "deleted-centrally"
    assert create.call_count == 2
    plugin.record_routing.assert_called_once_with(PORT, "port", "p1", "RegionOne")


def test_port_on_a_local_only_network_never_reaches_central(plugin, neutrons):
    plugin._central_networks[NET] = False
    with mock.patch.object(neutrons, "create") as central, \
            mock.patch.object(ml2_plugin.Ml2Plugin, "create_port",
                              return_value={"id": PORT}) as create:
        plugin.create_port(mock.Mock(), {"port": _nova_port()})
    central.assert_not_called()
    create.assert_called_once()


@pytest.mark.parametrize("profile, deleted", [
    ({"region": "RegionOne", "origin": "local"}, True),
    ({"region": "RegionTwo", "origin": "local"}, False),
    ({}, False)])
def test_deleting_a_port_deletes_only_a_top_port_made_here(plugin, neutrons, profile, deleted):
    top = dict(CENTRAL_PORT, **{"binding:profile": profile})
    plugin._central_networks[NET] = True
    with mock.patch.object(ml2_plugin.Ml2Plugin, "delete_port"), \
            mock.patch.object(ml2_plugin.Ml2Plugin, "get_port", return_value={"network_id": NET}), \
            mock.patch.object(neutrons, "get", return_value=top), \
            mock.patch.object(neutrons, "delete") as delete:
        plugin.delete_port(mock.Mock(), PORT)
    assert delete.called is deleted


def test_deleting_a_port_of_a_local_only_network_never_asks_central(plugin, neutrons):
    plugin._central_networks[NET] = False
    with mock.patch.object(ml2_plugin.Ml2Plugin, "delete_port"), \
            mock.patch.object(ml2_plugin.Ml2Plugin, "get_port", return_value={"network_id": NET}), \
            mock.patch.object(neutrons, "get") as central:
        plugin.delete_port(mock.Mock(), PORT)
    central.assert_not_called()


def test_binding_updates_are_forwarded_to_the_top_port(plugin, neutrons):
    plugin._central_networks[NET] = True
    change = {"binding:host_id": "nova-r1-compute", "device_id": "vm-1",
              "binding:profile": {}}
    with mock.patch.object(ml2_plugin.Ml2Plugin, "update_port",
                           return_value={"id": PORT, "network_id": NET}), \
            mock.patch.object(neutrons, "update") as update:
        plugin.update_port(mock.Mock(), PORT, {"port": change})
    update.assert_called_once_with("CentralRegion", "port", PORT,
                                   {"binding:host_id": "nova-r1-compute", "device_id": "vm-1"})


# What ML2 here answers once it bound a port on host nova-r1 (a backend's VIF).
OVS_DETAILS = {"port_filter": True, "bridge_name": "br-int", "connectivity": "l2"}
BOUND_HERE = {"id": PORT, "network_id": NET, "binding:host_id": "nova-r1",
              "binding:vif_type": "ovs", "binding:vif_details": OVS_DETAILS}
REPORT = {"host": "nova-r1", "vif_type": "ovs", "vif_details": OVS_DETAILS}


def _bind_here(plugin, neutrons, top: dict, bound: dict, host: str = "nova-r1") -> mock.Mock:
    """Nova sets ``host`` on the port here, ML2 here answers ``bound``; the update of
    the top port ``top``."""
    plugin._central_networks[NET] = True
    with mock.patch.object(ml2_plugin.Ml2Plugin, "update_port", return_value=bound), \
            mock.patch.object(neutrons, "get", return_value=top), \
            mock.patch.object(neutrons, "update") as update:
        plugin.update_port(mock.Mock(), PORT, {"port": {"binding:host_id": host}})
    return update


def test_a_port_made_centrally_learns_its_region_when_bound_here(plugin, neutrons):
    """server create --port: the top port has no region until this region binds it,
    and then gets one without ``origin``, so central stays its owner; with it, the
    binding made here."""
    update = _bind_here(plugin, neutrons, dict(CENTRAL_PORT, **{"binding:profile": {}}),
                        BOUND_HERE)
    update.assert_called_once_with("CentralRegion", "port", PORT, {
        "binding:host_id": "nova-r1",
        "binding:profile": {"region": "RegionOne", "region_binding": REPORT}})


def test_a_port_made_here_keeps_its_profile_and_reports_its_binding(plugin, neutrons):
    update = _bind_here(plugin, neutrons, CENTRAL_PORT, BOUND_HERE)
    profile = dict(CENTRAL_PORT["binding:profile"], region_binding=REPORT)
    update.assert_called_once_with("CentralRegion", "port", PORT, {
        "binding:host_id": "nova-r1", "binding:profile": profile})


def test_a_binding_that_failed_here_is_not_reported(plugin, neutrons):
    """No driver here could bind (e.g. no agent on the host): central is told the
    host only, so it cannot show a binding the region does not have."""
    failed = dict(BOUND_HERE, **{"binding:vif_type": "binding_failed",
                                 "binding:vif_details": {}})
    update = _bind_here(plugin, neutrons, CENTRAL_PORT, failed)
    update.assert_called_once_with("CentralRegion", "port", PORT,
                                   {"binding:host_id": "nova-r1"})


def test_unbinding_here_takes_the_report_back_and_keeps_the_region(plugin, neutrons):
    """Server delete: the top port forgets the binding; its region stays, so central
    still reconciles the shadows of that region."""
    reported = dict(CENTRAL_PORT, **{"binding:profile": dict(
        CENTRAL_PORT["binding:profile"], region_binding=REPORT)})
    unbound = dict(BOUND_HERE, **{"binding:host_id": "", "binding:vif_type": "unbound",
                                  "binding:vif_details": {}})
    update = _bind_here(plugin, neutrons, reported, unbound, host="")
    update.assert_called_once_with("CentralRegion", "port", PORT, {
        "binding:host_id": "", "binding:profile": CENTRAL_PORT["binding:profile"]})


def _regroup(plugin, neutrons, now: list[str], requested: list[str],
             mapped: tuple) -> mock.Mock:
    """Set the groups of a port holding ``now``; ``mapped``: what _port_groups answers."""
    plugin._central_networks[NET] = True
    current = {"network_id": NET, "device_owner": "compute:az1", "project_id": "p1",
               "security_groups": now}
    with mock.patch.object(ml2_plugin.Ml2Plugin, "get_port", return_value=current), \
            mock.patch.object(plugin, "_port_groups", return_value=mapped) as port_groups, \
            mock.patch.object(ml2_plugin.Ml2Plugin, "update_port",
                              return_value={"id": PORT, "network_id": NET}) as update_here, \
            mock.patch.object(neutrons, "update") as update_central:
        plugin.update_port(mock.Mock(), PORT, {"port": {"security_groups": requested}})
    assert port_groups.call_args.args[0]["project_id"] == "p1"
    assert update_here.call_args.args[2] == {"port": {"security_groups": list(mapped[0])}}
    return update_central


def test_a_group_change_made_here_reaches_the_top_port_in_central_ids(plugin, neutrons):
    # Nova's add-security-group: the region's default group plus a central group.
    update_central = _regroup(plugin, neutrons, ["local-default"], ["local-default", "web"],
                              (["local-default", "web"], ["central-default", "web"]))
    update_central.assert_called_once_with("CentralRegion", "port", PORT,
                                           {"security_groups": ["central-default", "web"]})


def test_a_group_change_pushed_by_central_is_not_sent_back(plugin, neutrons):
    update_central = _regroup(plugin, neutrons, ["web", "db"], ["db", "web"],
                              (["db", "web"], ["db", "web"]))
    update_central.assert_not_called()


def test_a_change_tricircle_pushes_is_applied_as_given_without_asking_central(
        plugin, neutrons, tricircle_user):
    """xjob gives a bottom central's new groups in this region's ids: nothing is mapped
    through central, nothing goes back to it (central may be the one waiting)."""
    plugin._central_networks[NET] = True
    xjob = mock.Mock(user_id=tricircle_user)
    change = {"port": {"security_groups": ["local-default", "web"]}}
    with mock.patch.object(ml2_plugin.Ml2Plugin, "update_port",
                           return_value={"id": PORT, "network_id": NET}) as update_here, \
            mock.patch.object(neutrons, "get") as get_central, \
            mock.patch.object(neutrons, "update") as update_central:
        plugin.update_port(xjob, PORT, change)
    update_here.assert_called_once_with(xjob, PORT, change)
    get_central.assert_not_called()
    update_central.assert_not_called()


@pytest.mark.parametrize(("network_type", "holders", "copied"), [
    ("local", [], True),                      # the first region to use it takes it
    ("local", ["RegionOne"], True),           # it is ours already
    ("local", ["RegionTwo"], False),          # another region took it
    ("vxlan", ["RegionTwo"], True),           # spans regions
])
def test_a_local_type_network_stays_in_the_first_region(plugin, network_type, holders,
                                                        copied, neutrons):
    central = dict(CENTRAL_NET, **{"provider:network_type": network_type})
    routings = [{"region_name": region} for region in holders]
    with mock.patch.object(neutrons, "get", return_value=central), \
            mock.patch.object(helper, "routings", return_value=routings), \
            mock.patch.object(neutrons, "find", return_value=[]), \
            mock.patch.object(plugin, "_has_network", return_value=False), \
            mock.patch.object(plugin, "_create_bottom") as create:
        assert plugin._bottom_network(NET) is copied
    assert create.called is copied


# --- central's failures, as the region's callers see them ----------------------------

def test_an_ip_central_refuses_is_a_conflict_with_centrals_reason(plugin, neutrons):
    plugin._central_networks[NET] = True
    body = '{"NeutronError": {"type": "IpAddressAlreadyAllocated", "message": "IP taken"}}'
    refused = fakes.failure("CentralRegion", 409, body)
    with mock.patch.object(neutrons, "create", side_effect=refused):
        with pytest.raises(n_exc.Conflict, match="CentralRegion Neutron refused the "
                                                 "request: IP taken"):
            plugin.create_port(mock.Mock(), {"port": _nova_port()})


def test_an_unreachable_central_is_a_503_naming_it(plugin, neutrons):
    down = fakes.failure("CentralRegion", None, "Connection refused")
    with mock.patch.object(ml2_plugin.Ml2Plugin, "get_networks", return_value=[]), \
            mock.patch.object(neutrons, "get", side_effect=down):
        with pytest.raises(n_exc.ServiceUnavailable) as raised:
            plugin.get_networks(mock.Mock(), {"id": [NET]})
    assert str(raised.value) == ("CentralRegion Neutron is unavailable: Connection refused "
                                 "(HTTP unreachable)")


def _caller(project: str = "p1", admin: bool = False) -> mock.Mock:
    return mock.Mock(is_admin=admin, project_id=project)


@pytest.mark.parametrize(("caller", "central", "copied"), [
    (_caller(), CENTRAL_NET, True),                                   # its own network
    (_caller("p2"), CENTRAL_NET, False),                              # someone else's
    (_caller("p2"), dict(CENTRAL_NET, shared=True), True),            # shared with all
    (_caller("p2", admin=True), CENTRAL_NET, True),                   # an admin
])
def test_get_network_copies_what_the_caller_may_see(plugin, neutrons, caller, central,
                                                    copied):
    missing = n_exc.NetworkNotFound(net_id=NET)
    with mock.patch.object(ml2_plugin.Ml2Plugin, "get_network",
                           side_effect=[missing, {"id": NET}]), \
            mock.patch.object(neutrons, "get", return_value=central), \
            mock.patch.object(neutrons, "find", return_value=[]), \
            mock.patch.object(plugin, "_has_network", return_value=False), \
            mock.patch.object(plugin, "_create_bottom") as create:
        if copied:
            assert plugin.get_network(caller, NET) == {"id": NET}
        else:
            with pytest.raises(n_exc.NetworkNotFound):
                plugin.get_network(caller, NET)
    assert create.called is copied
    assert NET not in plugin._central_networks or copied  # its owner may come later


def test_a_network_copied_by_another_worker_at_once_is_fine(plugin):
    # Two workers copy the same central network: the second fails on the segment
    # (the VxLAN id the copy keeps) before it reaches the duplicate id.
    taken = n_exc.TunnelIdInUse(tunnel_id=5596)
    with mock.patch.object(lp.plugin_utils, "create_network", side_effect=taken), \
            mock.patch.object(plugin, "_has_network", side_effect=[False, True]), \
            mock.patch.object(lp.time, "sleep"):
        plugin._create_bottom("network", bottom.network_body(CENTRAL_NET))
    plugin.record_routing.assert_called_once_with(NET, "network", "p1", "RegionOne")


def test_a_segment_another_network_holds_is_still_an_error(plugin):
    taken = n_exc.VlanIdInUse(vlan_id=100, physical_network="physnet1")
    with mock.patch.object(lp.plugin_utils, "create_network", side_effect=taken), \
            mock.patch.object(plugin, "_has_network", return_value=False) as has, \
            mock.patch.object(lp.time, "sleep"), pytest.raises(n_exc.VlanIdInUse):
        plugin._create_bottom("network", bottom.network_body(CENTRAL_NET))
    assert has.call_count == lp._APPEAR_TRIES
    plugin.record_routing.assert_not_called()
