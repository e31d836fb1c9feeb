"""What each kind of rule does. Every handler takes a ``Call`` and returns a response.

Only what must change is touched: the region is chosen, lists are merged,
links are rewritten and routings recorded; method, query, body and headers
reach the region as the caller sent them.
"""

import dataclasses
import json
import logging
import urllib.parse
import uuid
from collections.abc import Callable
from typing import Any

import webob

from tricircle.common import exceptions
from tricircle.common.context import RequestContext
from tricircle.gateway import proxy, scheduler, store
from tricircle.gateway.conf import CONF
from tricircle.gateway.regions import TABLE, Region
from tricircle.gateway.rules import Rule, Service

LOG = logging.getLogger(__name__)

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
                          proxy.forward_headers(self.req), timeout)

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


# -- finding the region of an id ----------------------------------------------

def _owner_of(data: Any, resource: str, caller: str) -> str:
    """The project a region says a resource belongs to, else the caller's (the JSON
    key of a shown resource is its type: {"server": {...}})."""
    item = data.get(resource) if isinstance(data, dict) else None
    if isinstance(item, dict):
        for key in ("tenant_id", "project_id", "os-vol-tenant-attr:tenant_id"):
            if isinstance(item.get(key), str):
                return item[key]
    return caller


def locate(call: Call, resource: str, top_id: str) -> tuple[Region, proxy.Reply | None]:
    """The region holding ``top_id``: its routing, else ask every region (adoption).

    Returns the region and, when it was asked, its answer to the show request.
    """
    routing = store.find(resource, top_id, call.scope)
    region = TABLE.get(routing["pod_id"]) if routing else None
    if region is not None:
        return region, None
    show_path = call.service.show_paths[resource].format(id=top_id)
    regions = TABLE.with_service(call.service.service_type)
    results = proxy.fan_out(regions, lambda r: call.send(r, "GET", show_path, "", b""))
    for region, reply in results:
        if isinstance(reply, proxy.Reply) and reply.status == 200:
            owner = _owner_of(reply.json(), resource, call.context.project_id)
            store.record(resource, top_id, region.pod_id, owner)
            LOG.info("adopted %s %s found in %s", resource, top_id, region.name)
            return region, reply
    down = [region.name for region, reply in results if not isinstance(reply, proxy.Reply)]
    if down:
        raise unreachable(down)
    raise GatewayError(404, f"{resource.replace('_', ' ').capitalize()} {top_id} "
                       "could not be found.")


# -- the handlers ---------------------------------------------------------------

def by_id(call: Call) -> webob.Response:
    """Forward to the region that holds the id in the path."""
    resource, top_id = call.rule.resource, call.args["id"]
    region, shown = locate(call, resource, top_id)
    is_show = call.req.method == "GET" and not call.args.get("rest")
    if shown is not None and is_show and not call.req.query_string:
        return call.respond(shown)  # the adoption already asked exactly this
    reply = call.send(region)
    if reply.status == 404 and not call.args.get("rest") and call.req.method in (
            "GET", "DELETE"):
        store.forget(resource, top_id, region.pod_id)  # gone from the region
    return call.respond(reply)


def _zone_of(entity: dict) -> tuple[str | None, str]:
    """'az1:host:node' → ('az1', ':host:node'); Nova lets admins name a host."""
    zone = entity.get("availability_zone")
    if not isinstance(zone, str) or not zone:
        return None, ""
    name, sep, rest = zone.partition(":")
    return name, sep + rest


def _parent_region(call: Call, entity: dict) -> Region | None:
    """The region of the resource a create copies from or works on, if any."""
    for field, resource in call.rule.parents:
        value = entity.get(field)
        if isinstance(value, str) and value:
            region, _ = locate(call, resource, value)
            return region
    return None


def _volumes_of_server(call: Call, entity: dict) -> Region | None:
    """The one region all volumes a new server boots from or attaches live in."""
    found: Region | None = None
    for mapping in entity.get("block_device_mapping_v2") or []:
        if not isinstance(mapping, dict) or mapping.get("source_type") != "volume":
            continue
        volume_id = mapping.get("uuid")
        routing = store.find("volume", volume_id, call.scope) if volume_id else None
        region = TABLE.get(routing["pod_id"]) if routing else None
        if region is None:
            continue
        if found is not None and region.pod_id != found.pod_id:
            raise GatewayError(409, f"Volume {volume_id} is in region {region.name}, "
                               f"another volume of this server in {found.name}.")
        found = region
    return found


