"""The OpenAPI 3.1 document of the admin API, built from the route table and
the request schemas the handlers validate with, so it cannot drift from them.

``python -m tricircle.api.openapi > doc/api/openapi.json`` refreshes the
published copy; a test fails when that copy is stale.
"""

from tricircle.api import handler
from tricircle.api.handlers import binding, job, pod, root, routing, usage
from tricircle.api.schemas import binding as binding_schema
from tricircle.api.schemas import job as job_schema
from tricircle.api.schemas import pod as pod_schema
from tricircle.api.schemas import routing as routing_schema
from tricircle.api.schemas import usage as usage_schema

# handler -> (success status, query schema, body schema, error statuses)
_OPERATIONS = {
    root.list_versions: (200, None, None, ()),
    root.show_version: (200, None, None, ()),
    root.openapi_document: (200, None, None, ()),
    pod.list_pods: (200, pod_schema.LIST_QUERY, None, (400, 403)),
    pod.create_pod: (200, None, pod_schema.CREATE, (400, 403, 409)),
    pod.show_pod: (200, None, None, (403, 404)),
    pod.show_pod_health: (200, None, None, (403, 404)),
    pod.update_pod: (200, None, pod_schema.UPDATE, (400, 403, 404, 409)),
    pod.delete_pod: (204, pod_schema.DELETE_QUERY, None, (400, 403, 404, 409)),
    routing.list_routings: (200, routing_schema.LIST_QUERY, None, (400, 403)),
    routing.create_routing: (200, None, routing_schema.CREATE, (400, 403, 409)),
    routing.show_routing: (200, None, None, (403, 404)),
    routing.update_routing: (200, None, routing_schema.UPDATE, (400, 403, 404, 409)),
    routing.delete_routing: (204, None, None, (403, 404)),
    job.list_jobs: (200, job_schema.LIST_QUERY, None, (400, 403)),
    job.list_schemas: (200, None, None, (403,)),
    job.create_job: (202, None, job_schema.CREATE, (400, 403, 409)),
    job.show_job: (200, None, None, (403, 404)),
    job.redo_job: (200, None, None, (403, 404, 409)),
    job.delete_job: (204, None, None, (403, 404, 409)),
    binding.list_bindings: (200, binding_schema.LIST_QUERY, None, (400, 403)),
    binding.create_binding: (200, None, binding_schema.CREATE, (400, 403, 409)),
    binding.show_binding: (200, None, None, (403, 404)),
    binding.update_binding: (200, None, binding_schema.UPDATE, (400, 403, 404, 409)),
    binding.delete_binding: (204, None, None, (403, 404)),
    usage.show_usage: (200, usage_schema.SHOW_QUERY, None, (400, 403)),
}

_FAULT = {
    "type": "object",
    "minProperties": 1,
    "maxProperties": 1,
    "additionalProperties": {
        "type": "object",
        "properties": {"code": {"type": "integer"}, "message": {"type": "string"}},
        "required": ["code", "message"],
    },
}

_REASONS = {200: "OK", 202: "Accepted", 204: "No Content", 400: "Bad Request",
            401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
            405: "Method Not Allowed", 409: "Conflict"}


def _parameters(path: str, query: dict | None) -> list[dict]:
    params = [{"name": name.strip("{}"), "in": "path", "required": True,
               "schema": {"type": "string", "minLength": 1}}
              for name in path.split("/") if name.startswith("{")]
    for name, schema in (query or {}).get("properties", {}).items():
        params.append({"name": name, "in": "query", "required": False, "schema": schema})
    return params


def _responses(status: int, errors: tuple, public: bool) -> dict:
    fault = {"content": {"application/json": {"schema": _FAULT}}}
    responses = {str(status): {"description": _REASONS[status]}}
    if status != 204:
        responses[str(status)]["content"] = {"application/json": {"schema": {
            "type": "object"}}}
    for code in (*errors, *(() if public else (401,))):
        responses[str(code)] = dict(fault, description=_REASONS[code])
    return responses


def _operation(path: str, method: str, function) -> dict:
    status, query, body, errors = _OPERATIONS[function]
    public = path in handler.PUBLIC_PATHS
    summary = (function.__doc__ or "").strip().split("\n")[0]
    operation = {
        "operationId": function.__name__ + ("_detail" if path.endswith("/detail") else ""),
        "summary": summary,
        "parameters": _parameters(path, query),
        "responses": _responses(status, errors, public),
    }
    if not public:
        operation["security"] = [{"token": []}]
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": body}}}
    return operation


def document() -> dict:
    """The OpenAPI document of every route in tricircle.api.handler.ROUTES."""
    paths = {}
    for path, methods in handler.ROUTES.items():
        if not all(f in _OPERATIONS for f in methods.values()):
            continue  # routes mounted by other parts document themselves
        paths[path] = {m.lower(): _operation(path, m, f) for m, f in methods.items()}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Tricircle admin API", "version": "1.0",
                 "description": "Pods (regions), resource routings, async jobs, "
                 "tenant-to-pod bindings and usages of a multi-region OpenStack."},
        "paths": paths,
        "components": {"securitySchemes": {"token": {
            "type": "apiKey", "in": "header", "name": "X-Auth-Token",
            "description": "A Keystone token (with auth_strategy = noauth: user:project)."}}},
    }


if __name__ == "__main__":
    import json

    print(json.dumps(document(), indent=2, sort_keys=True))
