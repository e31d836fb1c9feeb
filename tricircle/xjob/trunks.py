"""trunk_sync: a central trunk, rebuilt in the region of its parent port.

Central Neutron queues ``trunk_sync`` {trunk_id} when a trunk is created,
changed or deleted, when subports are added or removed, and when its parent
port is bound in a region (tricircle.network.trunks). ``sync(trunk_id)``
then, in every region pod holding the parent port's copy (its routing) or
the trunk's bottom trunk (the ``trunk`` routing):

- makes a bottom trunk on the parent port's copy with the same name, state and
  subports: each subport's copy (same id; a region lacking it is asked for it
  by id, which makes its local plugin copy it from central) with the same
  segmentation type and id; adds and removes subports to match central;
- deletes the bottom trunk, and its routing, where central no longer has the
  trunk or the parent port no longer lives.

It reconciles with central's state, so it may run twice, late, or for several
changes at once. A region whose Neutron lacks the ``trunk`` extension fails the
job naming both, before anything is made there.
"""

from oslo_log import log as logging

from tricircle.common.neutron import Neutron, RemoteError
from tricircle.network import trunk_rules
from tricircle.network.trunk_rules import SUB_PORTS, TRUNK
from tricircle.objects import pod as pod_obj
from tricircle.objects import routing
from tricircle.xjob import regions
from tricircle.xjob.qos import central_neutron, require_extension
from tricircle.xjob.registry import Incomplete

LOG = logging.getLogger(__name__)


def sync(trunk_id: str) -> None:
    """Reconcile the bottom trunks of central trunk ``trunk_id``."""
    top = central_neutron().get(TRUNK, trunk_id)
    routed = {r["pod_id"]: r for r in routing.of_top(TRUNK, trunk_id)}
    parent_pods = routing.pods_holding("port", top["port_id"]) if top else set()
    errors = []
    for pod in pod_obj.regional():
        if pod.pod_id not in parent_pods and pod.pod_id not in routed:
            continue
        try:
            wanted = top if pod.pod_id in parent_pods else None
            sync_pod(pod.pod_id, trunk_id, wanted, routed.get(pod.pod_id))
        except (RemoteError, Incomplete) as exc:
            errors.append(str(exc))
    if errors:
        raise Incomplete("; ".join(errors))


def sync_pod(pod_id: str, trunk_id: str, top: dict | None, found: dict | None) -> None:
    """Make the pod's bottom trunk of ``trunk_id`` match ``top`` (None: there is none)."""
    neutron = regions.neutron(pod_id)
    bottom = neutron.get(TRUNK, found["bottom_id"]) if found else None
    if top is None:
        if bottom is not None:
            neutron.delete(TRUNK, bottom["id"])
            LOG.info("bottom trunk %s of %s deleted in pod %s", bottom["id"], trunk_id, pod_id)
        if found:
            routing.forget_id(found["id"])
        return
    require_extension(neutron, TRUNK, f"trunk {trunk_id}")
    if bottom is None:
        bottom = _make_trunk(neutron, pod_id, top)
    changes = trunk_rules.trunk_changes(top, bottom)
    if changes:
        neutron.update(TRUNK, bottom["id"], changes)
    add, remove = trunk_rules.diff_subports(top.get(SUB_PORTS) or [],
                                            bottom.get(SUB_PORTS) or [])
    if remove:
        neutron.action(TRUNK, bottom["id"], "remove_subports",
                       {SUB_PORTS: [{"port_id": entry["port_id"]} for entry in remove]})
    if add:
        copy_ports(neutron, [entry["port_id"] for entry in add])
        neutron.action(TRUNK, bottom["id"], "add_subports", {SUB_PORTS: add})


def _make_trunk(neutron: Neutron, pod_id: str, top: dict) -> dict:
    # A trunk already on the parent's copy was made by a run that stopped before
    # recording it: adopted, not made twice (Neutron allows one trunk per parent).
    existing = neutron.find(TRUNK, port_id=top["port_id"])
    if existing:
        bottom = existing[0]
    else:
        body = trunk_rules.trunk_body(top)
        copy_ports(neutron, [entry["port_id"] for entry in body[SUB_PORTS]])
        bottom = neutron.create(TRUNK, body)
        LOG.info("bottom trunk %s of %s made in pod %s", bottom["id"], top["id"], pod_id)
    routing.record(TRUNK, top["id"], pod_id, top["project_id"], bottom["id"])
    return bottom


def copy_ports(neutron: Neutron, port_ids: list[str]) -> None:
    """Make sure the region holds copies of the central ports ``port_ids``."""
    present = {port["id"] for port in neutron.find("port", id=port_ids)} if port_ids else set()
    for port_id in port_ids:
        # A lookup by id of a central port the region lacks makes its local plugin copy it.
        if port_id not in present and neutron.get("port", port_id) is None:
            raise Incomplete(f"{neutron.region_name} Neutron cannot copy port {port_id}: "
                             "central Neutron does not have it")
