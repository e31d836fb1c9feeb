"""List fan-out: every region at once, merged into one page.

Without a sort key the order is the regions by name, then each region's own
order, so a marker names one position: the regions before the marker's are
done, the marker's region continues after it, the later ones start from the
beginning. With ``sort_key`` the regions' pages are merged by that key.
A region that fails is left out and named in ``X-Tricircle-Partial``; at
compute microversion 2.69 or later its routed servers are shown as minimal
records with status UNKNOWN, as Nova does for a down cell.
"""

import datetime
import functools
import json
import logging
import urllib.parse
from typing import Any

import webob

from tricircle.gateway import az_names, proxy, rules
from tricircle.gateway.call import (
    PARTIAL_HEADER,
    Call,
    GatewayError,
    microversion,
    shown,
    unreachable,
)
from tricircle.gateway.conf import CONF
from tricircle.gateway.routed import locate
from tricircle.objects import routing as routing_obj
from tricircle.objects.pod import Region

LOG = logging.getLogger(__name__)
DOWN_CELL_MICROVERSION = (2, 69)
# Nova's documented sort keys whose JSON field (of a detail list) has another name.
# Cinder's sort keys are its fields' names (created_at is created_at there).
_NOVA_SORT_FIELDS = {
    "display_name": "name", "created_at": "created", "updated_at": "updated",
    "uuid": "id", "access_ip_v4": "accessIPv4", "access_ip_v6": "accessIPv6",
    "auto_disk_config": "OS-DCF:diskConfig", "availability_zone":
    "OS-EXT-AZ:availability_zone", "display_description": "description",
    "host": "OS-EXT-SRV-ATTR:host", "hostname": "OS-EXT-SRV-ATTR:hostname",
    "kernel_id": "OS-EXT-SRV-ATTR:kernel_id", "launch_index":
    "OS-EXT-SRV-ATTR:launch_index", "launched_at": "OS-SRV-USG:launched_at",
    "node": "OS-EXT-SRV-ATTR:hypervisor_hostname", "power_state":
    "OS-EXT-STS:power_state", "project_id": "tenant_id", "ramdisk_id":
    "OS-EXT-SRV-ATTR:ramdisk_id", "root_device_name": "OS-EXT-SRV-ATTR:root_device_name",
    "task_state": "OS-EXT-STS:task_state", "terminated_at": "OS-SRV-USG:terminated_at",
    "vm_state": "OS-EXT-STS:vm_state"}
# Nova's order without sort keys: newest first (created_at desc, then id desc).
_NOVA_DEFAULT_QUERY = (("sort_key", "created_at"), ("sort_dir", "desc"))
_NOVA_DEFAULT_SPEC = [("created", True), ("id", True)]
# Pages fetched from one region to find the items after a marker of another region.
_MAX_SKIP_PAGES = 20


class _Page:
    """What one region answered: items (links already rewritten) and whether it has more."""

    def __init__(self, items: list[dict], more: bool, reply: proxy.Reply):
        self.items, self.more, self.reply = items, more, reply


def _limit(call: Call) -> int | None:
    value = call.req.GET.get("limit")
    if value is None:
        return None
    try:
        limit = int(value)
    except ValueError:
        raise GatewayError(400, f"limit {shown(value)} is not an integer") from None
    if limit < 0:
        raise GatewayError(400, "limit must be 0 or more")
    return limit


def _default_order(call: Call) -> bool:
    """Whether the list is Nova's detailed server list without sort keys: it is
    merged in Nova's default order, which needs the created field of detail."""
    return (call.service.name == "compute" and call.rule.resource_type == "server"
            and call.path.endswith("/detail") and "sort_key" not in call.req.GET)


