"""/limits and os-quota-sets without central quota: what the project has in all regions.

Each region enforces its own quota, so what the project may use across the
cloud is the sum of the regions' limits (unlimited, -1, anywhere makes the
sum unlimited), and what it uses is the sum of their usage. Limits that
bound one item rather than the project (metadata items per server, rules per
security group, members per server group, ...) and key pairs (written to
every region alike) are not added up: the smallest region's applies.
"""

import webob

from tricircle.gateway import admin_views
from tricircle.gateway.call import Call

# Limits per item (or alike in every region): the smallest region's, not a sum.
_PER_ITEM = frozenset({
    # /limits (Nova)
    "maxServerMeta", "maxPersonality", "maxPersonalitySize", "maxImageMeta",
    "maxSecurityGroupRules", "maxServerGroupMembers", "maxTotalKeypairs",
    # os-quota-sets (Nova, Cinder)
    "metadata_items", "injected_files", "injected_file_content_bytes",
    "injected_file_path_bytes", "server_group_members", "key_pairs",
    "security_group_rules", "per_volume_gigabytes"})


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def combine(name: str, values: list) -> object:
    """One figure from every region's ``name``: summed, or the least for per-item
    limits; -1 (unlimited) in a region makes a sum unlimited and is no least."""
    numbers = [v for v in values if _is_number(v)]
    if not numbers:
        return values[0] if values else None
    if name in _PER_ITEM:
        bounded = [v for v in numbers if v >= 0]
        return min(bounded) if bounded else -1
    if any(v < 0 for v in numbers):
        return -1
    return sum(numbers)


def _combined_set(name: str, parts: list) -> object:
    """A quota-set entry: a number, or detail's {limit, in_use, reserved}."""
    if all(isinstance(p, dict) for p in parts):
        fields = {key for p in parts for key in p}
        return {key: combine(name if key == "limit" else key,
                             [p.get(key) for p in parts if key in p]) for key in fields}
    return combine(name, parts)


def limits(call: Call) -> webob.Response:
    """GET /limits: each absolute limit and usage summed over the regions."""
    answered, down = admin_views.answers(call)
    absolutes = []
    for _, reply in answered:
        data = reply.json()
        limits_part = data.get("limits") if isinstance(data, dict) else None
        absolute = limits_part.get("absolute") if isinstance(limits_part, dict) else None
        if reply.status != 200 or not isinstance(absolute, dict):
            return call.respond(reply)
        absolutes.append(absolute)
    names = {name for absolute in absolutes for name in absolute}
    total = {name: combine(name, [a[name] for a in absolutes if name in a])
             for name in sorted(names)}
    body = answered[0][1].json()
    body["limits"]["absolute"] = total
    return admin_views.with_partial(call.respond(answered[0][1], body), down, call)


def quota_set(call: Call) -> webob.Response:
    """GET os-quota-sets/{project}[/detail]: each quota summed over the regions."""
    answered, down = admin_views.answers(call)
    sets = []
    for _, reply in answered:
        data = reply.json()
        part = data.get("quota_set") if isinstance(data, dict) else None
        if reply.status != 200 or not isinstance(part, dict):
            return call.respond(reply)
        sets.append(part)
    names = {name for part in sets for name in part if name != "id"}
    total = {name: _combined_set(name, [p[name] for p in sets if name in p])
             for name in sorted(names)}
    body = {"quota_set": {"id": sets[0].get("id"), **total}}
    return admin_views.with_partial(call.respond(answered[0][1], body), down, call)
