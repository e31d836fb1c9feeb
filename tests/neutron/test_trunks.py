"""Central Neutron's trunk plugin: which changes queue trunk_sync (tricircle.network.trunks)."""

from unittest import mock

import pytest
from neutron_lib import exceptions as n_exc
from neutron_lib.callbacks import events, resources

from tricircle.network import helper, region_extensions, trunks


@pytest.fixture
def queued():
    with mock.patch.object(helper, "queue") as queue:
        yield lambda: [(call.args[0], call.args[2]) for call in queue.call_args_list]


def _port_update(before: dict, after: dict) -> None:
    payload = events.DBEventPayload(context=None, states=(before, after), resource_id="p")
    trunks._port_changed(resources.PORT, events.AFTER_UPDATE, None, payload)


def test_binding_a_trunks_parent_port_queues_the_trunk(queued):
    parent = {"id": "p", "project_id": "demo", "binding:host_id": "",
              "trunk_details": {"trunk_id": "t1", "sub_ports": []}}
    _port_update(parent, dict(parent, **{"binding:host_id": "host1"}))
    assert queued() == [("trunk_sync", {"trunk_id": "t1"})]


def test_other_port_changes_queue_nothing(queued):
    parent = {"id": "p", "project_id": "demo", "binding:host_id": "h",
              "trunk_details": {"trunk_id": "t1"}}
    _port_update(parent, dict(parent, name="renamed"))
    plain = {"id": "q", "project_id": "demo", "binding:host_id": ""}
    _port_update(plain, dict(plain, **{"binding:host_id": "h"}))
    assert queued() == []


def test_subport_changes_queue_their_trunk(queued):
    plugin = trunks.TricircleTrunkPlugin.__new__(trunks.TricircleTrunkPlugin)
    base = "neutron.services.trunk.plugin.TrunkPlugin"
    answer = {"id": "t1", "project_id": "demo"}
    with mock.patch(f"{base}.add_subports", return_value=answer), \
            mock.patch(f"{base}.remove_subports", return_value=answer), \
            mock.patch.object(trunks.TricircleTrunkPlugin, "get_trunk",
                              return_value={"id": "t1", "port_id": "parent"}), \
            mock.patch.object(helper, "routings", return_value=[]):
        plugin.add_subports(None, "t1", {"sub_ports": []})
        plugin.remove_subports(None, "t1", {"sub_ports": []})
    assert queued() == [("trunk_sync", {"trunk_id": "t1"})] * 2


def test_a_trunk_for_a_port_of_a_region_without_trunks_is_refused_naming_both(queued):
    plugin = trunks.TricircleTrunkPlugin.__new__(trunks.TricircleTrunkPlugin)
    with mock.patch.dict(region_extensions._known, {"RegionTwo": frozenset({"qos"})}), \
            mock.patch.object(helper, "routings", return_value=[{"region_name": "RegionTwo"}]), \
            mock.patch("neutron.services.trunk.plugin.TrunkPlugin.create_trunk") as create:
        with pytest.raises(n_exc.BadRequest, match="RegionTwo Neutron has no 'trunk' extension"):
            plugin.create_trunk(None, {"trunk": {"port_id": "parent"}})
    create.assert_not_called()
    assert queued() == []