def _sort_spec(call: Call) -> list[tuple[str, bool]]:
    """[(json field, descending)] from sort_key/sort_dir (Nova) or sort=k:dir (Cinder)."""
    if _default_order(call):
        return list(_NOVA_DEFAULT_SPEC)
    keys = call.req.GET.getall("sort_key")
    dirs = call.req.GET.getall("sort_dir")
    spec = [(k, (dirs[i] if i < len(dirs) else "desc") == "desc")
            for i, k in enumerate(keys)]
    for item in call.req.GET.getall("sort"):
        for part in item.split(","):
            key, _, direction = part.partition(":")
            spec.append((key, direction != "asc"))
    fields = _NOVA_SORT_FIELDS if call.service.name == "compute" else {}
    return [(fields.get(k, k), desc) for k, desc in spec if k]


def _query(call: Call, region: Region, marker: str | None) -> str:
    """The caller's query for ``region``: its own marker, its own name of the zone."""
    params = []
    for key, value in call.req.GET.items():
        if key == "marker":
            continue
        if key == "availability_zone":
            if not region.pod_az_name:
                continue  # the region's only zone is the pod's: no filter needed
            value = region.pod_az_name
        params.append((key, value))
    if _default_order(call):
        params += _NOVA_DEFAULT_QUERY  # each region sorts its page as the merge does
    if marker:
        params.append(("marker", marker))
    return urllib.parse.urlencode(params)


def _fetch(call: Call, region: Region, marker: str | None) -> proxy.Reply:
    return call.send(region, "GET", None, _query(call, region, marker), b"",
                     CONF.gateway.list_timeout)


def _page(call: Call, reply: proxy.Reply) -> _Page | None:
    """The items of a 200 answer, None when the answer is not a list of ours."""
    data = reply.json()
    collection = call.rule.collection
    if reply.status != 200 or not isinstance(data, dict) or not isinstance(
            data.get(collection), list):
        return None
    proxy.rewrite_links(data, reply.region.root(call.service.service_type),
                        call.gateway_root)
    az_names.show_az_names(data, reply.region, call.service.name)
    return _Page(data[collection], bool(data.get(f"{collection}_links")), reply)


def _compare(spec: list[tuple[str, bool]], a: tuple[dict, int], b: tuple[dict, int]) -> int:
    """Order of (item, region index) pairs by the sort spec, then region order."""
    for field, descending in spec:
        left, right = _sort_value(a[0].get(field)), _sort_value(b[0].get(field))
        if left != right:
            result = -1 if left < right else 1
            return -result if descending else result
    return (a[1] > b[1]) - (a[1] < b[1])


def _sort_value(value: Any) -> tuple:
    if value is None:
        return (0, 0)
    if isinstance(value, bool | int | float):
        return (1, value)
    return (2, str(value))


def _minimal_records(call: Call, region: Region, after: str | None) -> list[dict]:
    """The down region's routed servers as Nova shows servers of a down cell."""
    # Nova shows other projects' servers only to an admin who asks for all_tenants.
    everyone = call.context.is_admin_role and "all_tenants" in call.req.GET
    # An admin without a project and without all_tenants owns nothing here.
    scope = None if everyone else call.context.project_id or ""
    detail = call.path.endswith("/detail")
    records = []
    for routing in routing_obj.in_pod(call.rule.resource_type, region.pod_id, scope):
        if after is not None and routing["top_id"] <= after:
            continue
        path = call.region_path(f"/servers/{routing['top_id']}")
        bookmark = path.split("/", 2)[2]
        record = {"id": routing["top_id"], "status": "UNKNOWN",
                  "links": [{"rel": "self", "href": f"{call.gateway_root}{path}"},
                            {"rel": "bookmark", "href": f"{call.gateway_root}/{bookmark}"}]}
        if detail:
            record["tenant_id"] = routing["project_id"]
            created = datetime.datetime.fromisoformat(routing["created_at"])
            record["created"] = created.strftime("%Y-%m-%dT%H:%M:%SZ")
        records.append(record)
    return records


def _wants_minimal(call: Call) -> bool:
    version = microversion(call.req, call.service)
    return (call.rule.resource_type == "server" and version is not None
            and version >= DOWN_CELL_MICROVERSION)


