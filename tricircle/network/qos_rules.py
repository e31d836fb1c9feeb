"""Pure rules of QoS policies across regions, shared by central Neutron and xjob.

A region holds a *bottom* policy for a central policy once one of its ports or
networks there uses it: the same name, description, sharing and project, and
the same rules by content. Neutron gives the bottom policy its own id (a policy's
id cannot be chosen), so the pair is a routing (``qos_policy``, top id ->
bottom id, pod).

A policy holds at most one rule per *slot*: a rule type, and for the types that
have one, a direction. Rules are therefore compared slot by slot: a slot both
sides hold with other values is updated in place (deleting first would leave
the port unlimited for a moment, creating first is refused by Neutron), a slot
only central holds is created, one only the bottom holds is deleted.

No Neutron import: the tests run in the default tier.
"""

from collections.abc import Iterable, Mapping

POLICY = "qos_policy"
POLICY_ID = "qos_policy_id"
NETWORK_POLICY_ID = "qos_network_policy_id"
POLICY_KEYS = ("name", "description", "shared", "project_id")

# The fields of each rule type that make up its content (ids and the policy aside).
RULE_FIELDS: dict[str, tuple[str, ...]] = {
    "bandwidth_limit": ("max_kbps", "max_burst_kbps", "direction"),
    "dscp_marking": ("dscp_mark",),
    "minimum_bandwidth": ("min_kbps", "direction"),
    "packet_rate_limit": ("max_kpps", "max_burst_kpps", "direction"),
    "minimum_packet_rate": ("min_kpps", "direction"),
}

Slot = tuple[str, str | None]


def policy_body(top: Mapping) -> dict:
    """The bottom policy of central policy ``top`` (its rules are added one by one)."""
    return {key: top[key] for key in POLICY_KEYS if key in top}


def policy_changes(top: Mapping, bottom: Mapping) -> dict:
    """What to update on ``bottom`` so it says what ``top`` says (project apart)."""
    return {key: top[key] for key in POLICY_KEYS
            if key != "project_id" and key in top and top[key] != bottom.get(key)}


def slot(rule: Mapping) -> Slot:
    return rule["type"], rule.get("direction")


def content(rule: Mapping) -> dict:
    """The fields of ``rule`` that a copy must repeat."""
    return {key: rule.get(key) for key in RULE_FIELDS.get(rule["type"], ())}


def unknown_types(rules: Iterable[Mapping]) -> list[str]:
    """Rule types this module cannot compare (a newer Neutron's)."""
    return sorted({rule["type"] for rule in rules} - set(RULE_FIELDS))


def diff_rules(wanted: Iterable[Mapping], held: Iterable[Mapping]
               ) -> tuple[list[dict], list[tuple[str, dict]], list[dict]]:
    """(rules to create, (bottom rule id, rule) to update, bottom rules to delete) that
    make the ``held`` rules of a bottom policy those ``wanted`` (central's)."""
    held_by_slot = {slot(rule): rule for rule in held}
    create, update = [], []
    for rule in wanted:
        found = held_by_slot.pop(slot(rule), None)
        if found is None:
            create.append(dict(rule))
        elif content(found) != content(rule):
            update.append((found["id"], dict(rule)))
    return create, update, list(held_by_slot.values())


def rule_body(rule: Mapping) -> dict:
    """The body that makes a rule like ``rule`` (unset fields left to Neutron)."""
    return {key: value for key, value in content(rule).items() if value is not None}


def rules_path(policy_id: str, rule_type: str, rule_id: str | None = None) -> str:
    """The URL of a policy's rules of one type below /v2.0 (or of one rule)."""
    path = f"qos/policies/{policy_id}/{rule_type}_rules"
    return f"{path}/{rule_id}" if rule_id else path


def policies_of_port(port: Mapping) -> set[str]:
    """The policies that apply to central ``port``: its own and its network's."""
    return {policy for policy in (port.get(POLICY_ID), port.get(NETWORK_POLICY_ID)) if policy}


def changed_policies(before: Mapping | None, after: Mapping | None) -> set[str]:
    """The policies whose regions a port or network change concerns: the ones it
    had and the ones it has, when the policy or (for a port) its binding changed."""
    old = policies_of_port(before or {})
    new = policies_of_port(after or {})
    if old != new:
        return old | new
    host = "binding:host_id"
    if (before or {}).get(host) != (after or {}).get(host):
        return new  # bound in a region now: that region needs the policy
    return set()
