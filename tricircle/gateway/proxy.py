"""Forward a request to one region and bring its answer back with gateway links.

Every call goes through one keystoneauth1 session per process, without an auth
plugin: the caller's own token is forwarded. The session keeps connections
to every region alive, verifies TLS with the [client] options every other
call of Tricircle's uses (cafile, insecure, certfile, keyfile), sends the
global request id on and logs each call at debug level with its tokens masked
(bodies are the caller's and are never logged). A per-pod circuit breaker
makes calls to a region that keeps failing fail at once instead of each
waiting for its time-out.
"""

import concurrent.futures
import dataclasses
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

import requests
import webob
from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import session as ks_session
from requests import adapters

from tricircle.common import exceptions
from tricircle.gateway.conf import CONF
from tricircle.objects.pod import Region

LOG = logging.getLogger(__name__)

# What requests raised before (connection refused or reset, TLS failure, a
# connect or read time-out), as keystoneauth raises it: the region is
# unreachable. keystoneauth's UnknownConnectionError (anything else requests
# raises) is left to the WSGI error layer, as before.
_UNREACHABLE = (ks_exc.ConnectFailure, ks_exc.ConnectTimeout, ks_exc.SSLError)

# Never forwarded either way: hop-by-hop headers, what requests recomputes,
# and the identity headers our own auth layer added (the region validates the
# user's token itself).
_HOP_BY_HOP = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
    "trailer", "transfer-encoding", "upgrade", "host", "content-length",
    "content-encoding", "accept-encoding"})
# The region's request id would hide ours (RequestId adds it only when absent);
# the caller's is replaced by the global request id (global_request_id), which
# the region logs, so the two stay linked.
_REPLACED_IN_REPLY = frozenset({"x-openstack-request-id"})
_IDENTITY_PREFIXES = ("x-user", "x-project", "x-tenant", "x-role", "x-identity-status",
                      "x-service-", "x-domain", "x-system-scope", "x-is-admin-project",
                      "x-auth-project-id")


