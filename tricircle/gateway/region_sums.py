"""/limits and os-quota-sets without central quota: what the project has in all regions.

Each region enforces its own quota, so what the project may use across the
cloud is the sum of the regions' limits (unlimited, -1, anywhere makes the
sum unlimited), and what it uses is the sum of their usage. Limits that
bound one item rather than the project (metadata items per server, rules per
security group, members per server group, ...) and key pairs (written to
every region alike) are not added up: the smallest region's applies.

A quota set PUT (or DELETE) goes to every region with the same values: a
region enforces only its own number, and splitting a total between regions
would strand quota in a region the project does not use. Its answer is the
sum a GET then shows, so nobody reads the per-region number as the total.
"""

import logging

import webob

from tricircle.gateway import admin_views, default, proxy
from tricircle.gateway.call import PARTIAL_HEADER, Call
from tricircle.gateway.regions import TABLE
from tricircle.objects.pod import Region

LOG = logging.getLogger(__name__)

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
    body = {"quota_set": {"id": sets[0].get("id"), **_summed_sets(sets)}}
    return admin_views.with_partial(call.respond(answered[0][1], body), down, call)


def _summed_sets(sets: list[dict]) -> dict:
    names = {name for part in sets for name in part if name != "id"}
    return {name: _combined_set(name, [p[name] for p in sets if name in p])
            for name in sorted(names)}


def _quota_set_of(reply: proxy.Reply) -> dict | None:
    data = reply.json()
    part = data.get("quota_set") if isinstance(data, dict) else None
    return part if 200 <= reply.status < 300 and isinstance(part, dict) else None


def write_everywhere(call: Call) -> tuple[Region, proxy.Reply, list[proxy.Reply] | None,
                                          list[str]]:
    """This write in the default region first (its refusal, a bad value, is the
    answer and reaches no other region), then in every other region at once.

    Returns the default region, its answer, the other regions' answers that
    took the write (None when the write went no further) and the names of the
    regions that missed it.
    """
    regions = TABLE.with_service(call.service.service_type)
    first_region = default.pick(call, regions)
    first = call.send(first_region)
    others = [r for r in regions if r.pod_id != first_region.pod_id]
    if first.status >= 400 or not others:
        return first_region, first, None, []
    results = proxy.fan_out(others, call.send)
    done = [reply for _, reply in results
            if isinstance(reply, proxy.Reply) and reply.status < 400]
    missed = [region.region_name for region, reply in results if reply not in done]
    return first_region, first, done, missed


def quota_write(call: Call) -> webob.Response:
    """PUT / DELETE os-quota-sets/{project} in every region (write_everywhere). A
    PUT answers with the quota sets summed; a region that missed the write is
    named in X-Tricircle-Partial (a repeat of the request brings it in line: a
    quota write is idempotent)."""
    _, first, done, missed = write_everywhere(call)
    if done is None:
        return call.respond(first)
    sets = [_quota_set_of(reply) for reply in (first, *done)]
    if all(part is not None for part in sets):
        response = call.respond(first, {"quota_set": _summed_sets(sets)})
    else:
        response = call.respond(first)  # a DELETE's empty answer
    if missed:
        LOG.warning("%s %s missed %s", call.req.method, call.path, ", ".join(missed))
        response.headers[PARTIAL_HEADER] = ", ".join(missed)
    return response
