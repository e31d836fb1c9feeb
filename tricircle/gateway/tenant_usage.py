"""os-simple-tenant-usage over every region (Horizon's Overview, ``openstack usage``).

A project's usage is the sum of what each region counts: the totals
(hours, vCPU, RAM and disk hours) added up, the servers' usages
(``detailed=1``) one list. The all-projects list is summed per tenant_id.
Each region gets the caller's query (start, end, detailed, limit); a region
that fails is left out and named in X-Tricircle-Partial, a region's refusal
(a bad date, a member asking for all projects) is the answer. Paging is each
region's own: a marker is refused and no next link is given (admin_views.py
says why).
"""

import webob

from tricircle.gateway import admin_views
from tricircle.gateway.call import Call

_TOTALS = ("total_hours", "total_local_gb_usage", "total_memory_mb_usage",
           "total_vcpus_usage")


def _add(total: dict, part: dict) -> dict:
    """``part`` (one region's usage of a tenant) added into ``total``."""
    if not total:
        return {**part, "server_usages": list(part.get("server_usages") or [])}
    for name in _TOTALS:
        value = part.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            total[name] = (total.get(name) or 0) + value
    if isinstance(part.get("server_usages"), list):
        total.setdefault("server_usages", []).extend(part["server_usages"])
    return total


def _without_empty_servers(usage: dict, asked_detail: bool) -> dict:
    if not asked_detail and not usage.get("server_usages"):
        usage.pop("server_usages", None)
    return usage


def _detailed(call: Call) -> bool:
    return call.req.GET.get("detailed") in ("1", "true", "True")


def all_tenants(call: Call) -> webob.Response:
    """GET /os-simple-tenant-usage: one entry per tenant, summed over the regions.
    (With a trailing slash Nova reads the usage of the tenant "": each region's
    404, Call.region_path keeping the slash, is the answer.)"""
    admin_views.refuse_marker(call)
    answered, down = admin_views.answers(call)
    by_tenant: dict[str, dict] = {}
    for _, reply in answered:
        data = reply.json()
        usages = data.get("tenant_usages") if isinstance(data, dict) else None
        if reply.status != 200 or not isinstance(usages, list):
            return call.respond(reply)
        for usage in usages:
            if isinstance(usage, dict):
                tenant = str(usage.get("tenant_id"))
                by_tenant[tenant] = _add(by_tenant.get(tenant, {}), usage)
    detailed = _detailed(call)
    merged = [_without_empty_servers(u, detailed) for u in by_tenant.values()]
    response = call.respond(answered[0][1], {"tenant_usages": merged})
    return admin_views.with_partial(response, down, call)


def one_tenant(call: Call) -> webob.Response:
    """GET /os-simple-tenant-usage/{tenant}: its usage summed over the regions
    (``{}`` when no region has any, as Nova answers)."""
    admin_views.refuse_marker(call)
    answered, down = admin_views.answers(call)
    total: dict = {}
    for _, reply in answered:
        data = reply.json()
        usage = data.get("tenant_usage") if isinstance(data, dict) else None
        if reply.status != 200 or not isinstance(usage, dict):
            return call.respond(reply)
        if usage:
            total = _add(total, usage)
    total = _without_empty_servers(total, _detailed(call)) if total else {}
    response = call.respond(answered[0][1], {"tenant_usage": total})
    return admin_views.with_partial(response, down, call)