def _marker_region(call: Call, marker: str) -> tuple[Region, proxy.Reply | None]:
    """The marker's region (and its show answer when it had to be adopted); a
    marker that is no id of a region's is refused before any lookup."""
    if not rules.is_routed_id(marker):
        raise GatewayError(400, f"marker [{shown(marker)}] not found: it is not an id")
    try:
        return locate(call, call.rule.resource_type, marker)
    except GatewayError as exc:
        if exc.status == 404:
            raise GatewayError(400, f"marker [{shown(marker)}] not found") from None
        raise


def _marker_item(call: Call, region: Region, answer: proxy.Reply | None,
                 marker: str) -> dict:
    """The marker's own record, whose sort values the other regions are cut at."""
    if answer is None:
        show_path = call.service.show_paths[call.rule.resource_type].format(id=marker)
        answer = call.send(region, "GET", show_path, "", b"")
    data = answer.json()
    item = data.get(call.rule.resource_type) if isinstance(data, dict) else None
    return item if isinstance(item, dict) else {"id": marker}


def _after_marker(call: Call, region: Region, spec: list, index: int,
                  marker_key: tuple[dict, int]) -> proxy.Reply | tuple[list[dict], bool,
                                                                           proxy.Reply]:
    """Sorted lists: the items of a region that sort after another region's marker,
    walking that region's own pages from the start."""
    kept: list[dict] = []
    local_marker = None
    limit = _limit(call)
    for _ in range(_MAX_SKIP_PAGES):
        reply = _fetch(call, region, local_marker)
        page = _page(call, reply)
        if page is None:
            return reply
        kept += [i for i in page.items
                 if _compare(spec, (i, index), marker_key) > 0]
        if not page.more or not page.items or (limit is not None and len(kept) >= limit):
            return kept, page.more, reply
        local_marker = page.items[-1].get("id")
    return kept, True, reply


def _regions(call: Call) -> list[Region]:
    """The regions a list asks: those of the availability_zone filter, else all."""
    regions = call.regions()
    zone = call.req.GET.get("availability_zone")
    return az_names.in_zone(regions, zone) if zone else regions


def _empty(call: Call) -> webob.Response:
    """A list with nothing in it: a filter no region can match."""
    response = webob.Response(status=200, content_type="application/json", charset=None)
    response.body = json.dumps({call.rule.collection: []}).encode()
    return response


def merge(call: Call) -> webob.Response:
    """GET of a collection across every region (those of an availability_zone filter)."""
    regions = _regions(call)
    if not regions:
        return _empty(call)
    limit, spec = _limit(call), _sort_spec(call)
    marker = call.req.GET.get("marker")
    start, marker_key = 0, None
    if marker:
        marker_region, answer = _marker_region(call, marker)
        start = next((i for i, r in enumerate(regions)
                      if r.pod_id == marker_region.pod_id), None)
        if start is None:  # the marker is outside the availability_zone asked for
            raise GatewayError(400, f"marker [{shown(marker)}] not found")
        if spec:
            marker_key = (_marker_item(call, marker_region, answer, marker), start)

    # By pod id: regions.index() compared whole records, n²/2 of them per list.
    positions = {region.pod_id: index for index, region in enumerate(regions)}

    def ask(region: Region):
        index = positions[region.pod_id]
        if marker_key is not None and index != start:
            return _after_marker(call, region, spec, index, marker_key)
        reply = _fetch(call, region, marker if marker and index == start else None)
        # Read here, in the fan-out's thread, while slower regions are awaited.
        return _page(call, reply) or reply

    # Sorted: every region takes part; unsorted: the marker's region and later ones.
    indexed = list(enumerate(regions)) if spec else list(enumerate(regions))[start:]
    results = proxy.fan_out([r for _, r in indexed], ask)
    collected = _collect(call, indexed, [result for _, result in results])
    if isinstance(collected, webob.Response):
        return collected
    pages, down = collected
    minimal = _wants_minimal(call)
    if spec:
        items, more = _merge_sorted(call, pages, spec, minimal)
    else:
        items, more = _concatenate(call, pages, minimal, marker, start)
    first = next(p.reply for _, _, p in pages if p is not None)
    # Every page's links were rewritten as it came in (_page); the down regions'
    # records (_minimal_records) have the gateway's links from the start.
    response = call.respond(first, _body(call, items, more, limit), links_rewritten=True)
    if down:
        names = ", ".join(r.region_name for r in down)
        LOG.warning("list %s answered without region %s", call.path, names)
        response.headers[PARTIAL_HEADER] = names
    return response


