"""The job handlers that need nothing but REST calls to the regions' Neutron.

shadow_port_setup lives in tricircle.xjob.shadow, seg_rule_setup in
tricircle.xjob.security_groups. The other networking job types (router_setup,
...) come with the networking plugins; until one registers a handler for
them, their jobs stay NEW.
"""

import sqlalchemy as sa
from oslo_log import log as logging
from sqlalchemy.orm import Session

from tricircle.db import api as db_api
from tricircle.db import models
from tricircle.xjob import regions, security_groups, shadow
from tricircle.xjob.registry import HANDLERS, Job, handler

LOG = logging.getLogger(__name__)
__all__ = ["HANDLERS", "port_delete", "resource_recycle", "seg_rule_setup",
           "shadow_port_setup"]

# Neutron's URL collection of each routed resource type, in the order
# resource_recycle deletes them: what hangs on a network or router goes first.
NEUTRON_COLLECTIONS = {
    "floatingip": "floatingips",
    "port_chain": "sfc/port_chains",
    "port_pair_group": "sfc/port_pair_groups",
    "port_pair": "sfc/port_pairs",
    "flow_classifier": "sfc/flow_classifiers",
    "trunk": "trunks",
    "port": "ports",
    "router": "routers",
    "subnet": "subnets",
    "network": "networks",
    "security_group": "security-groups",
    "qos_policy": "qos/policies",
}


@handler("port_delete")
def port_delete(job: Job) -> None:
    """Delete the bottom port ``port_id`` in pod ``pod_id``; a 404 means done."""
    pod_id, port_id = job.resource["pod_id"], job.resource["port_id"]
    if not regions.delete(pod_id, "ports", port_id):
        LOG.info("port %s was already gone from pod %s", port_id, pod_id)


@db_api.reader
def _recycle_rows(session: Session, project_id: str) -> list[tuple[str, str]]:
    rows = session.execute(sa.select(models.RecycleResource.resource_id,
                                     models.RecycleResource.resource_type)
                           .where(models.RecycleResource.project_id == project_id))
    order = list(NEUTRON_COLLECTIONS)
    known = []
    for row in rows:
        if row.resource_type in NEUTRON_COLLECTIONS:
            known.append(row)
        else:  # not a Neutron resource: another part of Tricircle recycles it
            LOG.warning("recycle row %s has type %s, which resource_recycle does not "
                        "delete; left in place", row.resource_id, row.resource_type)
    return sorted(((r.resource_id, r.resource_type) for r in known),
                  key=lambda r: order.index(r[1]))


@db_api.reader
def _routings_of(session: Session, top_id: str, resource_type: str) -> list[tuple]:
    routing = models.ResourceRouting
    return list(session.execute(sa.select(routing.id, routing.pod_id, routing.bottom_id)
                                .where(routing.top_id == top_id,
                                       routing.resource_type == resource_type)))


@db_api.writer
def _forget_routing(session: Session, routing_id: int) -> None:
    session.execute(sa.delete(models.ResourceRouting)
                    .where(models.ResourceRouting.id == routing_id))


@db_api.writer
def _forget_recycle(session: Session, resource_id: str) -> None:
    session.execute(sa.delete(models.RecycleResource)
                    .where(models.RecycleResource.resource_id == resource_id))


def _recycle_one(resource_id: str, resource_type: str) -> None:
    """Delete every bottom copy of one resource, then its rows. Each routing row
    goes only after its bottom resource is gone, so a crash in between leaves
    the row for the next attempt to finish."""
    for routing_id, pod_id, bottom_id in _routings_of(resource_id, resource_type):
        _drop_copy(routing_id, pod_id, resource_type, bottom_id)
    _forget_recycle(resource_id)


def _drop_copy(routing_id: int, pod_id: str, resource_type: str,
               bottom_id: str | None) -> None:
    """Delete the copy a routing names, then the routing (never the other way round)."""
    if bottom_id:  # a null bottom id: the copy was never created
        regions.delete(pod_id, NEUTRON_COLLECTIONS[resource_type], bottom_id)
    _forget_routing(routing_id)


@db_api.reader
def _neutron_routings(session: Session, project_id: str) -> list:
    """The project's routings of Neutron objects, in the order they are recycled."""
    routing = models.ResourceRouting
    rows = session.execute(
        sa.select(routing.id, routing.top_id, routing.bottom_id, routing.pod_id,
                  routing.resource_type)
        .where(routing.project_id == project_id,
               routing.resource_type.in_(list(NEUTRON_COLLECTIONS))))
    order = list(NEUTRON_COLLECTIONS)
    return sorted(rows, key=lambda row: (order.index(row.resource_type), row.id))


def _orphans(project_id: str, tried: set[tuple[str, str]]) -> list:
    """Routings whose top object central Neutron no longer has: their copies are garbage.

    ``tried``: (type, top id) pairs this run handled already from recycle_resources.
    """
    central = security_groups.central_pod()
    if central is None:
        LOG.warning("no central pod is registered: routings are not checked against "
                    "central Neutron")
        return []
    gone: dict[tuple[str, str], bool] = {}
    result = []
    for row in _neutron_routings(project_id):
        key = (row.resource_type, row.top_id)
        if key in tried:
            continue
        if key not in gone:
            path = f"{NEUTRON_COLLECTIONS[row.resource_type]}/{row.top_id}"
            gone[key] = regions.call(central, "GET", path) is None
        if gone[key]:
            result.append(row)
    return result


@handler("resource_recycle")
def resource_recycle(job: Job) -> None:
    """Delete the bottom resources ``project_id`` left behind.

    Two kinds: those listed in recycle_resources, and the copies whose central
    object is gone (a routing names the copy; central Neutron answers 404 for
    its top id), which is what a central delete leaves when a region failed.
    Every resource is tried even when one fails, so one stuck resource does
    not hold up the others; the job fails (and is retried) if any did.
    """
    project_id = job.resource["project_id"]
    errors, tried = [], set()
    for resource_id, resource_type in _recycle_rows(project_id):
        tried.add((resource_type, resource_id))
        try:
            _recycle_one(resource_id, resource_type)
        except regions.RegionError as exc:
            errors.append(f"{resource_type} {resource_id}: {exc.message}")
    for row in _orphans(project_id, tried):
        try:
            _drop_copy(row.id, row.pod_id, row.resource_type, row.bottom_id)
        except regions.RegionError as exc:
            errors.append(f"{row.resource_type} {row.top_id}: {exc.message}")
    if errors:
        raise regions.RegionError("; ".join(errors))


@handler("shadow_port_setup")
def shadow_port_setup(job: Job) -> None:
    """Reconcile the shadow ports of network ``network_id`` between pod ``pod_id``
    and every other pod holding it (see tricircle.xjob.shadow)."""
    shadow.setup(job.resource["pod_id"], job.resource["network_id"])


@handler("seg_rule_setup")
def seg_rule_setup(job: Job) -> None:
    """Bring the rules of the regions' copies of ``project_id``'s security groups
    in line with central's (see tricircle.xjob.security_groups)."""
    security_groups.setup(job.resource["project_id"])
