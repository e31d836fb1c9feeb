"""Central Neutron's SFC plugins: which changes queue sfc_sync (tricircle.network.sfc)."""

from unittest import mock

import pytest

from tricircle.network import helper, sfc


@pytest.fixture
def queued():
    with mock.patch.object(helper, "queue") as queue:
        yield lambda: sorted(call.args[2]["port_chain_id"] for call in queue.call_args_list)


@pytest.fixture
def central_sfc():
    plugin = mock.Mock()
    plugin.get_port_chains.return_value = [
        {"id": "c1", "port_pair_groups": ["g1"], "flow_classifiers": ["fc1"]},
        {"id": "c2", "port_pair_groups": ["g2"], "flow_classifiers": ["fc1"]}]
    plugin.get_port_pair_groups.return_value = [{"id": "g1", "port_pairs": ["p1"]},
                                                {"id": "g2", "port_pairs": ["p2"]}]
    with mock.patch("neutron_lib.plugins.directory.get_plugin", return_value=plugin):
        yield plugin


def test_an_updated_pair_queues_the_chains_using_it(queued, central_sfc):
    sfc.queue_users(mock.Mock(), "port_pair", "p2", "demo")
    assert queued() == ["c2"]


def test_an_updated_classifier_queues_every_chain_using_it(queued, central_sfc):
    sfc.queue_users(mock.Mock(), "flow_classifier", "fc1", "demo")
    assert queued() == ["c1", "c2"]


def test_a_chain_created_or_deleted_queues_itself(queued):
    plugin = sfc.TricircleSfcPlugin.__new__(sfc.TricircleSfcPlugin)
    base = "networking_sfc.services.sfc.plugin.SfcPlugin"
    with mock.patch(f"{base}.create_port_chain", return_value={"id": "c9",
                                                               "project_id": "demo"}), \
            mock.patch(f"{base}.delete_port_chain"), \
            mock.patch.object(sfc.TricircleSfcPlugin, "get_port_chain",
                              return_value={"id": "c8", "project_id": "demo"}):
        plugin.create_port_chain(None, {"port_chain": {}})
        plugin.delete_port_chain(None, "c8")
    assert queued() == ["c8", "c9"]
