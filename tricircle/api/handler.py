"""The admin API's route table: every URL and method, and the function that answers it.

Reading order for a newcomer: ROUTES below, then the handler module it names.
A known URL asked with another method answers 405 with an Allow header,
straight from the table.
"""

import logging

import routes
import webob

from tricircle.api import util
from tricircle.api.handlers import binding, job, pod, root, routing, usage
from tricircle.common import exceptions
from tricircle.common.context import RequestContext

LOG = logging.getLogger(__name__)

ROUTES = {
    "/": {"GET": root.list_versions},
    "/openapi.json": {"GET": root.openapi_document},
    "/v1.0": {"GET": root.show_version},
    "/v1.0/pods": {"GET": pod.list_pods, "POST": pod.create_pod},
    "/v1.0/pods/{pod_id}": {
        "GET": pod.show_pod, "PUT": pod.update_pod, "DELETE": pod.delete_pod},
    "/v1.0/pods/{pod_id}/health": {"GET": pod.show_pod_health},
    "/v1.0/routings": {"GET": routing.list_routings, "POST": routing.create_routing},
    "/v1.0/routings/{routing_id}": {
        "GET": routing.show_routing, "PUT": routing.update_routing,
        "DELETE": routing.delete_routing},
    "/v1.0/jobs": {"GET": job.list_jobs, "POST": job.create_job},
    "/v1.0/jobs/detail": {"GET": job.list_jobs},
    "/v1.0/jobs/schemas": {"GET": job.list_schemas},
    "/v1.0/jobs/{job_id}": {
        "GET": job.show_job, "PUT": job.redo_job, "DELETE": job.delete_job},
    "/v1.0/bindings": {"GET": binding.list_bindings, "POST": binding.create_binding},
    "/v1.0/bindings/{binding_id}": {
        "GET": binding.show_binding, "PUT": binding.update_binding,
        "DELETE": binding.delete_binding},
    "/v1.0/usages/{project_id}": {"GET": usage.show_usage},
}

# Paths answered without a token (version discovery and the API description).
PUBLIC_PATHS = frozenset({"/", "/openapi.json"})


def _method_not_allowed(allowed: str):
    def handler(req: webob.Request, **_path_args) -> webob.Response:
        return util.fault_response(
            405, f"The method {req.method} is not allowed for this resource.",
            headers={"Allow": allowed})
    return handler


def make_map(declarations: dict) -> routes.Mapper:
    """A Routes mapper from the declarative table, with 405 for wrong methods."""
    mapper = routes.Mapper()
    for path, methods in declarations.items():
        for method, function in methods.items():
            mapper.connect(path, action=function, conditions={"method": [method]})
        if "GET" in methods and "HEAD" not in methods:
            mapper.connect(path, action=methods["GET"], conditions={"method": ["HEAD"]})
        allowed = ", ".join(sorted(methods))
        mapper.connect(path, action=_method_not_allowed(allowed))
    return mapper


class AdminAPI:
    """WSGI app: match the route, build the context, call the handler, map errors."""

    def __init__(self, declarations: dict = ROUTES):
        self._map = make_map(declarations)

    def __call__(self, environ: dict, start_response):
        req = webob.Request(environ)
        response = self._dispatch(req)
        return response(environ, start_response)

    def _dispatch(self, req: webob.Request) -> webob.Response:
        path = req.path_info.rstrip("/") or "/"
        match = self._map.match(path, req.environ)
        if match is None:
            return util.fault_response(
                404, f"The resource {exceptions.excerpt(req.path_info)} could not be found.")
        handler = match.pop("action")
        match.pop("controller", None)
        req.environ["tricircle.context"] = RequestContext.from_environ(req.environ)
        try:
            return handler(req, **match)
        except exceptions.TricircleError as exc:
            if exc.status >= 500:
                LOG.warning("%s %s failed: %s", req.method, req.path, exc.message)
            return util.fault_response(exc.status, exc.message)
