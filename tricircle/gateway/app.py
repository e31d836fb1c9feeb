"""The gateway WSGI app, and the dispatcher that mounts it next to the admin API."""

import logging

import webob

from tricircle.common import exceptions
from tricircle.common.context import RequestContext
from tricircle.gateway import compute, handlers, volume
from tricircle.gateway.conf import CONF
from tricircle.gateway.rules import Service

LOG = logging.getLogger(__name__)

SERVICES: dict[str, Service] = {"compute": compute.SERVICE, "volume": volume.SERVICE}

# Version documents, answered without a token as Nova and Cinder do.
PUBLIC_PATHS = frozenset({"/compute", "/compute/v2.1", "/volume", "/volume/v3"})


def _gateway_root(req: webob.Request, service: Service) -> str:
    base = CONF.gateway.public_url or f"{req.host_url}{req.script_name}"
    return f"{base.rstrip('/')}/{service.name}"


class GatewayApp:
    """Parse /{service}/{version}[/{project_id}]/..., check the project, run the rule."""

    def __call__(self, environ: dict, start_response):
        req = webob.Request(environ)
        service = SERVICES[req.path_info.split("/")[1]]
        try:
            response = self._dispatch(req, service)
        except handlers.GatewayError as exc:
            response = handlers.fault(service, exc.status, exc.message, exc.details,
                                      exc.headers)
        except exceptions.RegionUnreachable as exc:
            response = handlers.fault(service, 503, exc.message)
        return response(environ, start_response)

    def _dispatch(self, req: webob.Request, service: Service) -> webob.Response:
        root = _gateway_root(req, service)
        segments = [s for s in req.path_info.split("/")[2:] if s]
        if not segments:
            return handlers.versions(req, service, root, "/")
        if segments[0] != service.version:
            raise handlers.GatewayError(404, f"The resource could not be found: "
                                        f"{service.name} serves {service.version} only.")
        if len(segments) == 1:
            return handlers.versions(req, service, root, f"/{service.version}")
        context = RequestContext.from_environ(req.environ)
        project = None
        tail = segments[1:]
        if service.is_project(tail[0], context.project_id, len(tail) > 1):
            project, tail = tail[0], tail[1:]
            if project != context.project_id and not context.is_admin_role:
                raise handlers.GatewayError(
                    403, f"Project {project} in the URL is not the project of the token.")
        path = "/" + "/".join(tail)
        rule, args = service.find(req.method, path)
        call = handlers.Call(req, service, rule, args, project, path, context, root)
        return rule.handler(call)


class Mount:
    """/compute and /volume go to the gateway, everything else to the admin API."""

    def __init__(self, admin_app, gateway_app=None):
        self.admin_app = admin_app
        self.gateway_app = gateway_app or GatewayApp()

    def __call__(self, environ: dict, start_response):
        first = environ.get("PATH_INFO", "").split("/")[1:2]
        if first and first[0] in SERVICES:
            return self.gateway_app(environ, start_response)
        return self.admin_app(environ, start_response)
