"""Forward a request to one region and bring its answer back with gateway links.

Every call goes through one keystoneauth1 session per process, without an auth
plugin: the caller's own token is forwarded. The session keeps connections
to every region alive, verifies TLS with the [client] options every other
call of Tricircle's uses (cafile, insecure, certfile, keyfile), sends the
global request id on and logs each call at debug level with its tokens masked
(bodies are the caller's and are never logged).

One slow region slows only itself:

- each call has a total deadline (``[gateway]/call_deadline``, a list's
  ``list_timeout``), not only a time-out per read, so a region that trickles
  its answer is cut off when the deadline passes;
- at most ``[gateway]/max_calls_per_region`` calls are in flight per pod and
  service; one more fails at once with "region X is busy" instead of taking a
  thread that would wait on the region too;
- a circuit breaker per pod and service makes calls to a region that keeps
  failing fail at once; after its cool-down exactly one trial call goes out;
- the fan-out pool takes at most ``fanout_workers + fanout_queue_size``
  region calls; the part of a fan-out beyond that is refused at once.
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
import urllib3
import webob
from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import session as ks_session
from requests import adapters

from tricircle.common import exceptions
from tricircle.gateway.breaker import BREAKER, SLOTS, RegionBusy, breaker_key
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
# What a proxy in front of us says about the client: a region that trusts these
# (oslo.middleware's HTTPProxyToWSGI) would take the caller's word for its
# address or for the scheme and host of the links it builds.
_CLIENT_PROXY_HEADERS = frozenset({"forwarded", "x-real-ip"})
_CLIENT_PROXY_PREFIX = "x-forwarded-"
# Bytes asked for per read of a region's answer; each read returns what has
# arrived, so the deadline is checked between reads of a trickling region.
_READ_SIZE = 64 * 1024


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


_session: "_Session | None" = None
_pool: concurrent.futures.ThreadPoolExecutor | None = None
_setup_lock = threading.Lock()
# Region calls submitted to the fan-out pool and not finished yet.
_queued_lock = threading.Lock()
_queued = 0


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
    """Drop the pooled connections and the fan-out threads (tests whose fake regions
    go away, reloads, a changed fanout_workers); calls under way finish."""
    global _session, _pool
    with _setup_lock:
        if _session is not None:
            _session.session.close()  # keystoneauth leaves a session it was given open
            _session = None
        if _pool is not None:
            _pool.shutdown(wait=False)
            _pool = None


def _started_pool(workers: int) -> concurrent.futures.ThreadPoolExecutor:
    """A fan-out pool whose ``workers`` threads all run already.

    ThreadPoolExecutor starts a thread in ``submit`` whenever none is idle, and
    each start waits until the new thread is scheduled: on a busy host that is
    milliseconds, paid inside a fan-out's submit loop, again whenever a list
    needs more threads than ever before. Starting them all up front (each held
    at a barrier so that none is idle for the next submit) pays it once.
    """
    pool = concurrent.futures.ThreadPoolExecutor(workers,
                                                 thread_name_prefix="tricircle-gateway")
    gate = threading.Barrier(workers + 1)
    for _ in range(workers):
        pool.submit(gate.wait, 30)
    try:
        gate.wait(30)
    except threading.BrokenBarrierError:  # threads not all up in time: they come lazily
        LOG.warning("fan-out pool: %d threads not all started in 30 s", workers)
    return pool


def _executor() -> concurrent.futures.ThreadPoolExecutor:
    global _pool
    with _setup_lock:
        if _pool is None:
            _pool = _started_pool(CONF.gateway.fanout_workers)
        return _pool


def forward_headers(req: webob.Request) -> dict[str, str]:
    """The caller's end-to-end headers (token, microversions, content type, ...),
    without identity headers and without what a client says about its own address."""
    headers = {}
    for name, value in req.headers.items():
        lower = name.lower()
        if (lower in _HOP_BY_HOP or lower in _REPLACED_IN_REPLY
                or lower in _CLIENT_PROXY_HEADERS or lower.startswith(_CLIENT_PROXY_PREFIX)
                or lower.startswith(_IDENTITY_PREFIXES)):
            continue
        headers[name] = value
    return headers


def global_request_id(environ: dict) -> str | None:
    """The id the regions log a call under: the caller's global request id
    (a valid X-OpenStack-Request-ID it sent), else this request's own id."""
    return (environ.get("openstack.global_request_id")
            or environ.get("openstack.request_id"))


class _DeadlinePassed(Exception):
    pass


