"""Deleting bottom resources whose top resource is gone from central Neutron.

A routing names a bottom resource (its pod and bottom id) of a top resource
in central Neutron. When central no longer has the top resource (it answers
404 for the top id), the bottom one is garbage. Two jobs delete such bottom
resources in their pods, then drop their routings:

- ``bottom_delete`` {resource_type, top_id} (:func:`delete_bottoms`), queued
  by central Neutron when it deletes a network, subnet, port or security
  group (tricircle.network.central_plugin): the bottom resources of that one
  top resource. Networks, subnets and groups keep the top id in a region, so
  every regional pod is asked for one even without a routing; a port is
  deleted only where a routing names it.
- ``resource_recycle`` {project_id} (:func:`recycle`): every bottom resource
  of the project whose top resource is gone, which is what is left when a
  ``bottom_delete`` could not be queued.

Both:

- Order: what hangs on a network or a router goes first (:data:`ORDER`), so
  a network is not refused for the ports still on it.
- Idempotent: a routing goes only after its bottom resource is gone (a 404
  counts as gone), so a crash in between leaves the routing for the next run.
- Every routing is tried even when one fails, so one stuck resource does not
  hold up the others; the job fails (and is retried) if any did.
- Without a central pod nothing can be judged, so nothing is deleted; nor is
  anything whose top resource central still has.
"""

from oslo_log import log as logging

from tricircle.common import neutron
from tricircle.common.neutron import RemoteError
from tricircle.objects import pod as pod_obj
from tricircle.objects import routing
from tricircle.xjob import regions
from tricircle.xjob.registry import Incomplete

LOG = logging.getLogger(__name__)

# The Neutron resource types resource_recycle deletes, in the order it does.
ORDER = ("floatingip", "port_chain", "port_pair_group", "port_pair", "flow_classifier",
         "trunk", "port", "router", "subnet", "network", "security_group", "qos_policy")

# Bottom resources that keep the top id in every region holding one (see the
# module docstring).
SAME_ID_EVERYWHERE = ("network", "subnet", "security_group")


def _central_holds(central: neutron.Neutron, resource_type: str, top_id: str) -> bool:
    # Only presence matters, so the answer's body is not read: its key is not
    # always the resource type (qos/policies/{id} answers {"policy": ...}).
    path = f"{neutron.collection(resource_type)}/{neutron.quote(top_id)}"
    return central.request("GET", path, missing_ok=True) is not None


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
            gone[key] = not _central_holds(central_neutron, *key)
        if gone[key]:
            result.append(found)
    return result


def delete_bottom(found: dict) -> None:
    """Delete the bottom resource a routing names, then the routing (never the
    other way round). ``found["id"]`` None: a bottom resource without a routing."""
    if found["bottom_id"]:  # a null bottom id: the bottom resource was never created
        regions.neutron(found["pod_id"]).delete(found["resource_type"], found["bottom_id"])
    if found["id"] is not None:
        routing.forget_id(found["id"])


def _delete_all(found: list[dict]) -> None:
    """Try each; :class:`Incomplete` naming those that failed."""
    errors = []
    for one in found:
        try:
            delete_bottom(one)
        except RemoteError as exc:
            errors.append(f"{one['resource_type']} {one['top_id']}: {exc.message}")
    if errors:
        raise Incomplete("; ".join(errors))


def recycle(project_id: str) -> None:
    """Delete every bottom resource of ``project_id`` whose top resource is gone."""
    _delete_all(orphans(project_id))


def delete_bottoms(resource_type: str, top_id: str) -> None:
    """Delete the bottom resources of ``top_id``, which central Neutron deleted."""
    if resource_type not in ORDER:
        raise ValueError(f"bottom_delete deletes Neutron resources ({', '.join(ORDER)}), "
                         f"not {resource_type}")
    central_neutron = _central()
    if central_neutron is None:
        return
    if _central_holds(central_neutron, resource_type, top_id):
        # A job posted by hand for a live resource must not take it from the regions.
        LOG.warning("%s %s is still in central Neutron: its bottom resources stay",
                    resource_type, top_id)
        return
    found = routing.of_top(resource_type, top_id)
    if resource_type in SAME_ID_EVERYWHERE:
        routed = {one["pod_id"] for one in found}
        found += [{"id": None, "pod_id": region.pod_id, "bottom_id": top_id,
                   "top_id": top_id, "resource_type": resource_type}
                  for region in pod_obj.regional() if region.pod_id not in routed]
    _delete_all(found)
