"""Central Neutron's QoS plugin: which changes queue qos_sync (tricircle.network.qos)."""

from unittest import mock

import pytest
from neutron_lib import exceptions as n_exc
from neutron_lib.callbacks import events, resources

from tricircle.network import helper, qos, region_extensions


@pytest.fixture
def queued():
    with mock.patch.object(helper, "queue") as queue:
        yield lambda: sorted((call.args[0], call.args[2]["policy_id"])
                             for call in queue.call_args_list)


def _payload(*states):
    return events.DBEventPayload(context=None, states=states, resource_id="p1")


PORT = {"id": "p1", "project_id": "demo", "qos_policy_id": None,
        "qos_network_policy_id": None, "binding:host_id": ""}


def test_a_policy_set_on_a_port_queues_it_and_the_one_it_replaces(queued):
    before = dict(PORT, qos_policy_id="old")
    qos._port_changed(resources.PORT, events.AFTER_UPDATE, None,
                      _payload(before, dict(PORT, qos_policy_id="new")))
    assert queued() == [("qos_sync", "new"), ("qos_sync", "old")]


def test_binding_a_port_whose_network_has_a_policy_queues_that_policy(queued):
    before = dict(PORT, qos_network_policy_id="net-policy")
    qos._port_changed(resources.PORT, events.AFTER_UPDATE, None,
                      _payload(before, dict(before, **{"binding:host_id": "host1"})))
    assert queued() == [("qos_sync", "net-policy")]


def test_a_port_change_without_qos_or_binding_queues_nothing(queued):
    qos._port_changed(resources.PORT, events.AFTER_UPDATE, None,
                      _payload(PORT, dict(PORT, name="renamed")))
    assert queued() == []


def test_deleting_a_port_with_a_policy_queues_it(queued):
    qos._port_changed(resources.PORT, events.AFTER_DELETE, None,
                      _payload(dict(PORT, qos_policy_id="gold")))
    assert queued() == [("qos_sync", "gold")]


def test_a_network_policy_change_queues_both_policies(queued):
    network = {"id": "n1", "project_id": "demo", "qos_policy_id": "a"}
    qos._network_changed(resources.NETWORK, events.AFTER_UPDATE, None,
                         _payload(network, dict(network, qos_policy_id="b")))
    qos._network_changed(resources.NETWORK, events.AFTER_UPDATE, None,
                         _payload(network, dict(network, name="x")))
    assert queued() == [("qos_sync", "a"), ("qos_sync", "b")]


def test_rule_changes_queue_their_policy(queued):
    plugin = qos.TricircleQosPlugin.__new__(qos.TricircleQosPlugin)
    context = mock.Mock()
    with mock.patch("neutron.services.qos.qos_plugin.QoSPlugin.update_policy_rule",
                    return_value={"id": "r1"}), \
            mock.patch("neutron.services.qos.qos_plugin.QoSPlugin.delete_policy_rule"), \
            mock.patch.object(qos.TricircleQosPlugin, "get_policy",
                              return_value={"id": "gold", "project_id": "demo"}):
        plugin.update_policy_rule(context, object, "r1", "gold", {})
        plugin.delete_policy_rule(context, object, "r1", "gold")
    assert queued() == [("qos_sync", "gold"), ("qos_sync", "gold")]


def test_a_policy_for_a_port_of_a_region_without_qos_is_refused_naming_both(queued):
    with mock.patch.dict(region_extensions._known, {"RegionTwo": frozenset({"trunk"}),
                                                    "RegionOne": frozenset({"qos"})}), \
            mock.patch.object(helper, "routings", return_value=[{"region_name": "RegionTwo"}]):
        with pytest.raises(n_exc.BadRequest, match="RegionTwo Neutron has no 'qos' extension"):
            qos._check_port(resources.PORT, events.BEFORE_UPDATE, None,
                            _payload(PORT, {"qos_policy_id": "gold"}))


def test_a_region_whose_extensions_are_not_known_yet_is_not_refused(queued):
    with mock.patch.dict(region_extensions._known, {}, clear=True), \
            mock.patch.object(helper, "routings", return_value=[{"region_name": "RegionTwo"}]):
        qos._check_port(resources.PORT, events.BEFORE_UPDATE, None,
                        _payload(PORT, {"qos_policy_id": "gold"}))
