"""seg_rule_setup: the bottom security groups of a project follow central's rules.

A region holds a bottom group of a central (top) group, with the same id, once
a port there used it (tricircle.network.local_plugin). Central Neutron queues
``seg_rule_setup`` {project_id} when a rule of the project is created or
deleted; ``setup`` then, in every region pod, compares the rules of each
bottom group with its top group's by
content (tricircle.network.secgroups.rule_key) and adds the missing ones and
deletes the extra ones. It reconciles rather than replays one change, so
running it twice, late, or for several changes at once is harmless.

Remote-group rules keep their ``remote_group_id``: the remote group gets a
bottom group in the region with the same id (central's default group stands for
the region's default group, which has its own id). A remote group the region
does not hold yet is made there by asking the region's Neutron for it by id,
which makes its local plugin create the bottom group from central's. Each remote-group rule
also gets its expansions: one rule per subnet CIDR of the project (see
tricircle.network.secgroups), since the group's members in other regions are
not members in this one.

The region's own default group stands for central's: it gets central's
default rules it lacks and their expansions, marked as Tricircle's; of its
rules only marked ones are ever removed.

The job is queued by central Neutron when a rule, a subnet or a network of
the project changes, and by a region's Neutron when it makes a bottom network
or group of the project.
"""

from collections.abc import Callable

from oslo_log import log as logging

from tricircle.common.neutron import RemoteConflict
from tricircle.network import secgroups
from tricircle.objects import pod as pod_obj
from tricircle.xjob import regions

LOG = logging.getLogger(__name__)


def groups_by_id(pod_id: str, project_id: str) -> dict[str, dict]:
    """The project's security groups in the pod, by id."""
    found = regions.neutron(pod_id).find("security_group", project_id=project_id)
    return {group["id"]: group for group in found}


def stand_ins(pod_id: str, central: dict[str, dict], local: dict[str, dict],
              group_ids: list[str]) -> dict[str, str | None]:
    """Each central group of ``group_ids`` -> the group standing for it in the pod
    (None: none can): the region's own default for central's, else the same id.

    ``central`` and ``local``: the project's groups by id, centrally and in the pod.
    """
    default = next((group["id"] for group in local.values() if secgroups.is_default(group)),
                   None)
    result: dict[str, str | None] = {}
    for group_id in group_ids:
        if secgroups.is_default(central.get(group_id, {})):
            result[group_id] = default
        elif group_id in local:
            result[group_id] = group_id
        else:  # not here yet: the region's local plugin makes it on this lookup
            found = regions.neutron(pod_id).get("security_group", group_id)
            result[group_id] = group_id if found else None
    return result


def _remote_ids(pod_id: str, central: dict[str, dict], local: dict[str, dict],
                rules: list[dict], group_id: str) -> dict[str, str | None]:
    """Each remote group of ``rules`` -> the group standing for it in the pod (None: none)."""
    return stand_ins(pod_id, central, local, secgroups.remote_groups(rules, group_id))


def _cidrs(central_id: str, project_id: str) -> list[str]:
    subnets = regions.neutron(central_id).find("subnet", project_id=project_id)
    return sorted({subnet["cidr"] for subnet in subnets})


def _rules_of(pod_id: str, group_id: str) -> list[dict]:
    return regions.neutron(pod_id).find("security_group_rule", security_group_id=group_id)


def _apply(pod_id: str, group_id: str, project_id: str, wanted: list[dict],
           remote_ids: dict, removable: Callable[[dict], bool]) -> None:
    """Add the ``wanted`` rules the pod's group lacks; delete its other rules that
    are ``removable``."""
    missing, extra = secgroups.diff_rules(wanted, _rules_of(pod_id, group_id), remote_ids)
    extra = [rule for rule in extra if removable(rule)]
    neutron = regions.neutron(pod_id)
    for rule in extra:
        neutron.delete("security_group_rule", rule["id"])
    for rule in missing:
        body = secgroups.rule_body(rule, group_id, project_id, remote_ids)
        # Unset fields stay out: an extension the region lacks would refuse even a null.
        body = {key: value for key, value in body.items() if value is not None}
        try:
            neutron.create("security_group_rule", body)
        except RemoteConflict:
            pass  # a concurrent run added it
    if missing or extra:
        LOG.info("security group %s in pod %s: %d rules added, %d removed", group_id,
                 pod_id, len(missing), len(extra))


def sync_group(pod_id: str, group: dict, central: dict[str, dict],
               local: dict[str, dict], cidrs: list[str]) -> None:
    """Make the pod's bottom group of central ``group`` hold exactly its rules and
    their expansions."""
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
    """Reconcile the rules of every bottom group of ``project_id``'s central groups, and of
    the regions' default groups standing for central's."""
    central_pod = pod_obj.central()
    if central_pod is None:
        LOG.info("no central pod: no security groups to sync")
        return
    central_id = central_pod.pod_id
    central = groups_by_id(central_id, project_id)
    central_default = _default(central)
    cidrs = _cidrs(central_id, project_id)
    for pod in pod_obj.regional():
        local = groups_by_id(pod.pod_id, project_id)
        for group_id in sorted(set(local) & set(central)):
            if not secgroups.is_default(central[group_id]):
                sync_group(pod.pod_id, central[group_id], central, local, cidrs)
        default_here = _default(local)
        if central_default and default_here:
            sync_default(pod.pod_id, central_default, default_here, central, local, cidrs)


def _default(groups: dict[str, dict]) -> dict | None:
    return next((group for group in groups.values() if secgroups.is_default(group)), None)

