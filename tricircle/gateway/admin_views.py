"""Admin views over every region: hypervisors, services, aggregates, migrations.

Their lists are every region's answer concatenated (region by region, in
the regions' order). They are region-local things: before microversion 2.53
hypervisors and services have integer ids, aggregates always do, so the same
id can name one thing in each region. A request about one id goes to the one
region that shows it; an id that two regions show is a 409 naming them (the
gateway cannot tell which one is meant), so an id never reaches the wrong
region. Service ids (2.53+) are UUIDs: the region that has one answers.

Paging is each region's own (its markers mean nothing elsewhere): ``limit``
bounds the merged list, a ``marker`` is refused, and no next link is given.
"""

import logging
from typing import Any

import webob

from tricircle.gateway import default, proxy
from tricircle.gateway.call import (
    PARTIAL_HEADER,
    Call,
    GatewayError,
    parse_json,
    shown,
    unreachable,
)
from tricircle.gateway.conf import CONF
from tricircle.gateway.regions import TABLE
from tricircle.gateway.rules import is_routed_id
from tricircle.objects.pod import Region

LOG = logging.getLogger(__name__)


def refuse_marker(call: Call) -> None:
    if "marker" in call.req.GET:
        raise GatewayError(400, f"marker is not supported on {shown(call.path)} through "
                           "the gateway: its ids are region-local; use limit alone.")


def answers(call: Call, path: str | None = None, query: str | None = None,
            ) -> tuple[list[tuple[Region, proxy.Reply]], list[str]]:
    """Every region's answer to this GET (or to ``path``), and the regions down."""
    regions = call.regions()
    return _split(proxy.fan_out(regions, lambda region: call.send(
        region, "GET", path, query, b"", CONF.gateway.list_timeout)))


def _split(results: list) -> tuple[list[tuple[Region, proxy.Reply]], list[str]]:
    """(the regions that answered, with their answers; the names of those down or
    failing with a 5xx) of a fan-out; a 503 when none answered."""
    answered, down = [], []
    for region, reply in results:
        if not isinstance(reply, proxy.Reply) or reply.status >= 500:
            down.append(region.region_name)
        else:
            answered.append((region, reply))
    if not answered:
        raise unreachable(down)
    return answered, down


def with_partial(response: webob.Response, down: list[str], call: Call) -> webob.Response:
    if down:
        LOG.warning("%s answered without region %s", call.path, ", ".join(down))
        response.headers[PARTIAL_HEADER] = ", ".join(down)
    return response


def _items(reply: proxy.Reply, key: str) -> list | None:
    data = reply.json()
    items = data.get(key) if isinstance(data, dict) else None
    return items if reply.status == 200 and isinstance(items, list) else None


def merged(call: Call) -> webob.Response:
    """GET of a region-local collection (rule.collection is its JSON key): every
    region's items; a region's refusal (a member's 403, a bad filter) is the answer."""
    refuse_marker(call)
    return _merged(call, answers(call))


def searched(call: Call) -> webob.Response:
    """GET os-hypervisors/{hostname}/search and /servers (before 2.53): as merged, but
    a region's 404 means it has no such hypervisor, not that the search failed; a
    404 when no region has one."""
    refuse_marker(call)
    answered, down = answers(call)
    found = [(region, reply) for region, reply in answered if reply.status != 404]
    if not found:
        return call.respond(answered[0][1])
    return _merged(call, (found, down))


def _merged(call: Call, results: tuple[list[tuple[Region, proxy.Reply]], list[str]],
            ) -> webob.Response:
    key = call.rule.collection
    answered, down = results
    items: list[Any] = []
    for region, reply in answered:
        found = _items(reply, key)
        if found is None:
            return call.respond(reply)
        proxy.rewrite_links(found, region.root(call.service.service_type),
                            call.gateway_root)
        items += found
    limit = call.req.GET.get("limit")
    if limit is not None and limit.isdigit():
        items = items[:int(limit)]
    return with_partial(call.respond(answered[0][1], {key: items}, links_rewritten=True),
                        down, call)


def _numbers_added(total: dict, part: dict) -> None:
    for name, value in part.items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            total[name] = total.get(name, 0) + value
        else:
            total.setdefault(name, value)


def summed(call: Call) -> webob.Response:
    """GET of one object of numbers (os-hypervisors/statistics): added up per field."""
    key = call.rule.collection
    answered, down = answers(call)
    total: dict = {}
    for _, reply in answered:
        data = reply.json()
        part = data.get(key) if isinstance(data, dict) else None
        if reply.status != 200 or not isinstance(part, dict):
            return call.respond(reply)
        _numbers_added(total, part)
    return with_partial(call.respond(answered[0][1], {key: total}), down, call)