@dataclasses.dataclass
class Reply:
    """A region's answer: status, headers (hop-by-hop removed) and the raw body."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    region: Region

    def json(self) -> Any:
        """The body as JSON, None when it is empty or not JSON."""
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return None


def breaker_key(region: Region, service_type: str) -> tuple[str, str]:
    # One breaker per service of a pod: a stopped nova-api says nothing about Cinder.
    return (region.pod_id, service_type)


class Breaker:
    """Circuit breaker per (pod, service type): open after N consecutive failures,
    one trial after the cool-down; any answer from the service closes it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: dict[tuple[str, str], int] = {}
        self._open_until: dict[tuple[str, str], float] = {}

    def is_open(self, key: tuple[str, str]) -> bool:
        with self._lock:
            until = self._open_until.get(key)
            return until is not None and time.monotonic() < until

    def pod_is_down(self, pod_id: str) -> bool:
        """Whether any service of the pod is failing fast right now."""
        with self._lock:
            keys = [key for key in self._open_until if key[0] == pod_id]
        return any(self.is_open(key) for key in keys)

    def succeeded(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._failures.pop(key, None)
            self._open_until.pop(key, None)

    def failed(self, key: tuple[str, str]) -> None:
        with self._lock:
            count = self._failures.get(key, 0) + 1
            self._failures[key] = count
            if count >= CONF.gateway.failure_threshold:
                self._open_until[key] = time.monotonic() + CONF.gateway.retry_after

    def reset(self) -> None:
        with self._lock:
            self._failures.clear()
            self._open_until.clear()


BREAKER = Breaker()
_session: "_Session | None" = None
_pool: concurrent.futures.ThreadPoolExecutor | None = None
_setup_lock = threading.Lock()


class _Session(ks_session.Session):
    """keystoneauth's session, logging calls without their bodies.

    keystoneauth hashes X-Auth-Token and the other token headers when it logs
    a call; request and response bodies it would log as they are, and what
    the gateway forwards carries the caller's secrets (user data, admin
    passwords, private keys). Only the body is left out of each log line.
    """

    def _http_log_request(self, url, **kwargs):
        kwargs.update(data=None, json=None)
        super()._http_log_request(url, **kwargs)

    def _http_log_response(self, response=None, **kwargs):
        if response is not None:  # status and headers only: no response, no body
            kwargs.setdefault("status_code", response.status_code)
            kwargs.setdefault("headers", response.headers)
        kwargs.update(json=None, text=None)
        super()._http_log_response(None, **kwargs)


def _tls() -> dict:
    """verify and cert as keystoneauth takes them, from [client] (the same CA and
    client certificate as every other call Tricircle makes to a region)."""
    client = CONF.client
    cert = client.certfile
    if client.certfile and client.keyfile:
        cert = (client.certfile, client.keyfile)
    return {"verify": False if client.insecure else (client.cafile or True), "cert": cert}


def session() -> _Session:
    """The process-wide keep-alive session (no retries: a failure must show fast)."""
    global _session
    with _setup_lock:
        if _session is None:
            pooled = requests.Session()
            adapter = adapters.HTTPAdapter(pool_connections=CONF.gateway.pool_connections,
                                           pool_maxsize=CONF.gateway.fanout_workers,
                                           max_retries=0)
            pooled.mount("http://", adapter)
            pooled.mount("https://", adapter)
            pooled.trust_env = False
            _session = _Session(auth=None, session=pooled, redirect=False,
                                app_name="tricircle-gateway", **_tls())
        return _session


def close() -> None:
    """Drop the pooled connections (tests whose fake regions go away, reloads)."""
    global _session
    with _setup_lock:
        if _session is not None:
            _session.session.close()  # keystoneauth leaves a session it was given open
            _session = None


def _executor() -> concurrent.futures.ThreadPoolExecutor:
    global _pool
    with _setup_lock:
        if _pool is None:
            _pool = concurrent.futures.ThreadPoolExecutor(
                CONF.gateway.fanout_workers, thread_name_prefix="tricircle-gateway")
        return _pool


def forward_headers(req: webob.Request) -> dict[str, str]:
    """The caller's end-to-end headers (token, microversions, content type, ...)."""
    headers = {}
    for name, value in req.headers.items():
        lower = name.lower()
        if (lower in _HOP_BY_HOP or lower in _REPLACED_IN_REPLY
                or lower.startswith(_IDENTITY_PREFIXES)):
            continue
        headers[name] = value
    return headers


def global_request_id(environ: dict) -> str | None:
    """The id the regions log a call under: the caller's global request id
    (a valid X-OpenStack-Request-ID it sent), else this request's own id."""
    return (environ.get("openstack.global_request_id")
            or environ.get("openstack.request_id"))


def send(region: Region, service_type: str, method: str, path: str,
         query: str = "", body: bytes | None = None, headers: dict | None = None,
         timeout: float | None = None, request_id: str | None = None) -> Reply:
    """One HTTP call to ``region``; ``path`` starts at the version (``/v2.1/...``);
    ``request_id`` goes with it as X-OpenStack-Request-ID.

    Raises RegionUnreachable when the breaker is open, the connection fails or
    the region does not answer in time.
    """
    key = breaker_key(region, service_type)
    if BREAKER.is_open(key):
        raise exceptions.RegionUnreachable(region.region_name)
    url = region.root(service_type) + path + (f"?{query}" if query else "")
    read_timeout = timeout or CONF.gateway.read_timeout
    try:
        response = session().request(
            url, method, data=body, headers=headers or {}, raise_exc=False,
            timeout=(CONF.gateway.connect_timeout, read_timeout),
            global_request_id=request_id)
    except _UNREACHABLE as exc:
        BREAKER.failed(key)
        # Only the exception class: the message carries the URL and its query.
        LOG.warning("%s %s in %s failed: %s", method, path.split("?")[0],
                    region.region_name, type(exc).__name__)
        raise exceptions.RegionUnreachable(region.region_name) from None
    BREAKER.succeeded(key)
    headers_back = [(k, v) for k, v in response.headers.items()
                    if k.lower() not in _HOP_BY_HOP and k.lower() not in _REPLACED_IN_REPLY]
    return Reply(response.status_code, headers_back, response.content, region)


def fan_out(regions: Iterable[Region], call: Callable[[Region], Reply],
            ) -> list[tuple[Region, Reply | exceptions.RegionUnreachable]]:
    """``call`` for every region concurrently; results in the regions' order, a
    region that failed gives its RegionUnreachable instead of a Reply."""
    regions = list(regions)
    futures = [_executor().submit(call, region) for region in regions]
    results: list[tuple[Region, Reply | exceptions.RegionUnreachable]] = []
    for region, future in zip(regions, futures, strict=True):
        try:
            results.append((region, future.result()))
        except exceptions.RegionUnreachable as exc:
            results.append((region, exc))
    return results


def rewrite_links(data: Any, region_root: str, gateway_root: str) -> Any:
    """Every ``href`` under ``region_root`` rewritten to ``gateway_root``, in place."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "href" and isinstance(value, str):
                data[key] = rewrite_url(value, region_root, gateway_root)
            else:
                rewrite_links(value, region_root, gateway_root)
    elif isinstance(data, list):
        for item in data:
            rewrite_links(item, region_root, gateway_root)
    return data


def rewrite_url(url: str, region_root: str, gateway_root: str) -> str:
    if url.startswith(region_root):
        return gateway_root + url[len(region_root):]
    return url


def to_response(reply: Reply, service_type: str, gateway_root: str,
                data: Any = None) -> webob.Response:
    """The region's answer as ours: same status and headers, links rewritten.

    ``data`` replaces the body when the caller already changed the JSON.
    """
    region_root = reply.region.root(service_type)
    response = webob.Response(status=reply.status, charset=None)
    response.headerlist = []
    for name, value in reply.headers:
        if name.lower() == "location":
            value = rewrite_url(value, region_root, gateway_root)
        response.headerlist.append((name, value))
    if data is None:
        data = reply.json()
    if data is not None:
        rewrite_links(data, region_root, gateway_root)
        response.body = json.dumps(data).encode("utf-8")
    else:
        response.body = reply.body
    return response
