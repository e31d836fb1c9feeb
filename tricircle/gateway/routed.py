"""Requests about one resource, sent to the region its routing names.

A resource the gateway has no routing for (created in a region behind its
back) is looked for in every region and adopted where it is found.
"""

import dataclasses
import logging
from typing import Any

import webob

from tricircle.gateway import proxy, rules, store
from tricircle.gateway.call import Call, GatewayError, shown, unreachable
from tricircle.gateway.regions import TABLE
from tricircle.objects.pod import Region

LOG = logging.getLogger(__name__)


def _shown_item(data: Any, resource_type: str) -> dict | None:
    """The resource of a show answer (its JSON key is its type: {"server": {...}})."""
    item = data.get(resource_type) if isinstance(data, dict) else None
    return item if isinstance(item, dict) else None


def _owner_of(item: dict, caller: str | None) -> str | None:
    """The project a region says a resource belongs to, else the caller's."""
    # tenant_id: the field Nova and Cinder name the owner with.
    for key in ("tenant_id", "project_id", "os-vol-tenant-attr:tenant_id"):
        if isinstance(item.get(key), str):
            return item[key]
    return caller


# How Nova and Cinder word their 404 for an id they do not hold, so that the
# gateway's own 404 (an id that cannot be a region's) reads as theirs would.
NOT_FOUND_WORDING = {
    "server": "Instance {id} could not be found.",
    "server_group": "Instance group {id} could not be found.",
    "group_snapshot": "GroupSnapshot {id} could not be found.",
    "attachment": "Volume attachment could not be found with filter: attachment_id = {id}.",
}


def not_found(resource_type: str, top_id: str) -> GatewayError:
    wording = NOT_FOUND_WORDING.get(
        resource_type, resource_type.replace("_", " ").capitalize() + " {id} could not be found.")
    return GatewayError(404, wording.format(id=shown(top_id)))


def _region_not_found(reply: proxy.Reply, resource_type: str, top_id: str) -> GatewayError:
    """A region's own 404 message ({"itemNotFound": {"message": ...}}), as the
    gateway's 404: a client reads what that region's Nova or Cinder says."""
    try:
        fault_body = next(iter(reply.json().values()))
        message = fault_body["message"]
    except (ValueError, AttributeError, StopIteration, TypeError, KeyError):
        message = None
    if not isinstance(message, str) or not message:
        return not_found(resource_type, top_id)
    return GatewayError(404, message)


def _adopt(call: Call, resource_type: str, top_id: str, region: Region,
           reply: proxy.Reply) -> None:
    """Record the routing of what ``region`` showed, if it is what was asked for:
    only an id a region answered for under that same id becomes a routing."""
    item = _shown_item(reply.json(), resource_type)
    if item is None or item.get("id") != top_id:
        LOG.info("%s %s: %s answered for another id, nothing recorded", resource_type,
                 top_id, region.region_name)
        return
    store.record(resource_type, top_id, region.pod_id,
                 _owner_of(item, call.context.project_id))
    LOG.info("adopted %s %s found in %s", resource_type, top_id, region.region_name)


def locate(call: Call, resource_type: str, top_id: str) -> tuple[Region, proxy.Reply | None]:
    """The region holding ``top_id``: its routing, else ask every region (adoption).

    Returns the region and, when it was asked, its answer to the show request.
    An id that cannot be one of the region's (rules.ROUTED_ID) is not found
    without asking anyone.
    """
    if not rules.is_routed_id(top_id):
        raise not_found(resource_type, top_id)
    routing = store.find(resource_type, top_id, call.scope)
    region = TABLE.get(routing["pod_id"]) if routing else None
    if region is not None:
        return region, None
    show_path = call.service.show_paths[resource_type].format(id=top_id)
    regions = TABLE.with_service(call.service.service_type)
    results = proxy.fan_out(regions, lambda r: call.send(r, "GET", show_path, "", b""))
    for region, reply in results:
        if isinstance(reply, proxy.Reply) and reply.status == 200:
            _adopt(call, resource_type, top_id, region, reply)
            return region, reply
    down = [region.region_name for region, reply in results
            if not isinstance(reply, proxy.Reply)]
    if down:
        raise unreachable(down)
    for _, reply in results:
        if reply.status == 404:
            raise _region_not_found(reply, resource_type, top_id)
    raise not_found(resource_type, top_id)


def by_id(call: Call) -> webob.Response:
    """Forward to the region that holds the id in the path."""
    resource_type, top_id = call.rule.resource_type, call.args["id"]
    region, answer = locate(call, resource_type, top_id)
    is_show = call.req.method == "GET" and not call.args.get("rest")
    if answer is not None and is_show and not call.req.query_string:
        return call.respond(answer)  # the adoption already asked exactly this
    reply = call.send(region)
    if reply.status == 404 and not call.args.get("rest") and call.req.method in (
            "GET", "DELETE"):
        store.forget(resource_type, top_id, region.pod_id)  # gone from the region
    return call.respond(reply)


def onward(call: Call) -> webob.Response:
    """The call handled by the next rule that matches it: a module that handles some
    of a path's requests (server actions) passes the others on; with none left,
    they go to the region of the id."""
    later = call.service.rules[call.service.rules.index(call.rule) + 1:]
    for candidate in later:
        args = candidate.match(call.req.method, call.path)
        if args is not None:
            return candidate.handler(dataclasses.replace(call, rule=candidate, args=args))
    return by_id(call)


def instance_actions(call: Call) -> webob.Response:
    """GET /servers/{id}/os-instance-actions[/...]: the server's region, also once the
    server is deleted. Nova keeps the actions of a deleted server, but its routing
    is gone with the 404 of the last show, so the regions are asked for the
    actions themselves (nothing is recorded: the server is not there to adopt)."""
    top_id = call.args["id"]
    if not rules.is_routed_id(top_id):
        raise not_found("server", top_id)
    routing = store.find("server", top_id, call.scope)
    region = TABLE.get(routing["pod_id"]) if routing else None
    if region is not None:
        return call.respond(call.send(region))
    results = proxy.fan_out(TABLE.with_service(call.service.service_type), call.send)
    answers = [reply for _, reply in results if isinstance(reply, proxy.Reply)]
    for reply in answers:
        if reply.status == 200:
            return call.respond(reply)
    if len(answers) < len(results):
        raise unreachable([r.region_name for r, reply in results
                           if not isinstance(reply, proxy.Reply)])
    if answers:
        return call.respond(answers[0])  # every region's 404 (or 403) is the same
    raise not_found("server", top_id)
