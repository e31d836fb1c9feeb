"""bottom_delete and port_update: what central Neutron queues instead of calling a region.

Central Neutron never calls a region's Neutron inside a request (a region may
be waiting on that very request: doc/networking.md, "Who calls whom"). What a
central change means for the regions' bottom resources is done here, by xjob,
which holds no caller:

- ``delete(resource_type, top_id)``, after a central delete: the bottom
  network, subnet or security group in every regional pod, and the bottom port
  wherever a routing names one, are deleted, then each routing once its bottom
  resource is gone. Central is asked first: a job for an object central still
  has deletes nothing (an operator's typo must not remove live bottoms).
- ``update_port(port_id)``, after a port's security groups changed centrally:
  each bottom port gets central's groups in its own region's ids (see
  tricircle.xjob.security_groups.stand_ins: central's default group stands for
  the region's default; a group the region lacks is made there on the way).
  The region applies a change made by Tricircle's own account as given and
  never forwards it back to central.

Both reconcile with central's state when they run, so running one twice, late,
or after a crash is harmless.
"""

from oslo_log import log as logging

from tricircle.common.neutron import RemoteError
from tricircle.objects import pod as pod_obj
from tricircle.objects import routing
from tricircle.xjob import regions
from tricircle.xjob.registry import Incomplete
from tricircle.xjob.security_groups import groups_by_id, stand_ins

LOG = logging.getLogger(__name__)

# Made with the top id in every region that uses them; a port only where a routing says.
IN_EVERY_REGION = ("network", "subnet", "security_group")
SECURITY_GROUPS = "security_groups"


def _central() -> pod_obj.Region:
    central = pod_obj.central()
    if central is None:
        raise Incomplete("no central pod is registered: central Neutron cannot be asked")
    return central


def delete(resource_type: str, top_id: str) -> None:
    """Delete every bottom resource of ``top_id``, gone from central, then its routings."""
    central = _central()
    if regions.neutron(central.pod_id).get(resource_type, top_id) is not None:
        raise Incomplete(f"central Neutron still has {resource_type} {top_id}: its bottom "
                         "resources are not deleted")
    routed = [r for r in routing.of_top(resource_type, top_id)
              if r["pod_id"] != central.pod_id]
    pods = {r["pod_id"] for r in routed}
    if resource_type in IN_EVERY_REGION:
        pods |= {region.pod_id for region in pod_obj.regional()}
    errors = []
    for pod_id in sorted(pods):
        try:
            if regions.neutron(pod_id).delete(resource_type, top_id):
                LOG.info("deleted the bottom %s %s in pod %s", resource_type, top_id,
                         pod_id)
        except RemoteError as exc:
            errors.append(exc.message)
            continue
        for found in routed:
            if found["pod_id"] == pod_id:
                routing.forget_id(found["id"])
    if errors:
        raise Incomplete("; ".join(errors))


def update_port(port_id: str) -> None:
    """Give every bottom port of port ``port_id`` central's security groups."""
    central = _central()
    top = regions.neutron(central.pod_id).get("port", port_id)
    if top is None:
        LOG.info("port %s is gone from central: its bottom_delete removes the bottom ports",
                 port_id)
        return
    central_groups = groups_by_id(central.pod_id, top["project_id"])
    errors = []
    for pod_id in sorted(routing.pods_holding("port", port_id) - {central.pod_id}):
        try:
            _regroup(pod_id, top, central_groups)
        except (RemoteError, Incomplete) as exc:
            errors.append(str(exc))
    if errors:
        raise Incomplete("; ".join(errors))


def _regroup(pod_id: str, top: dict, central_groups: dict[str, dict]) -> None:
    neutron = regions.neutron(pod_id)
    # Listed, never looked up by id: the region answers a lookup by id of a port
    # it lacks by making a bottom port.
    found = neutron.find("port", id=top["id"])
    if not found:
        return  # the region no longer holds the port
    wanted = top.get(SECURITY_GROUPS) or []
    mapped = stand_ins(pod_id, central_groups, groups_by_id(pod_id, top["project_id"]), wanted)
    missing = [group_id for group_id in wanted if mapped[group_id] is None]
    if missing:
        # The others alone would leave the port with fewer groups than central says.
        raise Incomplete(f"port {top['id']} in pod {pod_id}: no group there stands for "
                         f"{', '.join(missing)}")
    groups = list(dict.fromkeys(mapped[group_id] for group_id in wanted))
    if set(groups) != set(found[0].get(SECURITY_GROUPS) or []):
        neutron.update("port", top["id"], {SECURITY_GROUPS: groups})