# check(call, region, entity) before a create is sent: raises GatewayError to refuse
# it, returns True when it changed ``entity`` (the central quota, quota.py).
CreateCheck = Callable[[Call, Region, dict], bool]


def create(call: Call, check: CreateCheck | None = None) -> webob.Response:
    """Place a new resource in a region, forward, record its routing."""
    try:
        body = json.loads(call.req.body or b"null")
    except ValueError:
        raise GatewayError(400, "Malformed request body") from None
    key = call.rule.collection
    entity = body.get(key) if isinstance(body, dict) else None
    regions = TABLE.with_service(call.service.service_type)
    if not isinstance(entity, dict):
        # Nothing to place by: let the region answer with its own validation error.
        region = scheduler.default_region(regions)
        if region is None:
            raise GatewayError(503, "no region is configured")
        return call.respond(call.send(region))
    region = _place(call, entity, regions)
    changed = check(call, region, entity) if check is not None else False
    zone, host_part = _zone_of(entity)
    raw = call.req.body
    if changed:
        raw = json.dumps(body).encode("utf-8")
    if zone is not None:
        if region.pod_az_name:
            entity["availability_zone"] = region.pod_az_name + host_part
        else:
            entity.pop("availability_zone")
        raw = json.dumps(body).encode("utf-8")
    reply = call.send(region, body=raw)
    data = reply.json()
    if 200 <= reply.status < 300 and isinstance(data, dict):
        created = data.get(key)
        if isinstance(created, dict) and isinstance(created.get("id"), str):
            store.record(call.rule.resource, created["id"], region.pod_id,
                         call.context.project_id)
    return call.respond(reply)


def _place(call: Call, entity: dict, regions: list[Region]) -> Region:
    zone, _ = _zone_of(entity)
    if call.rule.resource == "server":
        parent = _volumes_of_server(call, entity)
    else:
        parent = _parent_region(call, entity)
    if parent is not None:
        if zone and parent.az_name != zone and parent.name != zone:
            raise GatewayError(409, f"The source of this {call.rule.resource} is in "
                               f"region {parent.name}, outside availability zone {zone}.")
        return parent
    try:
        return scheduler.pick(regions, call.context.project_id, zone)
    except exceptions.Invalid as exc:
        raise GatewayError(400, exc.message) from None


def zones(call: Call) -> webob.Response:
    """One availability zone per az_name of the pods table; down when all its pods are."""
    by_zone: dict[str, bool] = {}
    for region in TABLE.with_service(call.service.service_type):
        up = not proxy.BREAKER.is_open(
            proxy.breaker_key(region, call.service.service_type))
        by_zone[region.az_name] = by_zone.get(region.az_name, False) or up
    info = [{"zoneName": name, "zoneState": {"available": up}, "hosts": None}
            for name, up in sorted(by_zone.items())]
    if call.service.name == "volume":
        for item in info:
            item.pop("hosts")
    response = webob.Response(status=200, content_type="application/json", charset=None)
    response.body = json.dumps({"availabilityZoneInfo": info}).encode()
    return response


def forward_to_default(call: Call) -> proxy.Reply:
    """The default region's answer to this request."""
    region = scheduler.default_region(TABLE.with_service(call.service.service_type))
    if region is None:
        raise GatewayError(503, f"no region with {call.service.service_type} is "
                           f"configured (see [gateway]/default_region)")
    return call.send(region)


def default_region(call: Call) -> webob.Response:
    """Forward to [gateway]/default_region (flavors, limits, keypairs, types, ...)."""
    return call.respond(forward_to_default(call))


# -- what every region must hold alike ------------------------------------------

def everywhere(call: Call) -> webob.Response:
    """A write to what every region must hold alike (flavors, keypairs, volume types).

    The default region answers first: its status and body are the caller's, and
    an error there stops the write. The other regions then get the same request
    at once; a region that misses it is named in X-Tricircle-Partial and logged,
    and the same request repeated later brings it in line.
    """
    regions = TABLE.with_service(call.service.service_type)
    first_region = scheduler.default_region(regions)
    if first_region is None:
        raise GatewayError(503, f"no region with {call.service.service_type} is "
                           f"configured (see [gateway]/default_region)")
    body = _with_shared_id(call)
    first = call.send(first_region, body=body)
    others = [r for r in regions if r.pod_id != first_region.pod_id]
    if first.status >= 400 or not others:
        return call.respond(first)
    body = _same_key_pair(call, first, body)
    results = proxy.fan_out(others, lambda region: call.send(region, body=body))
    missed = [region.name for region, reply in results
              if not isinstance(reply, proxy.Reply) or reply.status >= 400]
    response = call.respond(first)
    if missed:
        LOG.warning("%s %s reached %s but not %s", call.req.method, call.path,
                    first_region.name, ", ".join(missed))
        response.headers[PARTIAL_HEADER] = ", ".join(missed)
    return response


