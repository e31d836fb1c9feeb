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

This module imports nothing from Neutron, so xjob can use it.
"""

from collections.abc import Iterable, Mapping

DEFAULT = "default"
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
