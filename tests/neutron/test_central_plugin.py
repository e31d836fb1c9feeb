"""The central plugin's additions to ML2, with ML2 and the regions replaced by mocks."""

from unittest import mock

import pytest
from neutron.plugins.ml2 import plugin as ml2_plugin
from neutron_lib import exceptions as n_exc
from neutron_lib.exceptions import availability_zone as az_exc

from tests.neutron import fakes
from tricircle.network import central_plugin as cp
from tricircle.network import helper

REGIONS = ["RegionOne", "RegionTwo"]


@pytest.fixture
def plugin():
    zones = {"RegionOne": {"RegionOne"}, "RegionTwo": {"RegionTwo"}, "az1": {"RegionOne"}}
    with mock.patch.object(helper, "network_regions", return_value=REGIONS), \
            mock.patch.object(helper, "zones", return_value=zones):
        yield cp.TricirclePlugin.__new__(cp.TricirclePlugin)


def test_region_and_pod_zone_names_are_valid_network_zones(plugin):
    plugin.validate_availability_zones(mock.Mock(), "network", ["RegionOne", "az1"])


def test_an_unknown_zone_is_refused(plugin):
    with pytest.raises(az_exc.AvailabilityZoneNotFound):
        plugin.validate_availability_zones(mock.Mock(), "network", ["RegionOne", "Mars"])


def test_a_network_is_in_the_zones_its_hints_name(plugin):
    network = mock.Mock(availability_zone_hints='["RegionOne"]')
    assert plugin.get_network_availability_zones(network) == ["RegionOne"]


class AdminApi:
    """Tricircle's admin API as the central plugin sees it: routings and queued jobs."""

    def __init__(self) -> None:
        self.routings: list[dict] = []
        self.forgotten: list[int] = []
        self.recorded: list[tuple] = []
        self.jobs: list[tuple] = []

    def list(self, top_id, kind):
        return [r for r in self.routings if (r["top_id"], r["resource_type"]) == (top_id, kind)]


@pytest.fixture
def admin_api():
    api = AdminApi()
    with mock.patch.object(helper, "routings", side_effect=api.list), \
            mock.patch.object(helper, "forget_routing", side_effect=api.forgotten.append), \
            mock.patch.object(helper, "record_routing",
                              side_effect=lambda *args: api.recorded.append(args)), \
            mock.patch.object(helper, "queue_job",
                              side_effect=lambda *args: api.jobs.append(args)):
        yield api


def _deleting(kind: str, obj: dict):
    """Patch ML2 so that deleting ``obj`` of ``kind`` in central succeeds."""
    return mock.patch.multiple(ml2_plugin.Ml2Plugin, **{
        f"get_{kind}": mock.Mock(return_value=obj), f"delete_{kind}": mock.DEFAULT})


def _bottom_delete(resource_type: str, top_id: str) -> tuple:
    return ("bottom_delete", "demo", {"resource_type": resource_type, "top_id": top_id})


def test_deleting_a_network_queues_the_delete_of_its_bottoms(plugin, admin_api, neutrons):
    with _deleting("network", {"project_id": "demo", "subnets": ["sub-1"]}), \
            mock.patch.object(neutrons, "delete") as delete:
        plugin.delete_network(mock.Mock(), "net-1")
    delete.assert_not_called()  # never a region in central's request: it may be waiting here
    assert admin_api.jobs == [
        _bottom_delete("network", "net-1"), _bottom_delete("subnet", "sub-1"),
        # Its subnets' CIDRs no longer count for the project's remote-group rules.
        ("seg_rule_setup", "demo", {"project_id": "demo"})]


def test_deleting_a_subnet_or_group_queues_the_delete_of_its_bottoms(plugin, admin_api,
                                                                      neutrons):
    with _deleting("subnet", {"project_id": "demo"}), \
            _deleting("security_group", {"project_id": "demo"}), \
            mock.patch.object(neutrons, "delete") as delete:
        plugin.delete_subnet(mock.Mock(), "subnet-1")
        plugin.delete_security_group(mock.Mock(), "sg-1")
    delete.assert_not_called()
    assert admin_api.jobs == [_bottom_delete("subnet", "subnet-1"),
                              ("seg_rule_setup", "demo", {"project_id": "demo"}),
                              _bottom_delete("security_group", "sg-1")]


def test_deleting_a_port_queues_the_delete_of_its_bottoms(plugin, admin_api, neutrons):
    port = {"id": "port-1", "project_id": "demo",
            "binding:profile": {"region": "RegionTwo", "origin": "local"}}
    with _deleting("port", port), mock.patch.object(neutrons, "delete") as delete:
        plugin.delete_port(mock.Mock(), "port-1")
    delete.assert_not_called()
    assert admin_api.jobs == [_bottom_delete("port", "port-1")]


def test_a_delete_succeeds_when_the_admin_api_cannot_queue(plugin, neutrons):
    down = fakes.failure("CentralRegion", None, "unreachable")
    with _deleting("security_group", {"project_id": "demo"}), \
            mock.patch.object(helper, "queue_job", side_effect=down) as queue:
        plugin.delete_security_group(mock.Mock(), "sg-1")  # no error for the user
    queue.assert_called_once()


