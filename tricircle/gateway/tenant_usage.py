"""os-simple-tenant-usage over every region (Horizon's Overview, ``openstack usage``).

A project's usage is the sum of what each region counts: the totals
(hours, vCPU, RAM and disk hours) added up, the servers' usages
(``detailed=1``) one list. The all-projects list is summed per tenant_id.
A region that fails is left out and named in X-Tricircle-Partial, a region's
refusal (a bad date, a member asking for all projects) is the answer.

From microversion 2.40 Nova pages the usage by instance (``limit``, a
``marker`` that is an instance uuid, a next link when a page is full), and
each page's totals count that page's instances only; Nova with several cells
walks them in turn, and so does the gateway with its regions, in the order
of the regions table: the marker's region (its routing, else the region
that knows the marker) continues after it, the later regions start from
their beginning, the earlier ones are done. The page ends at the first
region that says it has more, or when ``limit`` is reached, and the
gateway's next link names the last instance of the page.
"""

import urllib.parse
from collections.abc import Callable

import webob

from tricircle.common import exceptions
from tricircle.gateway import admin_views, proxy, rules, store
from tricircle.gateway.call import Call, GatewayError, microversion, shown, unreachable
from tricircle.gateway.conf import CONF
from tricircle.objects.pod import Region

_TOTALS = ("total_hours", "total_local_gb_usage", "total_memory_mb_usage",
           "total_vcpus_usage")
PAGED_MICROVERSION = (2, 40)  # Nova's first with limit, marker and next links


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


def _without_servers(usage: dict, asked_detail: bool) -> dict:
    """Nova shows server_usages in the list only when asked (``detailed=1``)."""
    if not asked_detail:
        usage.pop("server_usages", None)
    return usage


def _detailed(call: Call) -> bool:
    return call.req.GET.get("detailed") in ("1", "true", "True")


# -- paging -------------------------------------------------------------------

def _paged(call: Call) -> bool:
    asked = microversion(call.req, call.service)
    return asked is not None and asked >= PAGED_MICROVERSION


def _limit(call: Call) -> int | None:
    """The caller's limit when it is one the gateway splits over regions; anything
    else (none, 0 meaning the region's maximum, a bad value) is left to them."""
    try:
        limit = int(call.req.GET.get("limit", ""))
    except ValueError:
        return None
    return limit if limit > 0 else None


def _query(call: Call, marker: str | None, limit: int | None,
           detailed: bool = False) -> str:
    """The caller's query with this region's marker and limit (and detail, to count
    a page's instances when the caller did not ask for them)."""
    params = [(k, v) for k, v in call.req.GET.items()
              if k not in ("marker", "detailed") and not (limit and k == "limit")]
    if detailed or "detailed" in call.req.GET:
        params.append(("detailed", "1" if detailed else call.req.GET["detailed"]))
    if limit:
        params.append(("limit", str(limit)))
    if marker:
        params.append(("marker", marker))
    return urllib.parse.urlencode(params)


def _ask(call: Call, region: Region, query: str) -> proxy.Reply:
    return call.send(region, "GET", None, query, b"", CONF.gateway.list_timeout)


def _failed(reply: object) -> bool:
    return not isinstance(reply, proxy.Reply) or reply.status >= 500


def _marker_not_found(marker: str) -> GatewayError:
    return GatewayError(400, f"Marker {shown(marker)} could not be found.")


def _start(call: Call, regions: list[Region], marker: str) -> int:
    """The index of the marker's region: its routing, else the region whose usage
    knows the instance (a deleted server's routing may be gone)."""
    if not rules.is_routed_id(marker):
        raise _marker_not_found(marker)
    routing = store.find("server", marker, call.scope)
    pods = [region.pod_id for region in regions]
    if routing and routing["pod_id"] in pods:
        return pods.index(routing["pod_id"])
    results = proxy.fan_out(regions, lambda r: _ask(call, r, _query(call, marker, 1)))
    for index, (_, reply) in enumerate(results):
        if not _failed(reply) and reply.status == 200:
            return index
    down = [region.region_name for region, reply in results if _failed(reply)]
    if down:
        raise unreachable(down)
    raise _marker_not_found(marker)


def _link_marker(reply: proxy.Reply, key: str) -> str | None:
    """The marker of a region's next link: its page was full, it has more."""
    data = reply.json()
    for link in (data.get(f"{key}_links") or []) if isinstance(data, dict) else []:
        if isinstance(link, dict) and link.get("rel") == "next":
            query = urllib.parse.urlsplit(str(link.get("href"))).query
            found = urllib.parse.parse_qs(query).get("marker")
            if found:
                return found[-1]
    return None


def _instances(reply: proxy.Reply, usages_of: Callable) -> list[str]:
    """The instance ids of one region's page (its usages' server_usages)."""
    return [server.get("instance_id") for usage in usages_of(reply)
            for server in usage.get("server_usages") or [] if isinstance(server, dict)]


