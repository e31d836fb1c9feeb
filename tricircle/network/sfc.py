"""Central Neutron's SFC service plugins: every change of a port chain queues sfc_sync.

``tricircle.network.sfc.TricircleSfcPlugin`` and ``TricircleFlowClassifierPlugin``
(in central Neutron's ``service_plugins`` instead of networking-sfc's ``sfc``
and ``flow_classifier``) are networking-sfc's plugins plus, after each change,
xjob's ``sfc_sync`` {port_chain_id} queued through the admin API for every
chain concerned (tricircle.xjob.sfc rebuilds a chain in the regions holding
its port pairs' ports): the chain itself when it is created, updated or
deleted, and the chains using a port pair, port pair group or flow
classifier that is updated. Port pairs, groups and classifiers that no chain
uses concern no region yet. Central never calls a region itself; a failure
to queue is logged, the change stands. A chain whose pairs' ports live in a
region known to lack ``sfc`` or ``flow_classifier`` is refused with a 400
naming both (tricircle.network.region_extensions).
"""

from networking_sfc.services.flowclassifier import plugin as fc_plugin
from networking_sfc.services.sfc import plugin as sfc_plugin
from neutron_lib.plugins import directory
from oslo_log import log as logging

from tricircle.network import helper, region_extensions, sfc_rules
from tricircle.network.sfc_rules import CLASSIFIER, GROUP, PAIR

LOG = logging.getLogger(__name__)


def queue_sync(chain_id: str, project_id: str) -> None:
    """Queue ``sfc_sync`` of a port chain; a failure is logged, not raised."""
    helper.queue("sfc_sync", project_id, {"port_chain_id": chain_id},
                 f"the regions of port chain {chain_id} lag until its next change")


def queue_users(context, kind: str, object_id: str, project_id: str) -> None:
    """Queue ``sfc_sync`` of every chain using the ``kind`` object ``object_id``."""
    sfc = directory.get_plugin("sfc")
    admin = context.elevated()
    groups = sfc.get_port_pair_groups(admin) if kind == PAIR else []
    for chain_id in sfc_rules.chains_using(sfc.get_port_chains(admin), kind, object_id,
                                           groups):
        queue_sync(chain_id, project_id)


class TricircleSfcPlugin(sfc_plugin.SfcPlugin):
    """networking-sfc's plugin that queues xjob's ``sfc_sync`` after each change."""

    def __init__(self) -> None:
        super().__init__()
        region_extensions.start()

    def _require_sfc(self, context, body: dict, what: str) -> None:
        """400 if the ports of the pairs of ``body``'s groups live in a region known
        to lack the SFC extensions."""
        ports: set[str] = set()
        for group_id in body.get("port_pair_groups") or []:
            for pair_id in self.get_port_pair_group(context, group_id)["port_pairs"]:
                ports |= sfc_rules.pair_ports(self.get_port_pair(context, pair_id))
        region_extensions.require(region_extensions.port_regions(ports),
                                  ("sfc", "flow_classifier"), what)

    def create_port_chain(self, context, port_chain):
        self._require_sfc(context, port_chain["port_chain"], "the port chain")
        result = super().create_port_chain(context, port_chain)
        queue_sync(result["id"], result["project_id"])
        return result

    def update_port_chain(self, context, id, port_chain):
        self._require_sfc(context, port_chain["port_chain"], f"port chain {id}")
        result = super().update_port_chain(context, id, port_chain)
        queue_sync(id, result["project_id"])
        return result

    def delete_port_chain(self, context, id):
        project_id = self.get_port_chain(context, id)["project_id"]
        super().delete_port_chain(context, id)
        queue_sync(id, project_id)

    def update_port_pair(self, context, id, port_pair):
        result = super().update_port_pair(context, id, port_pair)
        queue_users(context, PAIR, id, result["project_id"])
        return result

    def update_port_pair_group(self, context, id, port_pair_group):
        result = super().update_port_pair_group(context, id, port_pair_group)
        queue_users(context, GROUP, id, result["project_id"])
        return result


class TricircleFlowClassifierPlugin(fc_plugin.FlowClassifierPlugin):
    """networking-sfc's flow classifier plugin that queues the ``sfc_sync`` of the
    chains using a classifier that is updated."""

    def update_flow_classifier(self, context, id, flow_classifier):
        result = super().update_flow_classifier(context, id, flow_classifier)
        queue_users(context, CLASSIFIER, id, result["project_id"])
        return result
