"""Version documents (GET /compute/, /compute/v2.1, /volume/, /volume/v3): every
region's, with each version's range narrowed to what all of them support.

They are answered without a token, so anyone can ask for them as often as
they like: the regions' documents are kept for ``[gateway]/version_cache_seconds``
and fetched by one caller at a time, at most once per period. A region that
did not answer the last time keeps its previous document in the merge, so the
advertised range stays one every region can serve.
"""

import dataclasses
import threading
import time

import webob

from tricircle.gateway import proxy
from tricircle.gateway.call import GatewayError, unreachable
from tricircle.gateway.conf import CONF
from tricircle.gateway.regions import TABLE
from tricircle.gateway.rules import Service
from tricircle.objects.pod import Region


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


@dataclasses.dataclass
class _Documents:
    """The last usable answer of each region (pod id → reply) to one version path."""

    replies: dict[str, proxy.Reply] = dataclasses.field(default_factory=dict)
    asked: frozenset[str] = frozenset()  # the pods of the last fetch
    fetched_at: float = float("-inf")
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)

    def is_current(self, pod_ids: frozenset[str]) -> bool:
        age = time.monotonic() - self.fetched_at
        return age < CONF.gateway.version_cache_seconds and pod_ids <= self.asked


class VersionCache:
    """Documents per (service type, path); one fetch at a time per path."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._paths: dict[tuple[str, str], _Documents] = {}

    def clear(self) -> None:
        with self._lock:
            self._paths.clear()

    def replies(self, service_type: str, path: str, regions: list[Region],
                request_id: str | None) -> dict[str, proxy.Reply]:
        """The usable documents of ``regions``, fetched again when the period is over.

        While one caller fetches, the others take the previous documents, or,
        when there are none yet, wait for that one fetch instead of starting
        their own.
        """
        with self._lock:
            documents = self._paths.setdefault((service_type, path), _Documents())
        pod_ids = frozenset(r.pod_id for r in regions)
        if documents.is_current(pod_ids):
            return documents.replies
        if not documents.lock.acquire(blocking=not documents.replies):
            return documents.replies  # another caller is fetching
        try:
            if not documents.is_current(pod_ids):
                self._fetch(documents, service_type, path, regions, request_id)
            return documents.replies
        finally:
            documents.lock.release()

    @staticmethod
    def _fetch(documents: _Documents, service_type: str, path: str, regions: list[Region],
               request_id: str | None) -> None:
        # Nothing of the caller's is sent: the answer is shared by every caller.
        results = proxy.fan_out(regions, lambda r: proxy.send(
            r, service_type, "GET", path, "", None, {}, CONF.gateway.list_timeout,
            request_id))
        replies = {pod_id: reply for pod_id, reply in documents.replies.items()
                   if pod_id in {r.pod_id for r in regions}}
        for region, reply in results:
            if (isinstance(reply, proxy.Reply) and reply.status in (200, 300)
                    and isinstance(reply.json(), dict)):
                replies[region.pod_id] = reply
        documents.replies = replies
        documents.asked = frozenset(r.pod_id for r in regions)
        # A fetch no region answered is not kept: the next caller tries again
        # (the breaker makes that fast while the regions stay down).
        documents.fetched_at = time.monotonic() if replies else float("-inf")


CACHE = VersionCache()


def version_show(req: webob.Request, service: Service, gateway_root: str,
                 version: str) -> webob.Response:
    """GET /compute/v2.1, /compute/v2 (Nova's legacy v2.0), /volume/v3: the one
    version's document. Cinder serves its /v3/ only to a caller with a token (and
    answers it with the list of versions, 200): the gateway, which asks without
    one, answers it from the root document as Cinder would."""
    if service.version_show_from_root:
        response = document(req, service, gateway_root, "/")
        if response.status_int == 300:
            response.status = 200
        return response
    return document(req, service, gateway_root, f"/{version}")


def document(req: webob.Request, service: Service, gateway_root: str,
             path: str) -> webob.Response:
    """GET /compute/, /compute/v2.1 (and Cinder's): from every region, lowest max."""
    regions = TABLE.with_service(service.service_type)
    if not regions:
        raise GatewayError(503, f"no region with {service.service_type} is configured")
    replies = CACHE.replies(service.service_type, path, regions,
                            proxy.global_request_id(req.environ))
    usable = [replies[r.pod_id] for r in regions if r.pod_id in replies]
    if not usable:
        raise unreachable([r.region_name for r in regions])
    # Parsed again for each caller: the merge and the link rewrite change them.
    merged = _lowest_common([reply.json() for reply in usable])
    return proxy.to_response(usable[0], service.service_type, gateway_root, merged)