def _collect(call: Call, indexed: list[tuple[int, Region]], results: list,
             ) -> tuple[list, list[Region]] | webob.Response:
    """(index, region, page or None when down) per region, and the regions that are
    down; or the first region's own error answer, passed through."""
    pages: list[tuple[int, Region, _Page | None]] = []
    down: list[Region] = []
    for (index, region), result in zip(indexed, results, strict=True):
        if isinstance(result, _Page):
            pages.append((index, region, result))
        elif isinstance(result, tuple):  # from _after_marker
            pages.append((index, region, _Page(*result)))
        elif not isinstance(result, proxy.Reply) or result.status >= 500:
            down.append(region)
            pages.append((index, region, None))
        else:
            page = _page(call, result)
            if page is None:
                return call.respond(result)  # a bad filter, a bad limit, ...
            pages.append((index, region, page))
    if len(down) == len(indexed):
        raise unreachable([r.region_name for r in down])
    return pages, down


def _next_link(call: Call, marker: str, limit: int | None) -> dict:
    """The gateway's link to the page after ``marker``, with the caller's filters."""
    params = [(k, v) for k, v in call.req.GET.items() if k not in ("marker", "limit")]
    if limit is not None:
        params.append(("limit", str(limit)))
    params.append(("marker", marker))
    href = f"{call.gateway_root}{call.region_path()}?{urllib.parse.urlencode(params)}"
    return {"rel": "next", "href": href}


def _body(call: Call, items: list[dict], more: bool, limit: int | None) -> dict:
    """The merged page, with a next link at the gateway when there may be more."""
    if limit is not None:
        more = more or len(items) > limit
        items = items[:limit]
        more = more or (limit > 0 and len(items) == limit)
    body: dict[str, Any] = {call.rule.collection: items}
    if more and items:
        body[f"{call.rule.collection}_links"] = [
            _next_link(call, items[-1]["id"], limit)]
    return body


def _concatenate(call: Call, pages: list, minimal: bool, marker: str | None,
                 start: int) -> tuple[list[dict], bool]:
    """Regions in order; a region with more items than it sent ends the page there."""
    items: list[dict] = []
    for index, region, page in pages:
        if page is None:
            if minimal:
                after = marker if index == start else None
                items += _minimal_records(call, region, after)
            continue
        items += page.items
        if page.more:
            return items, True
    return items, False


def _merge_sorted(call: Call, pages: list, spec: list,
                  minimal: bool) -> tuple[list[dict], bool]:
    """Merge by the sort spec; a region with more items than it sent bounds the page."""
    pairs: list[tuple[dict, int]] = []
    bound = None
    compare = functools.cmp_to_key(functools.partial(_compare, spec))
    for index, region, page in pages:
        if page is None:
            if minimal:
                pairs += [(r, index) for r in _minimal_records(call, region, None)]
            continue
        pairs += [(item, index) for item in page.items]
        if page.more and page.items:
            last = (page.items[-1], index)
            if bound is None or compare(last) < compare(bound):
                bound = last
    _sort(pairs, spec)
    if bound is not None:  # the bound is the last of its region's page: cut after it
        pairs = pairs[:next(i for i, (item, index) in enumerate(pairs)
                            if item is bound[0] and index == bound[1]) + 1]
    return [item for item, _ in pairs], bound is not None


def _sort(pairs: list[tuple[dict, int]], spec: list[tuple[str, bool]]) -> None:
    """The order of _compare, as one stable sort per key from the last to the first:
    ``pairs`` come in region order, so equal keys keep it (and each region's own
    order), and each sort compares plain tuples instead of calling _compare."""
    for field, descending in reversed(spec):
        pairs.sort(key=lambda pair, field=field: _sort_value(pair[0].get(field)),
                   reverse=descending)
