"""Handlers for /v1.0/bindings: which pod of an AZ a tenant is bound to."""

import webob

from tricircle.api import policy, util
from tricircle.api.policies import binding as binding_policies
from tricircle.api.schemas import binding as schema
from tricircle.objects import binding as binding_obj


def list_bindings(req: webob.Request) -> webob.Response:
    """GET /v1.0/bindings: 200 ``{"bindings": [...]}``, oldest first; filters
    tenant_id, pod_id, az_name, is_binding."""
    policy.authorize(util.context_of(req), binding_policies.LIST)
    query = util.read_query(req, schema.LIST_QUERY)
    limit, marker = util.page_params(query)
    if "is_binding" in query:
        query["is_binding"] = util.as_bool(query["is_binding"])
    bindings = binding_obj.get_all(query, limit, marker)
    return util.json_response(200, util.page_body(req, "bindings", bindings, limit, "id"))


def create_binding(req: webob.Request) -> webob.Response:
    """POST /v1.0/bindings: 200 ``{"binding": {...}}``. A current binding
    (is_binding, the default) replaces the tenant's other binding in that AZ."""
    policy.authorize(util.context_of(req), binding_policies.CREATE)
    values = util.read_body(req, schema.CREATE)["binding"]
    binding = binding_obj.create(values["tenant_id"], values["pod_id"],
                                 values.get("is_binding", True))
    return util.json_response(200, {"binding": binding})


def show_binding(req: webob.Request, binding_id: str) -> webob.Response:
    """GET /v1.0/bindings/{id}: 200 ``{"binding": {...}}``, 404 if unknown."""
    policy.authorize(util.context_of(req), binding_policies.SHOW)
    binding = binding_obj.get(util.generated_id("Binding", binding_id))
    return util.json_response(200, {"binding": binding})


def update_binding(req: webob.Request, binding_id: str) -> webob.Response:
    """PUT /v1.0/bindings/{id}: 200 ``{"binding": {...}}``: move the tenant to
    another pod of the AZ, or make this binding (not) current."""
    policy.authorize(util.context_of(req), binding_policies.UPDATE)
    values = util.read_body(req, schema.UPDATE)["binding"]
    binding = binding_obj.update(util.generated_id("Binding", binding_id), values)
    return util.json_response(200, {"binding": binding})


def delete_binding(req: webob.Request, binding_id: str) -> webob.Response:
    """DELETE /v1.0/bindings/{id}: 204."""
    policy.authorize(util.context_of(req), binding_policies.DELETE)
    binding_obj.delete(util.generated_id("Binding", binding_id))
    return util.json_response(204, None)
