"""The handler of each job type: one small function per type.

Each unpacks its job's resource and hands over to the module doing the work:
tricircle.xjob.shadow (shadow_port_setup), tricircle.xjob.security_groups
(seg_rule_setup), tricircle.xjob.recycle (resource_recycle),
tricircle.xjob.updates (update_network, subnet_update), tricircle.xjob.bottoms
(bottom_delete, port_update), tricircle.xjob.routers (router_setup),
tricircle.xjob.router_routes (configure_route), tricircle.xjob.global_sync
(global_sync), tricircle.xjob.qos (qos_sync), tricircle.xjob.trunks
(trunk_sync), tricircle.xjob.sfc (sfc_sync); port_delete is a single call.
Importing this module fills :data:`HANDLERS`, which is also how the admin API
knows which job types it may accept; a type without a handler (from a newer
release) is refused there, and a job of it already in the table stays NEW.
"""

from oslo_log import log as logging

from tricircle.xjob import (
    bottoms,
    qos,
    recycle,
    regions,
    router_routes,
    routers,
    security_groups,
    sfc,
    shadow,
    trunks,
    updates,
)
from tricircle.xjob import global_sync as global_sync_module
from tricircle.xjob.registry import HANDLERS, Job, handler

LOG = logging.getLogger(__name__)
__all__ = ["HANDLERS", "bottom_delete", "configure_route", "global_sync", "port_delete",
           "port_update", "qos_sync", "resource_recycle", "router_setup", "seg_rule_setup",
           "sfc_sync", "shadow_port_setup", "subnet_update", "trunk_sync", "update_network"]


@handler("port_delete")
def port_delete(job: Job) -> None:
    """Delete the bottom port ``port_id`` in pod ``pod_id``; a 404 means done."""
    pod_id, port_id = job.resource["pod_id"], job.resource["port_id"]
    if not regions.neutron(pod_id).delete("port", port_id):
        LOG.info("port %s was already gone from pod %s", port_id, pod_id)


@handler("resource_recycle")
def resource_recycle(job: Job) -> None:
    """Delete the bottom resources of ``project_id`` whose top resource central
    Neutron no longer has (see tricircle.xjob.recycle)."""
    recycle.recycle(job.resource["project_id"])


@handler("bottom_delete")
def bottom_delete(job: Job) -> None:
    """Delete the bottom resources of ``top_id`` (a ``resource_type``), which central
    Neutron deleted, then their routings (see tricircle.xjob.bottoms)."""
    bottoms.delete(job.resource["resource_type"], job.resource["top_id"])


@handler("port_update")
def port_update(job: Job) -> None:
    """Give the bottom ports of central port ``port_id`` its security groups (see
    tricircle.xjob.bottoms)."""
    bottoms.update_port(job.resource["port_id"])


@handler("shadow_port_setup")
def shadow_port_setup(job: Job) -> None:
    """Reconcile the shadow ports of network ``network_id`` between pod ``pod_id``
    and every other pod holding it (see tricircle.xjob.shadow)."""
    shadow.setup(job.resource["pod_id"], job.resource["network_id"])


@handler("seg_rule_setup")
def seg_rule_setup(job: Job) -> None:
    """Bring the rules of the bottom security groups of ``project_id`` in line with
    their central groups' (see tricircle.xjob.security_groups)."""
    security_groups.setup(job.resource["project_id"])


@handler("router_setup")
def router_setup(job: Job) -> None:
    """Reconcile the bottom router of central router ``router_id`` in pod ``pod_id``
    (``network_id`` names the change that queued it; see tricircle.xjob.routers)."""
    routers.setup(job.resource["pod_id"], job.resource["router_id"])


@handler("configure_route")
def configure_route(job: Job) -> None:
    """Give every bottom router of ``router_id`` the routes to the other regions'
    subnets, to the exit region and the user's routes (see tricircle.xjob.router_routes)."""
    router_routes.configure_route(job.resource["router_id"])


@handler("global_sync")
def global_sync(job: Job) -> None:
    """Make the global Cinder resource ``name`` (a ``resource_type``: volume_type,
    group_type, qos_spec, default_type) in every region what it is in the default
    region (see tricircle.xjob.global_sync)."""
    global_sync_module.sync(job.resource["resource_type"], job.resource["name"])


@handler("update_network")
def update_network(job: Job) -> None:
    """Give pod ``pod_id``'s copy of central network ``network_id`` central's fields
    (see tricircle.xjob.updates)."""
    updates.update_network(job.resource["pod_id"], job.resource["network_id"])


@handler("subnet_update")
def subnet_update(job: Job) -> None:
    """Give pod ``pod_id``'s copy of central subnet ``subnet_id`` central's fields
    (see tricircle.xjob.updates)."""
    updates.subnet_update(job.resource["pod_id"], job.resource["subnet_id"])


@handler("qos_sync")
def qos_sync(job: Job) -> None:
    """Reconcile central QoS policy ``policy_id`` in every region using it (see
    tricircle.xjob.qos)."""
    qos.sync(job.resource["policy_id"])


@handler("trunk_sync")
def trunk_sync(job: Job) -> None:
    """Rebuild central trunk ``trunk_id`` in its parent port's region (see
    tricircle.xjob.trunks)."""
    trunks.sync(job.resource["trunk_id"])


@handler("sfc_sync")
def sfc_sync(job: Job) -> None:
    """Rebuild central port chain ``port_chain_id`` in the regions holding its port
    pairs' ports (see tricircle.xjob.sfc)."""
    sfc.sync(job.resource["port_chain_id"])

