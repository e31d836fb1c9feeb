"""Security groups across regions: the pure rules shared by the local plugin and xjob.

Central Neutron is the truth. A region holds a *copy* of a central group: same
id, name, description and project, and the same rules. Rules are compared by
content (direction, ethertype, protocol, ports, remote), never by id: a rule
copied into a region gets a new id there.

A project's ``default`` group is the exception. Each Neutron makes its own for
every project, with its own id, and Nova asks for ``default`` by name; a second
group named ``default`` in a region would make that name ambiguous and break
every boot without an explicit group. So central's default group is never
copied: wherever it is used (a port, a rule's remote group) the region's own
default group of the same project stands for it, and the region's default is
left as the region made it.

A region sees only its own members of a group, while the VMs of other
regions sit in the project's central subnets. So each remote-group rule also
gets, in a region, one rule per subnet CIDR of the project (of the rule's
ethertype), the same otherwise: an *expansion*. Expansions, and the rules of
central's default group added to a region's default group, carry a
description starting with ``MANAGED``: those are the rules Tricircle may
remove again from a group the region made itself.

This module imports nothing from Neutron, so xjob can use it.
"""

import ipaddress
from collections.abc import Iterable, Mapping

DEFAULT = "default"
MANAGED = "tricircle:"
EXPANDED = MANAGED + " a subnet of the project, standing for remote group "
FROM_CENTRAL_DEFAULT = MANAGED + " from central's default group"
GROUP_KEYS = ("id", "name", "description", "project_id", "stateful")
RULE_KEYS = ("direction", "ethertype", "protocol", "port_range_min", "port_range_max",
             "remote_ip_prefix", "remote_group_id", "remote_address_group_id")


def is_default(group: Mapping) -> bool:
    """Whether ``group`` is a project's default group (Neutron forbids the name otherwise)."""
    return group.get("name") == DEFAULT


def group_body(central: Mapping) -> dict:
    """The region's copy of a central group, rules left out (they are synced apart)."""
    body = {key: central[key] for key in GROUP_KEYS if central.get(key) is not None}
    body.setdefault("description", "")  # Neutron's create reads it unconditionally
    return body


def remote_groups(rules: Iterable[Mapping], group_id: str) -> list[str]:
    """The other groups that ``rules`` of ``group_id`` name as remote groups."""
    return sorted({rule["remote_group_id"] for rule in rules
                   if rule.get("remote_group_id") and rule["remote_group_id"] != group_id})


def rule_key(rule: Mapping, remote_ids: Mapping[str, str] | None = None) -> tuple:
    """What a rule does, comparable across Neutrons.

    ``remote_ids`` maps a central remote group to the group standing for it in
    the region (central's default -> the region's default); other ids are kept.
    """
    values = {key: rule.get(key) for key in RULE_KEYS}
    if values["protocol"] is not None:
        values["protocol"] = str(values["protocol"]).lower()
    remote = values["remote_group_id"]
    if remote:
        values["remote_group_id"] = (remote_ids or {}).get(remote, remote)
    return tuple(values[key] for key in RULE_KEYS)


def rule_body(central: Mapping, group_id: str, project_id: str,
              remote_ids: Mapping[str, str] | None = None) -> dict:
    """A rule to create in the region's copy ``group_id``, doing what ``central`` does."""
    body = dict(zip(RULE_KEYS, rule_key(central, remote_ids), strict=True))
    body.update(security_group_id=group_id, project_id=project_id,
                description=central.get("description") or "")
    return body


def diff_rules(central: Iterable[Mapping], local: Iterable[Mapping],
               remote_ids: Mapping[str, str] | None = None) -> tuple[list[dict], list[dict]]:
    """(central rules the copy lacks, copy rules central does not have)."""
    wanted = {rule_key(rule, remote_ids): rule for rule in central}
    present = {rule_key(rule): rule for rule in local}
    missing = [dict(rule) for key, rule in wanted.items() if key not in present]
    extra = [dict(rule) for key, rule in present.items() if key not in wanted]
    return missing, extra


def expansions(rules: Iterable[Mapping], cidrs: Iterable[str]) -> list[dict]:
    """The CIDR rules standing for the remote-group rules among ``rules``.

    One per (remote-group rule, project subnet of the rule's IP version).
    """
    networks = [ipaddress.ip_network(cidr, strict=False) for cidr in cidrs]
    result = []
    for rule in rules:
        remote = rule.get("remote_group_id")
        if not remote:
            continue
        version = 6 if rule.get("ethertype") == "IPv6" else 4
        result.extend(dict(rule, remote_group_id=None, remote_ip_prefix=str(network),
                           description=EXPANDED + remote)
                      for network in networks if network.version == version)
    return result


def is_managed(rule: Mapping) -> bool:
    """Whether Tricircle added ``rule`` to a region's group (and may remove it)."""
    return (rule.get("description") or "").startswith(MANAGED)
