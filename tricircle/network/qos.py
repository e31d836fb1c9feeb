"""Central Neutron's QoS service plugin: every change that concerns a region queues qos_sync.

Service plugin ``tricircle.network.qos.TricircleQosPlugin`` (in central
Neutron's ``service_plugins`` instead of the stock ``qos``) is Neutron's QoS
plugin plus, after each change, xjob's ``qos_sync`` {policy_id} queued through
the admin API (tricircle.xjob.qos does the regions' part):

- a policy updated or deleted, a rule of it created, updated or deleted;
- a port or network whose policy changes (the old policy and the new one);
- a port using a policy, itself or through its network, that is bound: the
  local plugin of the region that binds it copies ``binding:host_id`` here,
  and that region now needs the policy;
- a port using a policy deleted (its region may no longer need the policy).

A policy that nothing uses yet concerns no region, so creating one queues
nothing. Central never calls a region itself (doc/networking.md, "Who calls
whom"); a failure to queue is logged, the change stands. Setting a policy on
a port whose region is known to lack the ``qos`` extension is refused with a
400 naming both (tricircle.network.region_extensions).
"""

from neutron.services.qos import qos_plugin
from neutron_lib.callbacks import events, registry, resources
from oslo_log import log as logging

from tricircle.network import helper, qos_rules, region_extensions

LOG = logging.getLogger(__name__)


def queue_sync(policy_id: str, project_id: str) -> None:
    """Queue ``qos_sync`` of a policy; a failure is logged, not raised."""
    helper.queue("qos_sync", project_id, {"policy_id": policy_id},
                 f"the regions' copies of QoS policy {policy_id} lag until its next change")


def _queue_changed(before: dict | None, after: dict | None) -> None:
    source = after or before or {}
    for policy_id in sorted(qos_rules.changed_policies(before, after)):
        queue_sync(policy_id, source.get("project_id") or "")


def _port_changed(resource, event, trigger, payload) -> None:
    states = payload.states
    if event == events.AFTER_DELETE:
        _queue_changed(states[0], None)
    else:
        _queue_changed(states[0] if len(states) > 1 else None, states[-1])


def _check_port(resource, event, trigger, payload) -> None:
    """Refuse a policy for a port whose region lacks the qos extension."""
    original, changes = payload.states[0], payload.states[-1]
    policy_id = changes.get(qos_rules.POLICY_ID)
    if policy_id and policy_id != original.get(qos_rules.POLICY_ID):
        region_extensions.require(region_extensions.port_regions({original["id"]}), ("qos",),
                                  f"QoS policy {policy_id} of port {original['id']}")


def _network_changed(resource, event, trigger, payload) -> None:
    before, after = payload.states[0], payload.states[-1]
    # A network's policy reaches the regions holding its copy; ports bound later
    # queue it themselves (through qos_network_policy_id).
    old, new = before.get(qos_rules.POLICY_ID), after.get(qos_rules.POLICY_ID)
    for policy_id in sorted({old, new} - {None}) if old != new else []:
        queue_sync(policy_id, after.get("project_id") or "")


class TricircleQosPlugin(qos_plugin.QoSPlugin):
    """Neutron's QoS plugin that queues xjob's ``qos_sync`` after each change."""

    def __init__(self) -> None:
        super().__init__()
        region_extensions.start()
        registry.subscribe(_check_port, resources.PORT, events.BEFORE_UPDATE)
        registry.subscribe(_port_changed, resources.PORT, events.AFTER_UPDATE)
        registry.subscribe(_port_changed, resources.PORT, events.AFTER_DELETE)
        registry.subscribe(_network_changed, resources.NETWORK, events.AFTER_UPDATE)

    def update_policy(self, context, policy_id, policy):
        result = super().update_policy(context, policy_id, policy)
        queue_sync(policy_id, result["project_id"])
        return result

    def delete_policy(self, context, policy_id):
        project_id = self.get_policy(context, policy_id)["project_id"]
        super().delete_policy(context, policy_id)
        queue_sync(policy_id, project_id)

    def create_policy_rule(self, context, rule_cls, policy_id, rule_data):
        result = super().create_policy_rule(context, rule_cls, policy_id, rule_data)
        self._queue_of(context, policy_id)
        return result

    def update_policy_rule(self, context, rule_cls, rule_id, policy_id, rule_data):
        result = super().update_policy_rule(context, rule_cls, rule_id, policy_id, rule_data)
        self._queue_of(context, policy_id)
        return result

    def delete_policy_rule(self, context, rule_cls, rule_id, policy_id):
        super().delete_policy_rule(context, rule_cls, rule_id, policy_id)
        self._queue_of(context, policy_id)

    def _queue_of(self, context, policy_id: str) -> None:
        queue_sync(policy_id, self.get_policy(context.elevated(), policy_id)["project_id"])
