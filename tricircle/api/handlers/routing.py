"""Handlers for /v1.0/routings: where each resource lives (top id -> pod, bottom id)."""

import webob

from tricircle.api import policy, util
from tricircle.api.policies import routing as routing_policies
from tricircle.api.schemas import routing as schema
from tricircle.common import exceptions
from tricircle.gateway import store
from tricircle.objects import routing as routing_obj


def _visible(req: webob.Request, routing_id: str) -> dict:
    """The routing, or 404 when the caller may not see it (no hint that it exists)."""
    routing = routing_obj.get(int(routing_id))
    target = {"project_id": routing["project_id"]}
    if not policy.allowed(util.context_of(req), routing_policies.SHOW, target):
        raise exceptions.NotFound("Routing", routing_id)
    return routing


def _routing_id(routing_id: str) -> str:
    """Routing ids are integers: any other id cannot name a routing."""
    if not (routing_id.isascii() and routing_id.isdigit() and len(routing_id) <= 18):
        raise exceptions.NotFound("Routing", routing_id)
    return routing_id


def _drop_from_gateway(*routings: dict) -> None:
    """This process's gateway forgets what it cached about these routings at once
    (other processes follow within [gateway]/routing_cache_seconds)."""
    for routing in routings:
        store.drop(routing["resource_type"], routing["top_id"])


def list_routings(req: webob.Request) -> webob.Response:
    """GET /v1.0/routings: 200 ``{"routings": [...]}`` in id order, filtered by
    any column (timestamps accept gt:/gte:/lt:/lte: prefixes); a project member
    sees only its own project's routings."""
    context = util.context_of(req)
    query = util.read_query(req, schema.LIST_QUERY)
    limit, marker = util.page_params(query)
    if "project_id" not in query and not policy.allowed(
            context, routing_policies.LIST_ALL_PROJECTS):
        query["project_id"] = context.project_id
    policy.authorize(context, routing_policies.LIST, {"project_id": query["project_id"]}
                     if "project_id" in query else None)
    for name in ("created_at", "updated_at"):
        if name in query:
            query[name] = routing_obj.parse_time_filter(name, query[name])
    if "id" in query:
        query["id"] = int(query["id"])
    routings = routing_obj.get_all(query, limit, int(marker) if marker else None)
    return util.json_response(200, util.page_body(req, "routings", routings, limit, "id"))


def create_routing(req: webob.Request) -> webob.Response:
    """POST /v1.0/routings: 200 ``{"routing": {...}}``; 409 for a second routing
    of the same (top_id, pod_id, resource_type)."""
    policy.authorize(util.context_of(req), routing_policies.CREATE)
    values = util.read_body(req, schema.CREATE)["routing"]
    return util.json_response(200, {"routing": routing_obj.create(values)})


def show_routing(req: webob.Request, routing_id: str) -> webob.Response:
    """GET /v1.0/routings/{id}: 200 ``{"routing": {...}}``, 404 if unknown."""
    return util.json_response(200, {"routing": _visible(req, _routing_id(routing_id))})


def update_routing(req: webob.Request, routing_id: str) -> webob.Response:
    """PUT /v1.0/routings/{id}: 200 ``{"routing": {...}}`` with the fields changed."""
    policy.authorize(util.context_of(req), routing_policies.UPDATE)
    values = util.read_body(req, schema.UPDATE)["routing"]
    before = routing_obj.get(int(_routing_id(routing_id)))
    routing = routing_obj.update(int(routing_id), values)
    _drop_from_gateway(before, routing)
    return util.json_response(200, {"routing": routing})


def delete_routing(req: webob.Request, routing_id: str) -> webob.Response:
    """DELETE /v1.0/routings/{id}: 204."""
    policy.authorize(util.context_of(req), routing_policies.DELETE)
    before = routing_obj.get(int(_routing_id(routing_id)))
    routing_obj.delete(int(routing_id))
    _drop_from_gateway(before)
    return util.json_response(204, None)
