"""seg_rule_setup: the regions' copies of a project's security groups follow central's rules.

A region holds a copy of a central group (same id) once a port there used it
(tricircle.network.local_plugin). Central Neutron queues ``seg_rule_setup``
{project_id} when a rule of the project is created or deleted; ``setup``
then, in every region pod, compares the rules of each copy with central's by
content (tricircle.network.secgroups.rule_key) and adds the missing ones and
deletes the extra ones. It reconciles rather than replays one change, so
running it twice, late, or for several changes at once is harmless.

Remote-group rules keep their ``remote_group_id``: the remote group is
copied into the region with the same id (central's default group stands for
the region's default group, which has its own id). A remote group the region
does not hold yet is copied by asking the region's Neutron for it by id,
which makes its local plugin copy it from central. Each remote-group rule
also gets its expansions: one rule per subnet CIDR of the project (see
tricircle.network.secgroups), since the group's members in other regions are
not members in this one.

The region's own default group stands for central's: it gets central's
default rules it lacks and their expansions, marked as Tricircle's; of its
rules only marked ones are ever removed.

The job is queued by central Neutron when a rule, a subnet or a network of
the project changes, and by a region's Neutron when it copies a network or a
group of the project.
"""

import urllib.parse
from collections.abc import Callable

import sqlalchemy as sa
from oslo_log import log as logging
from sqlalchemy.orm import Session

from tricircle.db import api as db_api
from tricircle.db import models
from tricircle.network import secgroups
from tricircle.xjob import regions, shadow

LOG = logging.getLogger(__name__)


@db_api.reader
def central_pod(session: Session) -> str | None:
    """The central pod (the one without an availability zone)."""
    return session.scalar(sa.select(models.Pod.pod_id).where(models.Pod.az_name == ""))


def _groups(pod_id: str, project_id: str) -> list[dict]:
    query = urllib.parse.urlencode({"project_id": project_id})
    return (regions.call(pod_id, "GET", f"security-groups?{query}") or {}).get(
        "security_groups", [])


def _remote_ids(pod_id: str, central: dict[str, dict], local: dict[str, dict],
                rules: list[dict], group_id: str) -> dict[str, str | None]:
    """Each remote group of ``rules`` -> the group standing for it in the pod (None: none)."""
    default = next((group["id"] for group in local.values() if secgroups.is_default(group)),
                   None)
    result: dict[str, str | None] = {}
    for remote in secgroups.remote_groups(rules, group_id):
        if secgroups.is_default(central.get(remote, {})):
            result[remote] = default
        elif remote in local:
            result[remote] = remote
        else:  # not here yet: the region's local plugin copies it on this lookup
            found = regions.call(pod_id, "GET", f"security-groups/{remote}")
            result[remote] = remote if found else None
    return result


def _cidrs(central_id: str, project_id: str) -> list[str]:
    query = urllib.parse.urlencode({"project_id": project_id})
    subnets = (regions.call(central_id, "GET", f"subnets?{query}") or {}).get("subnets", [])
    return sorted({subnet["cidr"] for subnet in subnets})


def _rules_of(pod_id: str, group_id: str) -> list[dict]:
    query = urllib.parse.urlencode({"security_group_id": group_id})
    return (regions.call(pod_id, "GET", f"security-group-rules?{query}") or {}).get(
        "security_group_rules", [])


def _apply(pod_id: str, group_id: str, project_id: str, wanted: list[dict],
           remote_ids: dict, removable: Callable[[dict], bool]) -> None:
    """Add the ``wanted`` rules the pod's group lacks; delete its other rules that
    are ``removable``."""
    missing, extra = secgroups.diff_rules(wanted, _rules_of(pod_id, group_id), remote_ids)
    extra = [rule for rule in extra if removable(rule)]
    for rule in extra:
        regions.call(pod_id, "DELETE", f"security-group-rules/{rule['id']}")
    for rule in missing:
        body = secgroups.rule_body(rule, group_id, project_id, remote_ids)
        # Unset fields stay out: an extension the region lacks would refuse even a null.
        body = {key: value for key, value in body.items() if value is not None}
        try:
            regions.call(pod_id, "POST", "security-group-rules", {"security_group_rule": body})
        except regions.RegionConflict:
            pass  # a concurrent run added it
    if missing or extra:
        LOG.info("security group %s in pod %s: %d rules added, %d removed", group_id,
                 pod_id, len(missing), len(extra))


def sync_group(pod_id: str, group: dict, central: dict[str, dict],
               local: dict[str, dict], cidrs: list[str]) -> None:
    """Make the pod's copy of central ``group`` hold exactly its rules and their
    expansions."""
    rules = group.get("security_group_rules") or []
    remote_ids = _remote_ids(pod_id, central, local, rules, group["id"])
    # A rule whose remote group cannot exist here is left out, not widened.
    kept = [rule for rule in rules if remote_ids.get(rule.get("remote_group_id"), True)]
    wanted = kept + secgroups.expansions(rules, cidrs)
    _apply(pod_id, group["id"], group["project_id"], wanted, remote_ids, lambda rule: True)


def sync_default(pod_id: str, group: dict, default_here: dict, central: dict[str, dict],
                 local: dict[str, dict], cidrs: list[str]) -> None:
    """Give the region's own default group central's default rules and their
    expansions; of the region's own rules none is removed."""
    rules = group.get("security_group_rules") or []
    remote_ids = _remote_ids(pod_id, central, local, rules, group["id"])
    remote_ids[group["id"]] = default_here["id"]
    kept = [dict(rule, description=secgroups.FROM_CENTRAL_DEFAULT) for rule in rules
            if remote_ids.get(rule.get("remote_group_id"), True)]
    wanted = kept + secgroups.expansions(rules, cidrs)
    _apply(pod_id, default_here["id"], group["project_id"], wanted, remote_ids,
           secgroups.is_managed)


def setup(project_id: str) -> None:
    """Reconcile the rules of every copy of ``project_id``'s central groups, and of
    the regions' default groups standing for central's."""
    central_id = central_pod()
    if central_id is None:
        LOG.info("no central pod: no security groups to sync")
        return
    central = {group["id"]: group for group in _groups(central_id, project_id)}
    central_default = _default(central)
    cidrs = _cidrs(central_id, project_id)
    for pod in shadow.region_pods():
        local = {group["id"]: group for group in _groups(pod.pod_id, project_id)}
        for group_id in sorted(set(local) & set(central)):
            if not secgroups.is_default(central[group_id]):
                sync_group(pod.pod_id, central[group_id], central, local, cidrs)
        default_here = _default(local)
        if central_default and default_here:
            sync_default(pod.pod_id, central_default, default_here, central, local, cidrs)


def _default(groups: dict[str, dict]) -> dict | None:
    return next((group for group in groups.values() if secgroups.is_default(group)), None)
