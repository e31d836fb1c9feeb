"""One request to the gateway (``Call``), and the faults it answers with.

Only what must change is touched: the region is chosen, lists are merged,
links are rewritten and routings recorded; method, query, body and headers
reach the region as the caller sent them.
"""

import dataclasses
import json
from typing import Any

import webob

from tricircle.common.context import RequestContext
from tricircle.gateway import proxy
from tricircle.gateway.rules import Rule, Service
from tricircle.objects.pod import Region

# Names the regions a list or a write to every region did not reach.
PARTIAL_HEADER = "X-Tricircle-Partial"

# Nova's and Cinder's fault keys by status (both services use the same names).
_FAULT_KEYS = {400: "badRequest", 401: "unauthorized", 403: "forbidden",
               404: "itemNotFound", 405: "badMethod", 409: "conflictingRequest",
               413: "overLimit", 415: "badMediaType", 501: "notImplemented"}


class GatewayError(Exception):
    """Answer with a fault in the service's own format; ``details`` join the code and
    message in the fault body (Cinder's retryAfter), ``headers`` go with it."""

    def __init__(self, status: int, message: str, details: dict | None = None,
                 headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details or {}
        self.headers = headers or {}


@dataclasses.dataclass
class Call:
    """One request to the gateway, parsed."""

    req: webob.Request
    service: Service
    rule: Rule
    args: dict
    project: str | None  # the project id in the URL, if any
    path: str  # below the version and project: /servers/{id}/action
    context: RequestContext
    gateway_root: str  # e.g. http://gateway:19999/compute

    @property
    def scope(self) -> str | None:
        """The project routing lookups are limited to; None for an admin."""
        return None if self.context.is_admin_role else self.context.project_id

    @property
    def request_id(self) -> str | None:
        """The id regions log this call under (see proxy.global_request_id)."""
        return proxy.global_request_id(self.req.environ)

    def region_path(self, path: str | None = None) -> str:
        project = f"/{self.project}" if self.project else ""
        return f"/{self.service.version}{project}{self.path if path is None else path}"

    def send(self, region: Region, method: str | None = None, path: str | None = None,
             query: str | None = None, body: bytes | None = None,
             timeout: float | None = None) -> proxy.Reply:
        """Forward (a variant of) this request to ``region``."""
        return proxy.send(region, self.service.service_type, method or self.req.method,
                          self.region_path(path),
                          self.req.query_string if query is None else query,
                          self.req.body if body is None else body,
                          proxy.forward_headers(self.req), timeout, self.request_id)

    def respond(self, reply: proxy.Reply, data: Any = None) -> webob.Response:
        return proxy.to_response(reply, self.service.service_type, self.gateway_root, data)


def fault(service: Service, status: int, message: str, details: dict | None = None,
          headers: dict | None = None) -> webob.Response:
    key = service.unavailable_key if status == 503 else _FAULT_KEYS.get(status,
                                                                        "computeFault")
    response = webob.Response(status=status, content_type="application/json", charset=None)
    body = {key: {"code": status, "message": message, **(details or {})}}
    response.body = json.dumps(body).encode()
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def unreachable(names: list[str]) -> GatewayError:
    return GatewayError(503, f"region {', '.join(names)} is unreachable")


def microversion(req: webob.Request, service: Service) -> tuple[int, int] | None:
    """The requested microversion, (999, 0) for 'latest', None when none was asked."""
    value = None
    for item in req.headers.get("OpenStack-API-Version", "").split(","):
        name, _, version = item.strip().partition(" ")
        if name.lower() == service.microversion_name:
            value = version.strip()
    if value is None and service.legacy_microversion_header:
        value = req.headers.get(service.legacy_microversion_header)
    if not value:
        return None
    if value.lower() == "latest":
        return (999, 0)
    major, _, minor = value.partition(".")
    try:
        return int(major), int(minor or 0)
    except ValueError:
        return None