def send(region: Region, service_type: str, method: str, path: str,
         query: str = "", body: bytes | None = None, headers: dict | None = None,
         timeout: float | None = None, request_id: str | None = None) -> Reply:
    """One HTTP call to ``region``; ``path`` starts at the version (``/v2.1/...``);
    ``timeout`` is the call's total deadline (default ``[gateway]/call_deadline``);
    ``request_id`` goes with it as X-OpenStack-Request-ID.

    Raises RegionUnreachable when the breaker is open, the connection fails or
    the region does not answer in time, RegionBusy when the region has
    ``max_calls_per_region`` calls in flight already.
    """
    key = breaker_key(region, service_type)
    if BREAKER.is_open(key):
        raise exceptions.RegionUnreachable(region.region_name)
    if not SLOTS.take(key):
        LOG.warning("%s %s refused: %s has %d calls in flight", method,
                    path.split("?")[0], region.region_name, SLOTS.in_flight(key))
        raise RegionBusy(region.region_name)
    trial = False
    try:
        admitted, trial = BREAKER.admit(key)
        if not admitted:  # half-open and another caller has the trial
            raise exceptions.RegionUnreachable(region.region_name)
        url = region.root(service_type) + path + (f"?{query}" if query else "")
        failure = None
        try:
            status, headers_back, content = _exchange(
                url, method, body, headers or {}, timeout or CONF.gateway.call_deadline,
                request_id)
        except (*_UNREACHABLE, _DeadlinePassed, urllib3.exceptions.HTTPError) as exc:
            failure = type(exc).__name__
        if failure is not None:
            BREAKER.failed(key, trial, failure.lstrip("_"))
            trial = False
            # Only the exception class, logged outside the except block (oslo.log
            # appends the exception being handled): its message carries the URL
            # and its query.
            LOG.warning("%s %s in %s failed: %s", method, path.split("?")[0],
                        region.region_name, failure)
            raise exceptions.RegionUnreachable(region.region_name)
        BREAKER.succeeded(key)
        trial = False
    finally:
        if trial:
            BREAKER.end_trial(key)
        SLOTS.give_back(key)
    return Reply(status, headers_back, content, region)


def _exchange(url: str, method: str, body: bytes | None, headers: dict, deadline: float,
              request_id: str | None) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body of one call, all of it within ``deadline`` seconds.

    The time-out of each read is at most the deadline; the body is read as it
    arrives and the clock checked between reads. (A region could still trickle
    its status line and headers within the per-read time-out: the deadline is
    checked once they are in.)
    """
    deadline_at = time.monotonic() + deadline
    per_read = min(CONF.gateway.read_timeout, deadline)
    response = session().request(
        url, method, data=body, headers=headers, raise_exc=False, stream=True,
        timeout=(min(CONF.gateway.connect_timeout, deadline), per_read),
        global_request_id=request_id)
    try:
        content = _read_body(response.raw, deadline_at, per_read)
    except BaseException:
        response.close()  # unread bytes: the connection cannot be used again
        raise
    response.raw.release_conn()  # read to the end: back to the keep-alive pool
    headers_back = [(k, v) for k, v in response.headers.items()
                    if k.lower() not in _HOP_BY_HOP and k.lower() not in _REPLACED_IN_REPLY]
    return response.status_code, headers_back, content


def _read_body(raw: urllib3.BaseHTTPResponse, deadline_at: float, per_read: float) -> bytes:
    chunks = []
    while True:
        remaining = deadline_at - time.monotonic()
        if remaining <= 0:
            raise _DeadlinePassed()
        sock = getattr(raw.connection, "sock", None)
        if sock is not None:  # the next read may wait only what is left
            sock.settimeout(min(per_read, remaining))
        chunk = raw.read1(_READ_SIZE, decode_content=True)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _submit(call: Callable[[Region], Reply], region: Region,
            ) -> concurrent.futures.Future | None:
    """``call(region)`` in the fan-out pool, None when the pool has
    ``fanout_workers + fanout_queue_size`` region calls already."""
    global _queued
    with _queued_lock:
        if _queued >= CONF.gateway.fanout_workers + CONF.gateway.fanout_queue_size:
            return None
        _queued += 1
    future = _executor().submit(call, region)
    future.add_done_callback(_finished)
    return future


def _finished(_future: concurrent.futures.Future) -> None:
    global _queued
    with _queued_lock:
        _queued -= 1


def fan_out(regions: Iterable[Region], call: Callable[[Region], Reply],
            ) -> list[tuple[Region, Reply | exceptions.RegionUnreachable]]:
    """``call`` for every region concurrently; results in the regions' order, a
    region that failed gives its RegionUnreachable instead of a Reply.

    A region whose call the pool cannot take, or that has not finished within
    ``call_deadline``, is counted as busy or unreachable: the caller does not
    wait longer than that for a queue.
    """
    regions = list(regions)
    futures = [_submit(call, region) for region in regions]
    concurrent.futures.wait([f for f in futures if f is not None],
                            timeout=CONF.gateway.call_deadline)
    results: list[tuple[Region, Reply | exceptions.RegionUnreachable]] = []
    for region, future in zip(regions, futures, strict=True):
        if future is None or future.cancel():
            LOG.warning("fan-out pool full: %s left out", region.region_name)
            results.append((region, RegionBusy(region.region_name)))
        elif not future.done():
            results.append((region, exceptions.RegionUnreachable(region.region_name)))
        else:
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
                data: Any = None, links_rewritten: bool = False) -> webob.Response:
    """The region's answer as ours: same status and headers, links rewritten.

    ``data`` replaces the body when the caller already changed the JSON;
    ``links_rewritten`` says its links are the gateway's already (a merged list
    whose pages were rewritten region by region, each with its own root), so
    the whole body is not walked a second time.
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
        if not links_rewritten:
            rewrite_links(data, region_root, gateway_root)
        response.body = json.dumps(data).encode("utf-8")
    else:
        response.body = reply.body
    return response
