"""Central Neutron's trunk service plugin: every change of a trunk queues trunk_sync.

Service plugin ``tricircle.network.trunks.TricircleTrunkPlugin`` (in central
Neutron's ``service_plugins`` instead of the stock ``trunk``) is Neutron's
trunk plugin plus, after each change, xjob's ``trunk_sync`` {trunk_id} queued
through the admin API (tricircle.xjob.trunks rebuilds the trunk in its parent
port's region): a trunk created, updated or deleted, subports added or
removed, and a trunk's parent port bound in a region (the region's local
plugin copies ``binding:host_id`` to it here). Central never calls a region
itself; a failure to queue is logged, the change stands. A trunk, or a
subport, for a parent port whose region is known to lack the ``trunk``
extension is refused with a 400 naming both (tricircle.network.region_extensions).
"""

from neutron.services.trunk import plugin as trunk_plugin
from neutron_lib.callbacks import events, registry, resources
from oslo_log import log as logging

from tricircle.network import helper, region_extensions, trunk_rules

LOG = logging.getLogger(__name__)
HOST = "binding:host_id"


def queue_sync(trunk_id: str, project_id: str) -> None:
    """Queue ``trunk_sync`` of a trunk; a failure is logged, not raised."""
    helper.queue("trunk_sync", project_id, {"trunk_id": trunk_id},
                 f"the region of trunk {trunk_id} lags until its next change")


def _port_changed(resource, event, trigger, payload) -> None:
    before, after = payload.states[0], payload.states[-1]
    trunk_id = trunk_rules.trunk_of_port(after)
    if trunk_id and before.get(HOST) != after.get(HOST):
        queue_sync(trunk_id, after.get("project_id") or "")


class TricircleTrunkPlugin(trunk_plugin.TrunkPlugin):
    """Neutron's trunk plugin that queues xjob's ``trunk_sync`` after each change."""

    def __init__(self) -> None:
        super().__init__()
        region_extensions.start()
        registry.subscribe(_port_changed, resources.PORT, events.AFTER_UPDATE)

    @staticmethod
    def _require_trunks(parent_id: str) -> None:
        region_extensions.require(region_extensions.port_regions({parent_id}), ("trunk",),
                                  f"a trunk on port {parent_id}")

    def create_trunk(self, context, trunk):
        self._require_trunks(trunk["trunk"]["port_id"])
        result = super().create_trunk(context, trunk)
        queue_sync(result["id"], result["project_id"])
        return result

    def update_trunk(self, context, trunk_id, trunk):
        result = super().update_trunk(context, trunk_id, trunk)
        queue_sync(trunk_id, result["project_id"])
        return result

    def delete_trunk(self, context, trunk_id):
        project_id = self.get_trunk(context, trunk_id)["project_id"]
        super().delete_trunk(context, trunk_id)
        queue_sync(trunk_id, project_id)

    def add_subports(self, context, trunk_id, subports):
        self._require_trunks(self.get_trunk(context, trunk_id)["port_id"])
        result = super().add_subports(context, trunk_id, subports)
        queue_sync(trunk_id, result["project_id"])
        return result

    def remove_subports(self, context, trunk_id, subports):
        result = super().remove_subports(context, trunk_id, subports)
        queue_sync(trunk_id, result["project_id"])
        return result
