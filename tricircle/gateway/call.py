"""One request to the gateway (``Call``), and the faults it answers with.

Only what must change is touched: the region is chosen, lists are merged,
links are rewritten and routings recorded; method, query, body and headers
reach the region as the caller sent them.
"""

import dataclasses
import json
import math
import re
from typing import Any

import webob

from tricircle.common.context import RequestContext
from tricircle.gateway import az_names, proxy, rules
from tricircle.gateway.regions import TABLE
from tricircle.gateway.rules import Rule, Service
from tricircle.objects.pod import Region

# Names the regions a list or a write to every region did not reach.
PARTIAL_HEADER = "X-Tricircle-Partial"

# Nova's and Cinder's fault keys by status (both services use the same names).
_FAULT_KEYS = {400: "badRequest", 401: "unauthorized", 403: "forbidden",
               404: "itemNotFound", 405: "badMethod", 409: "conflictingRequest",
               413: "overLimit", 415: "badMediaType", 501: "notImplemented"}

# How much of a value the caller sent a message repeats: enough to recognise it.
SHOWN_CHARS = 64
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Bodies the gateway parses: no Nova or Cinder request nests deeper than a few
# levels; the limit keeps json and the link rewriting far from Python's stack limit.
MAX_BODY_DEPTH = 64
# Integers a region can store (64-bit); a longer one cannot mean anything to it.
_INT64 = 2 ** 63


def shown(value: Any) -> str:
    """``value`` as a message may repeat it: at most SHOWN_CHARS characters, control
    characters as '?', so neither a reply nor a log line can be forged with it."""
    text = value if isinstance(value, str) else repr(value)
    cut = text[:SHOWN_CHARS] + ("..." if len(text) > SHOWN_CHARS else "")
    return _CONTROL.sub("?", cut.encode("utf-8", "replace").decode("utf-8"))


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
    body: bytes | None = None  # the request's, read once (None: read from req)

    def regions(self) -> list[Region]:
        """The regions serving this call's service; a 503 when there is none."""
        found = TABLE.with_service(self.service.service_type)
        if not found:
            raise GatewayError(503, "no region is configured")
        return found

    @property
    def scope(self) -> str | None:
        """The project routing lookups are limited to; None (any) for an admin.

        GatewayApp refuses a token without a project unless it has the admin
        role; should one get here all the same, its scope is the empty project,
        which owns nothing.
        """
        if self.context.is_admin_role:
            return None
        return self.context.project_id or ""

    @property
    def request_id(self) -> str | None:
        """The id regions log this call under (see proxy.global_request_id)."""
        return proxy.global_request_id(self.req.environ)

    def region_path(self, path: str | None = None) -> str:
        """``path`` (default: this call's) below the version and project, each
        segment percent-encoded so that the region decodes what the rule matched."""
        below = (self.path if path is None else path).split("/")
        project = [self.project] if self.project else []
        found = rules.region_path([self.service.version, *project, *(p for p in below if p)])
        # The caller's trailing slash goes too: Nova reads "os-volumes/" as the
        # volume "" (a 404), Cinder "volumes/" as the list; the region decides.
        if path is None and self.req.path_info.endswith("/"):
            found += "/"
        return found

    def send(self, region: Region, method: str | None = None, path: str | None = None,
             query: str | None = None, body: bytes | None = None,
             timeout: float | None = None) -> proxy.Reply:
        """Forward (a variant of) this request to ``region``."""
        return proxy.send(region, self.service.service_type, method or self.req.method,
                          self.region_path(path),
                          self.req.query_string if query is None else query,
                          self._body() if body is None else body,
                          proxy.forward_headers(self.req), timeout, self.request_id)

    def _body(self) -> bytes:
        return self.req.body if self.body is None else self.body

    def respond(self, reply: proxy.Reply, data: Any = None,
                links_rewritten: bool = False) -> webob.Response:
        """``reply`` as the caller's answer; ``data`` (a body the gateway built, such
        as a merged list) replaces its body and has its zone names shown already,
        and its links too when ``links_rewritten``."""
        if data is None:
            data = reply.json()
            az_names.show_az_names(data, reply.region, self.service.name)
        return proxy.to_response(reply, self.service.service_type, self.gateway_root, data,
                                 links_rewritten)


def fault(service: Service, status: int, message: str, details: dict | None = None,
          headers: dict | None = None) -> webob.Response:
    key = service.unavailable_key if status == 503 else _FAULT_KEYS.get(status,
                                                                        "computeFault")
    response = webob.Response(status=status, content_type="application/json", charset=None)
    # Messages repeat values through shown(); this is the net under a message
    # that does not (a library's): no control character leaves in a fault.
    message = _CONTROL.sub("?", message)
    body = {key: {"code": status, "message": message, **(details or {})}}
    response.body = json.dumps(body).encode()
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {shown(text)} is out of range")
    return value


def _int64(text: str) -> int:
    value = int(text)  # more than 4300 digits: Python's own ValueError
    if not -_INT64 <= value < _INT64:
        raise ValueError(f"integer {shown(text)} is out of range")
    return value


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def _check_tree(data: Any) -> None:
    """Refuse nesting deeper than MAX_BODY_DEPTH and strings that are no text
    (lone surrogates from a \\ud800 escape); iterative, so depth cannot hurt it."""
    pending = [(data, 1)]
    while pending:
        item, depth = pending.pop()
        if depth > MAX_BODY_DEPTH:
            raise ValueError(f"the body nests deeper than {MAX_BODY_DEPTH} levels")
        if isinstance(item, dict):
            pending += [(key, depth) for key in item]
            pending += [(value, depth + 1) for value in item.values()]
        elif isinstance(item, list):
            pending += [(value, depth + 1) for value in item]
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError("a string holds a lone surrogate") from None


def parse_json(raw: bytes | None) -> Any:
    """A request body the gateway reads (None when empty); 400 ``badRequest`` for
    one that is not UTF-8 JSON a region could take: malformed, too deep, NaN or
    Infinity, numbers out of range, lone surrogates."""
    if not raw:
        return None
    try:
        data = json.loads(raw.decode("utf-8"), parse_float=_finite, parse_int=_int64,
                          parse_constant=_no_constant)
        _check_tree(data)
    except UnicodeDecodeError:
        raise GatewayError(400, "Malformed request body: it is not UTF-8.") from None
    except RecursionError:
        raise GatewayError(400, f"Malformed request body: it nests deeper than "
                           f"{MAX_BODY_DEPTH} levels.") from None
    except ValueError as exc:
        raise GatewayError(400, f"Malformed request body: {shown(str(exc))}") from None
    return data


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
