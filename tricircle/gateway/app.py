"""The gateway WSGI app: /compute and /volume requests, each run by its rule.

tricircle.api.app mounts it next to the admin API under the prefixes of
``SERVICES``.

A path is split and checked once (rules.segments): what the rule matches is
what the region gets, each segment percent-encoded again (Call.region_path).
A microversion is checked once too: ``latest`` is pinned to the highest one
every region serves, one above it refused (microversions.py).
"""

import urllib.parse

import webob

from tricircle.common import exceptions
from tricircle.common.context import RequestContext
from tricircle.gateway import after_answer, compute, microversions, rules, versions, volume
from tricircle.gateway.call import Call, GatewayError, fault, shown
from tricircle.gateway.conf import CONF
from tricircle.gateway.rules import Service

# URL prefix → service.
SERVICES: dict[str, Service] = {"compute": compute.SERVICE, "volume": volume.SERVICE}

# Version documents, answered without a token as Nova and Cinder do.
PUBLIC_PATHS = frozenset({"/compute", "/compute/v2.1", "/volume", "/volume/v3"})


def _gateway_root(req: webob.Request, service: Service) -> str:
    base = CONF.gateway.public_url or f"{req.host_url}{req.script_name}"
    return f"{base.rstrip('/')}/{service.name}"


def _check_query(query_string: str) -> None:
    """A query whose escapes are not UTF-8 cannot be read (webob's GET would fail)."""
    try:
        urllib.parse.parse_qsl(query_string, keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise GatewayError(400, "Invalid query string: it is not valid UTF-8.") from None


def _check_caller(context: RequestContext) -> None:
    """Refuse a token without a project (system or domain scope) unless it is an
    admin's: the gateway limits what a caller sees to its project, and such a
    token has none. An admin sees every project, with or without one."""
    if not context.project_id and not context.is_admin_role:
        raise GatewayError(403, "The gateway serves project-scoped tokens: ask for a "
                           "token scoped to a project.")


def _check_project_args(call_args: dict, context: RequestContext) -> None:
    """A project named by a rule's {project} (os-quota-sets/{project}) must be the
    caller's own unless the caller is an admin, as Nova's and Cinder's policies say."""
    named = call_args.get("project")
    if named and named != context.project_id and not context.is_admin_role:
        raise GatewayError(403, f"Project {shown(named)} is not the project of the token.")


class GatewayApp:
    """Parse /{service}/{version}[/{project_id}]/..., check the project, run the rule."""

    def __call__(self, environ: dict, start_response):
        service = SERVICES[environ.get("PATH_INFO", "").split("/")[1]]
        try:
            response = self._dispatch(environ, service)
        except GatewayError as exc:
            response = fault(service, exc.status, exc.message, exc.details, exc.headers)
        except exceptions.RegionUnreachable as exc:
            response = fault(service, 503, exc.message)
        except BaseException:
            after_answer.run_now(environ)  # what a create made is still recorded
            raise
        return after_answer.wrapped(environ, response(environ, start_response))

    def _dispatch(self, environ: dict, service: Service) -> webob.Response:
        try:
            segments = rules.segments(environ.get("PATH_INFO", ""))[1:]
        except rules.BadPath as exc:
            raise GatewayError(400, str(exc)) from None
        _check_query(environ.get("QUERY_STRING", ""))
        req = webob.Request(environ)
        root = _gateway_root(req, service)
        if not segments:
            return versions.document(req, service, root, "/")
        if len(segments) == 1 and segments[0] in service.documented_versions:
            return versions.version_show(req, service, root, segments[0])
        if segments[0] != service.version:
            raise GatewayError(404, f"The resource could not be found: "
                               f"{service.name} serves {service.version} only.")
        context = RequestContext.from_environ(req.environ)
        _check_caller(context)
        project = None
        tail = segments[1:]
        if service.is_project(tail[0], context.project_id, len(tail) > 1):
            project, tail = tail[0], tail[1:]
            if project != context.project_id and not context.is_admin_role:
                raise GatewayError(403, f"Project {shown(project)} in the URL is not the "
                                   "project of the token.")
        path = "/" + "/".join(tail)
        microversions.pin(req, service)
        rule, args = service.find(req.method, path)
        _check_project_args(args, context)
        # The body is read here, once: a fan-out sends it from several threads at
        # once, and webob reading the input from two of them breaks the request.
        call = Call(req, service, rule, args, project, path, context, root, req.body)
        return rule.handler(call)
