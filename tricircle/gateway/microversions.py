"""The microversions a call may use: at most the highest one every region serves.

The version documents advertise the lowest max over the regions
(versions.py); a client that asks for ``latest`` would otherwise get each
region's own max, so one list could mix two versions' bodies. ``latest`` is
pinned to the common max before the call is forwarded, and a version above
it is refused with Nova's and Cinder's 406, so no region is asked for what
another could not answer.
"""

import json

import webob

from tricircle.gateway import proxy, versions
from tricircle.gateway.call import GatewayError, microversion
from tricircle.gateway.regions import TABLE
from tricircle.gateway.rules import Service

# The version a call without a microversion header gets (each service's minimum).
BASE = {"compute": "2.1", "volume": "3.0"}


def _as_tuple(version: str) -> tuple[int, int]:
    major, _, minor = version.partition(".")
    try:
        return int(major), int(minor or 0)
    except ValueError:
        return (0, 0)


def common_max(service: Service, req: webob.Request) -> str | None:
    """The highest microversion every region with ``service`` serves, None when no
    region's version document can be read (the call then goes out as asked)."""
    regions = TABLE.with_service(service.service_type)
    replies = versions.CACHE.replies(service.service_type, "/", regions,
                                     proxy.global_request_id(req.environ))
    found = []
    for region in regions:
        reply = replies.get(region.pod_id)
        data = reply.json() if reply is not None else None
        entries = data.get("versions") if isinstance(data, dict) else None
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and entry.get("id") == service.version and isinstance(
                    entry.get("version"), str) and entry["version"]:
                found.append(entry["version"])
    return min(found, key=_as_tuple) if found else None


def _set(req: webob.Request, service: Service, version: str) -> None:
    """Ask the regions for ``version`` in every header the caller used."""
    if "OpenStack-API-Version" in req.headers:
        req.headers["OpenStack-API-Version"] = f"{service.microversion_name} {version}"
    legacy = service.legacy_microversion_header
    if legacy and legacy in req.headers:
        req.headers[legacy] = version


def pin(req: webob.Request, service: Service) -> None:
    """Pin ``latest`` to the common max; refuse a version above it (406)."""
    asked = microversion(req, service)
    if asked is None:
        return
    highest = common_max(service, req)
    if highest is None:
        return
    if asked == (999, 0):
        _set(req, service, highest)
    elif asked > _as_tuple(highest):
        raise GatewayError(406, f"Version {asked[0]}.{asked[1]} is not supported by the "
                           f"API. Minimum is {BASE[service.name]} and maximum is "
                           f"{highest}.")


def answered(req: webob.Request, service: Service) -> str:
    """The version a response of the gateway's own is given in: the one asked
    (pinned), else the service's base version."""
    asked = microversion(req, service)
    if asked is None:
        return BASE[service.name]
    if asked == (999, 0):
        return common_max(service, req) or BASE[service.name]
    return f"{asked[0]}.{asked[1]}"


def headers(req: webob.Request, service: Service) -> dict[str, str]:
    """The version headers Nova (or Cinder) puts on every answer."""
    version = answered(req, service)
    found = {"OpenStack-API-Version": f"{service.microversion_name} {version}",
             "Vary": "OpenStack-API-Version"}
    if service.legacy_microversion_header:
        found[service.legacy_microversion_header] = version
        found["Vary"] += f", {service.legacy_microversion_header}"
    return found


def answer(req: webob.Request, service: Service, body: dict,
           status: int = 200) -> webob.Response:
    """A JSON answer the gateway makes itself, with the version headers Nova (or
    Cinder) would give it (clients such as tempest check them)."""
    response = webob.Response(status=status, content_type="application/json", charset=None)
    response.body = json.dumps(body).encode()
    for name, value in headers(req, service).items():
        response.headers[name] = value
    return response
