"""bottom_delete and port_update: what central Neutron queues instead of calling a region.

Central Neutron never calls a region's Neutron inside a request (a region may
be waiting on that very request: doc/networking.md, "Who calls whom"). What a
central change means for the regions' bottom copies is done here, by xjob,
which holds no caller:

- ``delete(resource_type, top_id)``, after a central delete: the bottom copies
  of a network, subnet or security group in every regional pod, and of a port
  wherever a routing names one, are deleted, then each routing once its copy
  is gone. Central is asked first: a job for an object central still has
  deletes nothing (an operator's typo must not remove live copies).
- ``update_port(port_id)``, after a port's security groups changed centrally:
  each bottom copy gets central's groups in its own region's ids (central's
  default group stands for the region's default; a group the region lacks is
  copied on the way). The region applies a change made by Tricircle's own
  account as given and never forwards it back to central.

Both reconcile with central's state when they run, so running one twice, late,
or after a crash is harmless.
"""

from oslo_log import log as logging

from tricircle.common.neutron import RemoteError
from tricircle.network import secgroups
from tricircle.objects import pod as pod_obj
from tricircle.objects import routing
from tricircle.xjob import regions
from tricircle.xjob.recycle import Incomplete

LOG = logging.getLogger(__name__)

# Copied into every region that uses them; a port only where a routing says.
IN_EVERY_REGION = ("network", "subnet", "security_group")


def _central() -> pod_obj.Region:
    central = pod_obj.central()
    if central is None:
        raise Incomplete("no central pod is registered: central Neutron cannot be asked")
    return central


def delete(resource_type: str, top_id: str) -> None:
    """Delete every bottom copy of ``top_id``, gone from central, then its routings."""
    central = _central()
    if regions.neutron(central.pod_id).get(resource_type, top_id) is not None:
        raise Incomplete(f"central Neutron still has {resource_type} {top_id}: its bottom "
                         "copies are not deleted")
    routed = [r for r in routing.of_top(resource_type, top_id)
              if r["pod_id"] != central.pod_id]
    pods = {r["pod_id"] for r in routed}
    if resource_type in IN_EVERY_REGION:
        pods |= {region.pod_id for region in pod_obj.regional()}
    errors = []
    for pod_id in sorted(pods):
        try:
            if regions.neutron(pod_id).delete(resource_type, top_id):
                LOG.info("deleted the bottom copy of %s %s in pod %s", resource_type,
                         top_id, pod_id)
        except RemoteError as exc:
            errors.append(exc.message)
            continue
        for found in routed:
            if found["pod_id"] == pod_id:
                routing.forget_id(found["id"])
    if errors:
        raise Incomplete("; ".join(errors))


def stand_ins(pod_id: str, central: dict[str, dict], here: dict[str, dict],
              group_ids: list[str]) -> dict[str, str | None]:
    """Each central group id -> the pod's group standing for it (None: there is none).

    ``central`` and ``here``: the project's groups by id, centrally and in the pod.
    A group the pod lacks is asked for by id, which makes the region copy it.
    """
    default = next((group["id"] for group in here.values() if secgroups.is_default(group)),
                   None)
    result: dict[str, str | None] = {}
    for group_id in group_ids:
        if secgroups.is_default(central.get(group_id, {})):
            result[group_id] = default
        elif group_id in here:
            result[group_id] = group_id
        else:
            found = regions.neutron(pod_id).get("security_group", group_id)
            result[group_id] = group_id if found else None
    return result


def _groups(pod_id: str, project_id: str) -> dict[str, dict]:
    found = regions.neutron(pod_id).find("security_group", project_id=project_id)
    return {group["id"]: group for group in found}


def update_port(port_id: str) -> None:
    """Give every bottom copy of port ``port_id`` central's security groups."""
    central = _central()
    top = regions.neutron(central.pod_id).get("port", port_id)
    if top is None:
        LOG.info("port %s is gone from central: its bottom_delete removes the copies", port_id)
        return
    wanted = top.get("security_groups") or []
    central_groups = _groups(central.pod_id, top["project_id"])
    errors = []
    for pod_id in sorted(routing.pods_holding("port", port_id) - {central.pod_id}):
        try:
            mapped = stand_ins(pod_id, central_groups, _groups(pod_id, top["project_id"]),
                               wanted)
            groups = [mapped[group_id] for group_id in wanted if mapped[group_id]]
            regions.neutron(pod_id).update("port", port_id, {"security_groups": groups})
        except RemoteError as exc:
            if exc.status != 404:  # 404: the region no longer holds the port
                errors.append(exc.message)
    if errors:
        raise Incomplete("; ".join(errors))
