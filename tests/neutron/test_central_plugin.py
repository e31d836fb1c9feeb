"""The central plugin's additions to ML2, with ML2 and the regions replaced by mocks."""

from unittest import mock

import pytest
from neutron.plugins.ml2 import plugin as ml2_plugin
from neutron_lib.exceptions import availability_zone as az_exc

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


def test_the_port_region_is_the_one_in_its_binding_profile():
    assert cp.port_region({"binding:profile": {"region": "RegionTwo"}}) == "RegionTwo"
    assert cp.port_region({"binding:profile": None}) is None


def test_deleting_a_network_deletes_its_copy_in_every_region(plugin):
    with mock.patch.object(ml2_plugin.Ml2Plugin, "delete_network"), \
            mock.patch.object(helper, "delete", return_value=True) as delete:
        plugin.delete_network(mock.Mock(), "net-1")
    assert [c.args for c in delete.call_args_list] == [
        ("RegionOne", "network", "net-1"), ("RegionTwo", "network", "net-1")]


def test_a_region_that_fails_does_not_stop_the_others(plugin):
    failure = helper.RemoteError("RegionOne", 500, "boom")
    with mock.patch.object(ml2_plugin.Ml2Plugin, "delete_subnet"), \
            mock.patch.object(helper, "delete", side_effect=[failure, True]) as delete:
        plugin.delete_subnet(mock.Mock(), "subnet-1")
    assert delete.call_count == 2


def test_deleting_a_port_deletes_its_copy_in_its_region_only(plugin):
    port = {"id": "port-1", "binding:profile": {"region": "RegionTwo", "origin": "local"}}
    with mock.patch.object(ml2_plugin.Ml2Plugin, "get_port", return_value=port), \
            mock.patch.object(ml2_plugin.Ml2Plugin, "delete_port"), \
            mock.patch.object(helper, "delete", return_value=False) as delete:
        plugin.delete_port(mock.Mock(), "port-1")
    delete.assert_called_once_with("RegionTwo", "port", "port-1")


def test_zones_map_regions_to_themselves_and_zones_to_their_pods():
    pods = [{"region_name": "CentralRegion", "az_name": ""},
            {"region_name": "RegionOne", "az_name": "az1"},
            {"region_name": "RegionTwo", "az_name": "az1"}]
    with mock.patch.object(helper, "network_regions", return_value=REGIONS), \
            mock.patch.object(helper, "_pods", return_value=pods):
        assert helper.zones() == {"RegionOne": {"RegionOne"}, "RegionTwo": {"RegionTwo"},
                                  "az1": {"RegionOne", "RegionTwo"}}