def _updating(before: dict, after: dict):
    return mock.patch.multiple(ml2_plugin.Ml2Plugin, get_port=mock.Mock(return_value=before),
                               update_port=mock.Mock(return_value=after))


def test_new_groups_of_a_port_queue_its_bottoms_update(plugin, admin_api, neutrons):
    before = {"id": "port-1", "project_id": "demo", "security_groups": ["default"],
              "binding:profile": {"region": "RegionOne", "origin": "local"}}
    after = dict(before, security_groups=["web"])
    with _updating(before, after), mock.patch.object(neutrons, "update") as update:
        assert plugin.update_port(mock.Mock(), "port-1", {"port": {}}) == after
    update.assert_not_called()
    assert admin_api.jobs == [("port_update", "demo", {"port_id": "port-1"})]


def test_a_port_update_that_keeps_its_groups_pushes_nothing(plugin, admin_api, neutrons):
    before = {"id": "port-1", "security_groups": ["a", "b"], "name": "x",
              "binding:profile": {"region": "RegionOne"}}
    with _updating(before, dict(before, security_groups=["b", "a"], name="y")), \
            mock.patch.object(neutrons, "update") as update:
        plugin.update_port(mock.Mock(), "port-1", {"port": {"name": "y"}})
    update.assert_not_called()


def test_a_new_subnet_queues_the_rule_sync_of_its_project(plugin, admin_api):
    with mock.patch.object(ml2_plugin.Ml2Plugin, "create_subnet",
                           return_value={"id": "sub-1", "project_id": "demo"}):
        plugin.create_subnet(mock.Mock(), {"subnet": {}})
    assert admin_api.jobs == [("seg_rule_setup", "demo", {"project_id": "demo"})]


def test_keystone_down_is_a_503_naming_it_when_zones_are_checked(plugin):
    down = fakes.KEYSTONE_DOWN
    with mock.patch.object(helper, "zones", side_effect=down):
        with pytest.raises(n_exc.ServiceUnavailable, match="Keystone is unavailable"):
            plugin.validate_availability_zones(mock.Mock(), "network", ["RegionOne"])


def test_a_network_or_subnet_updated_centrally_queues_each_copys_update(plugin, admin_api,
                                                                          neutrons):
    admin_api.routings = [
        {"top_id": "net-1", "resource_type": "network", "pod_id": "pod1",
         "region_name": "RegionOne"},
        {"top_id": "net-1", "resource_type": "network", "pod_id": "pod2",
         "region_name": "RegionTwo"},
        {"top_id": "sub-1", "resource_type": "subnet", "pod_id": "pod2",
         "region_name": "RegionTwo"}]
    with mock.patch.multiple(ml2_plugin.Ml2Plugin,
                             update_network=mock.Mock(return_value={"project_id": "demo"}),
                             update_subnet=mock.Mock(return_value={"project_id": "demo"})), \
            mock.patch.object(neutrons, "update") as update:
        plugin.update_network(mock.Mock(), "net-1", {"network": {"name": "new"}})
        plugin.update_subnet(mock.Mock(), "sub-1", {"subnet": {"enable_dhcp": False}})
    update.assert_not_called()  # never a region in central's request
    assert admin_api.jobs == [
        ("update_network", "demo", {"pod_id": "pod1", "network_id": "net-1"}),
        ("update_network", "demo", {"pod_id": "pod2", "network_id": "net-1"}),
        ("subnet_update", "demo", {"pod_id": "pod2", "subnet_id": "sub-1"})]


def test_nova_unbinding_a_port_made_centrally_still_reconciles_its_shadows(plugin, admin_api):
    """server delete of a server booted with --port: Nova clears the host and the owner
    at once; the port was a VM's on VxLAN, so its region's shadows are reconciled."""
    before = {"id": "port-1", "project_id": "demo", "network_id": "net-1",
              "device_owner": "compute:az1", "binding:host_id": "nova-r1",
              "binding:profile": {"region": "RegionOne"}}
    after = dict(before, device_owner="", **{"binding:host_id": ""})
    with _updating(before, after), \
            mock.patch.object(ml2_plugin.Ml2Plugin, "get_network",
                              return_value={"provider:network_type": "vxlan"}), \
            mock.patch.object(helper, "pod_id_of", return_value="pod1"), \
            mock.patch.object(cp.central_l3, "routers_of_network", return_value=[]):
        plugin.update_port(mock.Mock(), "port-1", {"port": {"binding:host_id": ""}})
    assert admin_api.jobs == [("shadow_port_setup", "demo",
                               {"pod_id": "pod1", "network_id": "net-1"})]


def test_deleting_a_port_of_no_project_queues_nothing(plugin, admin_api):
    """A central router's gateway port has no project and no copies: no job (the admin
    API would refuse one without a project)."""
    port = {"id": "gw-1", "project_id": "", "device_owner": "network:router_gateway"}
    with _deleting("port", port):
        plugin.delete_port(mock.Mock(), "gw-1")
    assert admin_api.jobs == []
