"""The gateway WSGI app: /compute and /volume requests, each run by its rule.

tricircle.api.app mounts it next to the admin API under the prefixes of
``SERVICES``.
"""

import webob

from tricircle.common import exceptions
from tricircle.common.context import RequestContext
from tricircle.gateway import compute, versions, volume
from tricircle.gateway.call import Call, GatewayError, fault
from tricircle.gateway.conf import CONF
from tricircle.gateway.rules import Service

# URL prefix → service.
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
        except GatewayError as exc:
            response = fault(service, exc.status, exc.message, exc.details, exc.headers)
        except exceptions.RegionUnreachable as exc:
            response = fault(service, 503, exc.message)
        return response(environ, start_response)

    def _dispatch(self, req: webob.Request, service: Service) -> webob.Response:
        root = _gateway_root(req, service)
        segments = [s for s in req.path_info.split("/")[2:] if s]
        if not segments:
            return versions.document(req, service, root, "/")
        if segments[0] != service.version:
            raise GatewayError(404, f"The resource could not be found: "
                               f"{service.name} serves {service.version} only.")
        if len(segments) == 1:
            return versions.document(req, service, root, f"/{service.version}")
        context = RequestContext.from_environ(req.environ)
        project = None
        tail = segments[1:]
        if service.is_project(tail[0], context.project_id, len(tail) > 1):
            project, tail = tail[0], tail[1:]
            if project != context.project_id and not context.is_admin_role:
                raise GatewayError(
                    403, f"Project {project} in the URL is not the project of the token.")
        path = "/" + "/".join(tail)
        rule, args = service.find(req.method, path)
        call = Call(req, service, rule, args, project, path, context, root)
        return rule.handler(call)