def _json_body(call: Call) -> dict | None:
    try:
        data = json.loads(call.req.body or b"null")
    except ValueError:
        return None  # the default region answers a malformed body with its own error
    return data if isinstance(data, dict) else None


def _with_shared_id(call: Call) -> bytes:
    """A flavor created without an id gets one here, so every region uses the same."""
    data = _json_body(call)
    flavor = data.get("flavor") if data and call.req.method == "POST" else None
    if isinstance(flavor, dict) and flavor.get("id") in (None, "", "auto"):
        flavor["id"] = str(uuid.uuid4())
        return json.dumps(data).encode()
    return call.req.body


def _same_key_pair(call: Call, first: proxy.Reply, body: bytes) -> bytes:
    """A key pair the first region generated is imported, not generated again,
    elsewhere: one private key must open servers in every region."""
    data = _json_body(call)
    wanted = data.get("keypair") if data and call.req.method == "POST" else None
    if not isinstance(wanted, dict) or wanted.get("public_key"):
        return body
    try:
        made = first.json().get("keypair", {})
    except (ValueError, AttributeError):
        return body
    if not made.get("public_key"):
        return body
    imported = {key: value for key, value in wanted.items() if key != "type"}
    imported["public_key"] = made["public_key"]
    if made.get("type"):
        imported["type"] = made["type"]
    return json.dumps({"keypair": imported}).encode()


# -- version documents --------------------------------------------------------

def _as_tuple(version: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in version.split("."))
    except ValueError:
        return (0,)


def _lowest_common(documents: list[dict]) -> dict:
    """The first document, each version's max lowered (and min raised) to what
    every region supports."""
    first = documents[0]
    entries = first.get("versions") or [first.get("version")]
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        for other in documents[1:]:
            peers = other.get("versions") or [other.get("version")]
            peer = next((p for p in peers if isinstance(p, dict)
                         and p.get("id") == entry.get("id")), None)
            if peer is None:
                continue
            if peer.get("version") and entry.get("version"):
                entry["version"] = min(entry["version"], peer["version"], key=_as_tuple)
            if peer.get("min_version") and entry.get("min_version"):
                entry["min_version"] = max(entry["min_version"], peer["min_version"],
                                           key=_as_tuple)
    return first


def versions(req: webob.Request, service: Service, gateway_root: str,
             path: str) -> webob.Response:
    """GET /compute/, /compute/v2.1 (and Cinder's): from every region, lowest max."""
    regions = TABLE.with_service(service.service_type)
    headers = {k: v for k, v in proxy.forward_headers(req).items()
               if k.lower() != "x-auth-token"}
    results = proxy.fan_out(regions, lambda r: proxy.send(
        r, service.service_type, "GET", path, "", None, headers,
        CONF.gateway.list_timeout))
    answered = [reply for _, reply in results
                if isinstance(reply, proxy.Reply) and reply.status in (200, 300)]
    documents = [reply.json() for reply in answered]
    usable = [(reply, doc) for reply, doc in zip(answered, documents, strict=True)
              if isinstance(doc, dict)]
    if not usable:
        down = [r.name for r, reply in results if not isinstance(reply, proxy.Reply)]
        if not regions:
            raise GatewayError(503, f"no region with {service.service_type} is configured")
        raise unreachable(down or [r.name for r in regions])
    document = _lowest_common([doc for _, doc in usable])
    return proxy.to_response(usable[0][0], service.service_type, gateway_root, document)


def next_link(call: Call, marker: str, limit: int | None) -> dict:
    params = [(k, v) for k, v in call.req.GET.items() if k not in ("marker", "limit")]
    if limit is not None:
        params.append(("limit", str(limit)))
    params.append(("marker", marker))
    href = f"{call.gateway_root}{call.region_path()}?{urllib.parse.urlencode(params)}"
    return {"rel": "next", "href": href}