def _walk(call: Call, key: str, usages_of: Callable,
          ) -> tuple[list[tuple[Region, proxy.Reply]], list[str], str | None]:
    """(the regions' answers making this page, in order; the regions down; the
    marker of the next page, None when this is the last)."""
    regions = call.regions()
    marker = call.req.GET.get("marker")
    start = _start(call, regions, marker) if marker else 0
    plan = regions[start:]
    limit = _limit(call)
    if limit is None:  # every region at once, each with its own maximum
        results = proxy.fan_out(plan, lambda r: _ask(
            call, r, _query(call, marker if r is plan[0] else None, None)))
    else:
        results = _one_after_another(call, plan, marker, limit, key, usages_of)
    answered, down, next_marker = [], [], None
    for region, reply in results:
        if _failed(reply):
            down.append(region.region_name)
            continue
        answered.append((region, reply))
        if reply.status != 200:
            break  # the region's refusal is the answer
        next_marker = _link_marker(reply, key)
        if next_marker:
            break
    if not answered:
        raise unreachable(down)
    return answered, down, next_marker


def _one_after_another(call: Call, plan: list[Region], marker: str | None, limit: int,
                       key: str, usages_of: Callable) -> list[tuple[Region, object]]:
    """With a limit: each region gets what is left of it, as Nova walks its cells."""
    results: list[tuple[Region, object]] = []
    left = limit
    for region in plan:
        try:
            # The list shows a page's servers only with detailed=1 (one tenant's
            # always does, and refuses the parameter from 2.75): asked to count them.
            query = _query(call, marker if region is plan[0] else None, left,
                           detailed=key == "tenant_usages")
            reply = _ask(call, region, query)
        except exceptions.RegionUnreachable as exc:  # left out, named as down
            results.append((region, exc))
            continue
        results.append((region, reply))
        if reply.status >= 500:
            continue  # down: left out, as in the fan-out
        if reply.status != 200:
            break  # the region's refusal is the answer
        left -= len(_instances(reply, usages_of))
        if left <= 0 or _link_marker(reply, key):
            break
    return results


def _next_link(call: Call, marker: str) -> dict:
    """The gateway's link to the page after ``marker``, with the caller's query."""
    params = [(k, v) for k, v in call.req.GET.items() if k != "marker"]
    params.append(("marker", marker))
    href = f"{call.gateway_root}{call.region_path()}?{urllib.parse.urlencode(params)}"
    return {"rel": "next", "href": href}


def _answers(call: Call, key: str, usages_of: Callable,
             ) -> tuple[list[tuple[Region, proxy.Reply]], list[str], str | None]:
    if not _paged(call):  # before 2.40 Nova has no paging here (a marker is ignored)
        answered, down = admin_views.answers(call)
        return answered, down, None
    return _walk(call, key, usages_of)


# -- the two views ----------------------------------------------------------------

def _tenant_usages(reply: proxy.Reply) -> list[dict]:
    data = reply.json()
    usages = data.get("tenant_usages") if isinstance(data, dict) else None
    return [u for u in usages if isinstance(u, dict)] if isinstance(usages, list) else []


def _tenant_usage(reply: proxy.Reply) -> list[dict]:
    data = reply.json()
    usage = data.get("tenant_usage") if isinstance(data, dict) else None
    return [usage] if isinstance(usage, dict) and usage else []


def _well_formed(reply: proxy.Reply, key: str, kind: type) -> bool:
    data = reply.json()
    return reply.status == 200 and isinstance(data, dict) and isinstance(data.get(key), kind)


def all_tenants(call: Call) -> webob.Response:
    """GET /os-simple-tenant-usage: one entry per tenant, summed over the regions.
    (With a trailing slash Nova reads the usage of the tenant "": each region's
    404, Call.region_path keeping the slash, is the answer.)"""
    answered, down, next_marker = _answers(call, "tenant_usages", _tenant_usages)
    by_tenant: dict[str, dict] = {}
    for _, reply in answered:
        if not _well_formed(reply, "tenant_usages", list):
            return call.respond(reply)
        for usage in _tenant_usages(reply):
            tenant = str(usage.get("tenant_id"))
            by_tenant[tenant] = _add(by_tenant.get(tenant, {}), usage)
    detailed = _detailed(call)
    body: dict = {"tenant_usages": [_without_servers(u, detailed)
                                    for u in by_tenant.values()]}
    if next_marker:
        body["tenant_usages_links"] = [_next_link(call, next_marker)]
    response = call.respond(answered[0][1], body)
    return admin_views.with_partial(response, down, call)


def one_tenant(call: Call) -> webob.Response:
    """GET /os-simple-tenant-usage/{tenant}: its usage summed over the regions
    (``{}`` when no region has any, as Nova answers)."""
    answered, down, next_marker = _answers(call, "tenant_usage", _tenant_usage)
    total: dict = {}
    for _, reply in answered:
        if not _well_formed(reply, "tenant_usage", dict):
            return call.respond(reply)
        for usage in _tenant_usage(reply):
            total = _add(total, usage)
    body: dict = {"tenant_usage": total}
    if next_marker:
        body["tenant_usage_links"] = [_next_link(call, next_marker)]
    response = call.respond(answered[0][1], body)
    return admin_views.with_partial(response, down, call)
