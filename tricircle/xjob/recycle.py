"""resource_recycle: delete the bottom resources a project left behind.

A routing names a bottom resource (its pod and bottom id) of a top resource
in central Neutron. When central no longer has the top resource (it answers
404 for the top id), the bottom one is garbage: that is what is left when
central Neutron deleted the top resource but could not queue its
``bottom_delete`` (tricircle.xjob.bottoms). ``recycle`` deletes each such
bottom resource of a project in its pod, then drops its routing.

- Order: what hangs on a network or a router goes first (:data:`ORDER`), so
  a network is not refused for the ports still on it. A bottom router goes
  the way router_setup removes one (tricircle.xjob.routers.teardown): its
  floating IPs, gateway and interface ports first, then the router.
- Idempotent: a routing goes only after its bottom resource is gone (a 404
  counts as gone), so a crash in between leaves the routing for the next run.
- Every routing is tried even when one fails, so one stuck resource does not
  hold up the others; the job fails (and is retried) if any did.
- Without a central pod nothing can be judged, so nothing is deleted.
"""

from oslo_log import log as logging

from tricircle.common import neutron
from tricircle.common.neutron import RemoteError
from tricircle.objects import pod as pod_obj
from tricircle.objects import routing
from tricircle.xjob import regions, routers
from tricircle.xjob.registry import Incomplete

LOG = logging.getLogger(__name__)

# The Neutron resource types resource_recycle deletes, in the order it does.
ORDER = ("floatingip", "port_chain", "port_pair_group", "port_pair", "flow_classifier",
         "trunk", "port", "router", "subnet", "network", "security_group", "qos_policy")


def _central() -> neutron.Neutron | None:
    central = pod_obj.central()
    if central is None:
        LOG.warning("no central pod is registered: routings are not checked against "
                    "central Neutron")
        return None
    return regions.neutron(central.pod_id)


def orphans(project_id: str) -> list[dict]:
    """The project's routings whose top resource central Neutron no longer has,
    in the order their bottom resources are deleted."""
    central_neutron = _central()
    if central_neutron is None:
        return []
    routings = sorted(routing.of_project(project_id, list(ORDER)),
                      key=lambda r: ORDER.index(r["resource_type"]))  # stable: id order
    gone: dict[tuple[str, str], bool] = {}
    result = []
    for found in routings:
        key = (found["resource_type"], found["top_id"])
        if key not in gone:  # one question per top resource, however many pods hold it
            gone[key] = central_neutron.get(*key) is None
        if gone[key]:
            result.append(found)
    return result


def delete_bottom(found: dict) -> None:
    """Delete the bottom resource a routing names, then the routing (never the
    other way round)."""
    if found["resource_type"] == "router":
        # Neutron refuses to delete a router in use: what hangs on it goes first.
        routers.teardown(regions.neutron(found["pod_id"]), found["pod_id"], found["top_id"],
                         _central())
    elif found["bottom_id"]:  # a null bottom id: the bottom resource was never created
        regions.neutron(found["pod_id"]).delete(found["resource_type"], found["bottom_id"])
    routing.forget_id(found["id"])


def recycle(project_id: str) -> None:
    """Delete every bottom resource of ``project_id`` whose top resource is gone;
    :class:`Incomplete` naming those that could not be."""
    errors = []
    for found in orphans(project_id):
        try:
            delete_bottom(found)
        except RemoteError as exc:
            errors.append(f"{found['resource_type']} {found['top_id']}: {exc.message}")
    if errors:
        raise Incomplete("; ".join(errors))