def _holders(call: Call, show_path: str) -> tuple[list[tuple[Region, proxy.Reply]],
                                                  proxy.Reply]:
    """The regions whose show of ``show_path`` is a 200 (with their answers), and
    one answer to pass on when none is."""
    answered, down = answers(call, show_path, "")
    holders = [(region, reply) for region, reply in answered if reply.status == 200]
    if not holders and down:
        raise unreachable(down)  # it may be in the region that did not answer
    return holders, answered[0][1]


def _ambiguous(call: Call, family: str, wanted: str, regions: list[Region]) -> GatewayError:
    names = ", ".join(r.region_name for r in regions)
    return GatewayError(409, f"{family} {shown(wanted)} exists in regions {names}: its "
                        "ids are region-local; use the region's own endpoint (or, for "
                        "hypervisors, microversion 2.53 or later, whose ids are UUIDs).")


def region_local(call: Call) -> webob.Response:
    """A request about one region-local id (a hypervisor, an aggregate): every region
    is asked to show it; the one region that has it gets the request."""
    family, wanted = call.path.split("/")[1], call.args["id"]
    show_path = call.service.show_paths[call.rule.resource_type].format(id=wanted)
    holders, first = _holders(call, show_path)
    if not holders:
        return call.respond(first)  # the region's own 404 (or a member's 403)
    if len(holders) > 1:
        raise _ambiguous(call, family, wanted, [region for region, _ in holders])
    region, reply = holders[0]
    if call.req.method == "GET" and call.path == show_path and not call.req.query_string:
        return call.respond(reply)  # the lookup asked exactly this
    return call.respond(call.send(region))


def by_uuid(call: Call) -> webob.Response:
    """PUT/DELETE /os-services/{id} (2.53+, a UUID, unique across regions): every
    region is sent the request; the one that has the service answers for it."""
    if not is_routed_id(call.args["id"]):
        raise GatewayError(404, f"Service {shown(call.args['id'])} could not be found: "
                           "service ids are UUIDs (microversion 2.53 or later).")
    regions = TABLE.with_service(call.service.service_type)
    results = proxy.fan_out(regions, call.send)
    replies = [reply for _, reply in results if isinstance(reply, proxy.Reply)]
    for reply in replies:
        if reply.status != 404:
            return call.respond(reply)
    if len(replies) < len(results):
        raise unreachable([r.region_name for r, reply in results
                           if not isinstance(reply, proxy.Reply)])
    return call.respond(replies[0])


def _named_host(call: Call) -> tuple[str, str]:
    """(field, value) of the host a service action names: ``host``, or Cinder's
    ``cluster`` (3.26+); a 400 when the body names neither."""
    body = parse_json(call.req.body)
    for field in ("host", "cluster"):
        value = body.get(field) if isinstance(body, dict) else None
        if isinstance(value, str) and value:
            return field, value
    raise GatewayError(400, "Invalid input for field/attribute host.")


def by_host(call: Call) -> webob.Response:
    """PUT /os-services/{enable,disable,...} (Nova before 2.53, Cinder): the body
    names a host (or a Cinder cluster); sent to the one region whose services run
    on it, or to the default region when none does (its refusal is the answer)."""
    field, host = _named_host(call)
    return _to_host(call, field, host)


def by_path_host(call: Call) -> webob.Response:
    """GET /capabilities/{host} (Cinder): sent to the one region running services
    on that host, as by_host."""
    return _to_host(call, "host", call.args["id"])


def _to_host(call: Call, field: str, host: str) -> webob.Response:
    answered, down = answers(call, "/os-services", "")
    holders = [region for region, reply in answered
               if any(isinstance(i, dict) and i.get(field) == host
                      for i in _items(reply, "services") or [])]
    if len(holders) == 1:
        return call.respond(call.send(holders[0]))
    if len(holders) > 1:
        names = ", ".join(r.region_name for r in holders)
        raise GatewayError(409, f"Host {shown(host)} runs services in regions {names}; "
                           "use the region's own endpoint (Nova: the services' ids, "
                           "microversion 2.53 or later).")
    if down:
        raise unreachable(down)
    # No region has it: the default region's own answer (Nova's 404, Cinder's 400).
    return call.respond(default.ask(call))


def every_region(call: Call) -> webob.Response:
    """A request every region must get (Cinder's set-log, get-log): sent to all at
    once; the first refusal is the answer, else the first region's answer with
    rule.collection's items (when set) of every region, and the regions missed
    named in X-Tricircle-Partial."""
    regions = call.regions()
    answered, down = _split(proxy.fan_out(regions, call.send))
    for _, reply in answered:
        if reply.status >= 400:
            return call.respond(reply)
    first = answered[0][1]
    key = call.rule.collection
    if key is None:
        return with_partial(call.respond(first), down, call)
    items: list[Any] = []
    for _, reply in answered:
        items += _items(reply, key) or []
    return with_partial(call.respond(first, {key: items}), down, call)
