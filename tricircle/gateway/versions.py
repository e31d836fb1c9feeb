"""Version documents (GET /compute/, /compute/v2.1, /volume/, /volume/v3): every
region's, with each version's range narrowed to what all of them support."""

import webob

from tricircle.gateway import proxy
from tricircle.gateway.call import GatewayError, unreachable
from tricircle.gateway.conf import CONF
from tricircle.gateway.regions import TABLE
from tricircle.gateway.rules import Service


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


def document(req: webob.Request, service: Service, gateway_root: str,
             path: str) -> webob.Response:
    """GET /compute/, /compute/v2.1 (and Cinder's): from every region, lowest max."""
    regions = TABLE.with_service(service.service_type)
    # Answered without a token, as Nova and Cinder do: none is sent on.
    headers = {k: v for k, v in proxy.forward_headers(req).items()
               if k.lower() != "x-auth-token"}
    request_id = proxy.global_request_id(req.environ)
    results = proxy.fan_out(regions, lambda r: proxy.send(
        r, service.service_type, "GET", path, "", None, headers,
        CONF.gateway.list_timeout, request_id))
    answered = [reply for _, reply in results
                if isinstance(reply, proxy.Reply) and reply.status in (200, 300)]
    documents = [reply.json() for reply in answered]
    usable = [(reply, doc) for reply, doc in zip(answered, documents, strict=True)
              if isinstance(doc, dict)]
    if not usable:
        down = [r.region_name for r, reply in results if not isinstance(reply, proxy.Reply)]
        if not regions:
            raise GatewayError(503, f"no region with {service.service_type} is configured")
        raise unreachable(down or [r.region_name for r in regions])
    merged = _lowest_common([doc for _, doc in usable])
    return proxy.to_response(usable[0][0], service.service_type, gateway_root, merged)
