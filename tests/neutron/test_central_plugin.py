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


def test_deleting_a_network_deletes_its_copy_in_every_region(plugin, admin_api, neutrons):
    admin_api.routings = [{"id": 7, "top_id": "net-1", "resource_type": "network",
                           "region_name": "RegionTwo"},
                          {"id": 8, "top_id": "sub-1", "resource_type": "subnet",
                           "region_name": "RegionTwo"}]
    with _deleting("network", {"project_id": "demo", "subnets": ["sub-1"]}), \
            mock.patch.object(neutrons, "delete", side_effect=[True, True, False]) as delete:
        plugin.delete_network(mock.Mock(), "net-1")
    assert [c.args for c in delete.call_args_list] == [
        ("RegionOne", "network", "net-1"), ("RegionTwo", "network", "net-1"),
        ("RegionTwo", "subnet", "sub-1")]  # gone with its network: only the routing is left
    assert admin_api.forgotten == [7, 8]
    # Its subnets' CIDRs no longer count for the project's remote-group rules.
    assert admin_api.jobs == [("seg_rule_setup", "demo", {"project_id": "demo"})]


def test_a_region_that_fails_is_left_to_resource_recycle(plugin, admin_api, neutrons):
    failure = fakes.failure("RegionOne", 500, "boom")
    with _deleting("subnet", {"project_id": "demo"}), \
            mock.patch.object(neutrons, "delete", side_effect=[failure, True]) as delete:
        plugin.delete_subnet(mock.Mock(), "subnet-1")
    assert delete.call_count == 2  # the other region is cleaned all the same
    assert admin_api.recorded == [("subnet-1", "subnet", "demo", "RegionOne")]
    assert admin_api.jobs == [("resource_recycle", "demo", {"project_id": "demo"}),
                              ("seg_rule_setup", "demo", {"project_id": "demo"})]


def test_a_failed_region_with_a_routing_keeps_it(plugin, admin_api, neutrons):
    admin_api.routings = [{"id": 3, "top_id": "sg-1", "resource_type": "security_group",
                           "region_name": "RegionOne"}]
    failure = fakes.failure("RegionOne", None, "unreachable")
    with _deleting("security_group", {"project_id": "demo"}), \
            mock.patch.object(neutrons, "delete", side_effect=[failure, False]):
        plugin.delete_security_group(mock.Mock(), "sg-1")
    assert admin_api.forgotten == [] and admin_api.recorded == []
    assert [job[0] for job in admin_api.jobs] == ["resource_recycle"]


def test_deleting_a_port_deletes_its_copy_in_its_region_only(plugin, admin_api, neutrons):
    port = {"id": "port-1", "project_id": "demo",
            "binding:profile": {"region": "RegionTwo", "origin": "local"}}
    with _deleting("port", port), \
            mock.patch.object(neutrons, "delete", return_value=False) as delete:
        plugin.delete_port(mock.Mock(), "port-1")
    delete.assert_called_once_with("RegionTwo", "port", "port-1")


def test_a_central_port_copied_into_a_region_is_deleted_there(plugin, admin_api, neutrons):
    """A port made in central and used in RegionOne: only its routing says where."""
    admin_api.routings = [{"id": 9, "top_id": "port-2", "resource_type": "port",
                           "region_name": "RegionOne"}]
    port = {"id": "port-2", "project_id": "demo", "binding:profile": {}}
    with _deleting("port", port), \
            mock.patch.object(neutrons, "delete", return_value=True) as delete:
        plugin.delete_port(mock.Mock(), "port-2")
    delete.assert_called_once_with("RegionOne", "port", "port-2")
    assert admin_api.forgotten == [9]


def _updating(before: dict, after: dict):
    return mock.patch.multiple(ml2_plugin.Ml2Plugin, get_port=mock.Mock(return_value=before),
                               update_port=mock.Mock(return_value=after))


def test_new_groups_of_a_port_are_pushed_to_every_region_holding_it(plugin, admin_api, neutrons):
    admin_api.routings = [{"id": 1, "top_id": "port-1", "resource_type": "port",
                           "region_name": "RegionTwo"}]
    before = {"id": "port-1", "security_groups": ["default"],
              "binding:profile": {"region": "RegionOne", "origin": "local"}}
    after = dict(before, security_groups=["web"])
    missing = fakes.failure("RegionTwo", 404, "no such port")
    with _updating(before, after), \
            mock.patch.object(neutrons, "update", side_effect=[{}, missing]) as update:
        assert plugin.update_port(mock.Mock(), "port-1", {"port": {}}) == after
    assert [c.args for c in update.call_args_list] == [
        ("RegionOne", "port", "port-1", {"security_groups": ["web"]}),
        ("RegionTwo", "port", "port-1", {"security_groups": ["web"]})]


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


def test_a_delete_succeeds_when_keystone_cannot_name_the_regions(plugin, admin_api, neutrons):
    admin_api.routings = [{"id": 4, "top_id": "net-1", "resource_type": "network",
                           "region_name": "RegionOne"}]
    down = fakes.KEYSTONE_DOWN
    with _deleting("network", {"project_id": "demo"}), \
            mock.patch.object(helper, "network_regions", side_effect=down), \
            mock.patch.object(neutrons, "delete", return_value=True) as delete:
        plugin.delete_network(mock.Mock(), "net-1")
    delete.assert_called_once_with("RegionOne", "network", "net-1")  # the routed one
