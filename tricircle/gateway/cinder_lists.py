"""Cinder's lists as Cinder answers them, over every region.

``merge`` is lists.merge with two things Cinder does its own way: a marker
that names nothing is a 404 (Cinder looks the marker up and fails as a show
would), and ``with_count`` adds the ``count`` of every region, summed.
``summary`` adds up ``GET /volumes/summary`` (3.12; metadata from 3.36).
"""

import urllib.parse

import webob

from tricircle.gateway import lists, proxy, routed
from tricircle.gateway.call import PARTIAL_HEADER, Call, unreachable
from tricircle.gateway.conf import CONF
from tricircle.gateway.regions import TABLE
from tricircle.objects.pod import Region

# Query parameters Cinder's count ignores: it counts what the filters select.
_PAGING = frozenset({"marker", "limit", "offset", "sort", "sort_key", "sort_dir"})
_TRUE = frozenset({"1", "t", "true", "on", "y", "yes"})


def _wants_count(call: Call) -> bool:
    return call.req.GET.get("with_count", "").strip().lower() in _TRUE


def _region_counts(call: Call, regions: list[Region]) -> tuple[int, list[str]]:
    """The sum of every region's ``count`` for the caller's filters, and the regions
    that did not give one. One item per region is asked for: the count is the
    total whatever the page."""
    params = [(k, v) for k, v in call.req.GET.items() if k not in _PAGING]
    query = urllib.parse.urlencode([*params, ("limit", "1")])
    results = proxy.fan_out(regions, lambda region: call.send(
        region, "GET", None, query, b"", CONF.gateway.list_timeout))
    total, missing = 0, []
    for region, reply in results:
        answered = isinstance(reply, proxy.Reply) and reply.status == 200
        data = reply.json() if answered else None
        count = data.get("count") if isinstance(data, dict) else None
        if isinstance(count, int):
            total += count
        else:
            missing.append(region.region_name)
    return total, missing


def merge(call: Call) -> webob.Response:
    """GET of a Cinder collection across every region, as lists.merge; an unknown
    marker is Cinder's 404, ``with_count`` sums the regions' counts."""
    marker = call.req.GET.get("marker")
    if marker:
        routed.locate(call, call.rule.resource_type, marker)  # 404 as Cinder's
    response = lists.merge(call)
    if response.status_int != 200 or not _wants_count(call):
        return response
    regions = TABLE.with_service(call.service.service_type)
    total, missing = _region_counts(call, regions)
    body = response.json
    body["count"] = total
    response.json = body
    if missing:
        already = response.headers.get(PARTIAL_HEADER, "")
        names = [n for n in already.split(", ") if n] + [
            n for n in missing if n not in already.split(", ")]
        response.headers[PARTIAL_HEADER] = ", ".join(names)
    return response


def _add_metadata(total: dict[str, list], metadata: object) -> None:
    """Cinder's summary metadata: each key with the distinct values seen."""
    if not isinstance(metadata, dict):
        return
    for key, values in metadata.items():
        known = total.setdefault(key, [])
        for value in values if isinstance(values, list) else [values]:
            if value not in known:
                known.append(value)


def summary(call: Call) -> webob.Response:
    """GET /volumes/summary: 200 with total_count and total_size summed over the
    regions (and the distinct metadata of all of them); a region that fails is
    left out and named in X-Tricircle-Partial, a region's 4xx is the answer."""
    regions = call.regions()
    results = proxy.fan_out(regions, lambda region: call.send(
        region, timeout=CONF.gateway.list_timeout))
    count, size, metadata, down, first = 0, 0, None, [], None
    for region, reply in results:
        if not isinstance(reply, proxy.Reply) or reply.status >= 500:
            down.append(region.region_name)
            continue
        data = reply.json()
        part = data.get("volume-summary") if isinstance(data, dict) else None
        if reply.status != 200 or not isinstance(part, dict):
            return call.respond(reply)  # a bad filter or microversion: Cinder's answer
        first = first or reply
        count += int(part.get("total_count") or 0)
        size += int(part.get("total_size") or 0)
        if "metadata" in part:
            metadata = {} if metadata is None else metadata
            _add_metadata(metadata, part["metadata"])
    if first is None:
        raise unreachable(down)
    body: dict = {"total_count": count, "total_size": size}
    if metadata is not None:
        body["metadata"] = metadata
    response = call.respond(first, {"volume-summary": body})
    if down:
        response.headers[PARTIAL_HEADER] = ", ".join(down)
    return response
