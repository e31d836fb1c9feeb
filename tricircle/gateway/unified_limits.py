"""Keystone unified limits read with oslo.limit, against usage counted in every region.

The limits are those registered on the service of CentralRegion's compute
(or block-storage) endpoint, i.e. the gateway's: ``openstack registered limit
create --service nova --region CentralRegion ...``. Usage is what every
region reports for the project (tricircle.gateway.usage), so a project cannot
exceed its limit by spreading resources over regions. What the gateway does
with the answers (refuse a create, show /limits) is in tricircle.gateway.quota.
"""

import concurrent.futures
import logging
import threading
import time
from collections.abc import Callable

from oslo_limit import exception as limit_exc
from oslo_limit import limit

from tricircle.common.context import RequestContext
from tricircle.gateway import usage
from tricircle.gateway.call import GatewayError
from tricircle.gateway.conf import CONF
from tricircle.gateway.quota_resources import of_service
from tricircle.gateway.regions import TABLE
from tricircle.objects import routing as routing_obj

LOG = logging.getLogger(__name__)

_lock = threading.Lock()
_enforcers: dict[str, limit.Enforcer] = {}
# The usage counter of the request this thread is enforcing for: one Enforcer
# per service is shared by every request, its callback is not.
_local = threading.local()

# A usage callback: (project id, unified names) → {unified name: usage}.
Counter = Callable[[str | None, object], dict[str, int]]


class Unavailable(Exception):
    """Keystone's limits could not be read (no endpoint, Keystone down, ...)."""


def reset() -> None:
    """Forget the enforcers and the cached limits (tests; a changed [oslo_limit]
    endpoint)."""
    with _lock:
        _enforcers.clear()
    CACHE.clear()
    FLAVORS.clear()


def _callback(project_id: str | None, names) -> dict[str, int]:
    return _local.counter(project_id, names)


def _service_types(service_type: str) -> list[str]:
    if service_type == "compute":
        return CONF.gateway.compute_limit_service_types
    return CONF.gateway.volume_limit_service_types


def _build(service_type: str) -> limit.Enforcer:
    """An Enforcer bound to the first of the service's catalog types Keystone has.

    oslo.limit takes its endpoint from [oslo_limit] when the Enforcer is made,
    one endpoint per process; the gateway needs one per service, so the type is
    given for the time of the construction only.
    """
    errors = []
    for catalog_type in _service_types(service_type):
        CONF.set_override("endpoint_service_type", catalog_type, "oslo_limit")
        try:
            # cache=False: a limit changed in Keystone applies to the next create.
            return limit.Enforcer(_callback, cache=False)
        except (ValueError, limit_exc.SessionInitError) as exc:
            errors.append(f"{catalog_type}: {exc}")
        finally:
            CONF.clear_override("endpoint_service_type", "oslo_limit")
    raise Unavailable("; ".join(errors))


def enforcer(service_type: str) -> limit.Enforcer:
    with _lock:
        if service_type not in _enforcers:
            _enforcers[service_type] = _build(service_type)
        return _enforcers[service_type]


class RequestUsage:
    """The usage callback of one request for oslo.limit: asks the regions once per
    project (with the caller's token, under the caller's request id) and keeps
    what each region said (``regions``), which the quota lease's settling needs.

    ``cached`` is the caller's project's usage per region as its previous create
    left it, when the quota lease says it still holds (quota_lease.CachedUsage):
    then the regions are not asked for that project.
    """

    def __init__(self, service_type: str, token: str, context: RequestContext,
                 request_id: str | None = None, cached=None) -> None:
        self.service_type, self.token = service_type, token
        self.context, self.request_id = context, request_id
        self.usage_names = {r.unified_name: r.usage_name for r in of_service(service_type)}
        self.totals: dict[str, dict[str, int]] = {}
        self.regions: dict[str, dict[str, dict[str, int]]] = {}
        # time.time() of each project's complete live count (none: partial): wall
        # clock, since the count is left on the lease row for other processes too
        self.counted_at: dict[str, float] = {}
        if cached is not None and context.project_id:
            self._keep(context.project_id, usage.Usage(cached.regions, []),
                       cached.counted_at)

    def _keep(self, project: str, found: usage.Usage, counted_at: float) -> None:
        self.regions[project] = found.regions
        self.totals[project] = found.total(self.usage_names.values())
        if not found.unreachable:
            self.counted_at[project] = counted_at
        for region_name in found.unreachable:
            _add_routed(self.service_type, self.totals[project], region_name, project)

    def __call__(self, project_id: str | None, names) -> dict[str, int]:
        project = project_id or self.context.project_id
        if project not in self.totals:
            started = time.time()
            self._keep(project, usage.count([self.service_type], self.token,
                                            self.context.project_id, project,
                                            self.request_id), started)
        return {name: self.totals[project].get(self.usage_names[name], 0) for name in names}


def counter(service_type: str, token: str, context: RequestContext,
            request_id: str | None = None, cached=None) -> RequestUsage:
    """A usage callback for oslo.limit that asks the regions once per request."""
    return RequestUsage(service_type, token, context, request_id, cached)


def _add_routed(service_type: str, total: dict[str, int], region_name: str,
                project: str) -> None:
    """A region that cannot be asked: its servers, volumes and snapshots as the routing
    table knows them (what the gateway created or adopted there); its cores, RAM and
    gigabytes are not known and count as 0."""
    region = next((r for r in TABLE.regions() if r.region_name == region_name), None)
    if region is None:
        return
    for resource in of_service(service_type):
        if resource.routed_as and resource.usage_name in total:
            total[resource.usage_name] += len(
                routing_obj.in_pod(resource.routed_as, region.pod_id, project))
    LOG.warning("central quota of %s counted region %s from the routing table", project,
                region_name)


def _with_counter(count: Counter, action: Callable):
    _local.counter = count
    try:
        return action()
    finally:
        _local.counter = None


def _run(service_type: str, action: Callable):
    """``action(enforcer)``; Keystone failing is a 503 (refusing is safer than letting
    a create past an unread limit)."""
    try:
        return action(enforcer(service_type))
    except (limit_exc.ProjectOverLimit, GatewayError):
        raise
    except Exception as exc:  # Unavailable, Keystone refusing or down, ...
        LOG.error("central quota of %s unavailable: %s", service_type, exc)
        raise GatewayError(503, "The central quota could not be read from "
                           "Keystone; try again later.") from None


# -- the limits, read once per create (or per limits_cache_seconds) ----------------

class LimitsCache:
    """Values read from Keystone (or a region), each kept for ``seconds`` from its read.

    A reader that misses asks itself; two requests missing at once both ask (no
    lock is held across a read). A value in the second half of its life is
    still returned, and its key becomes due to be read again in the background,
    once at a time per key: ``start_due`` (run once the answer of the request
    that found it due is written, so the read never competes with that
    request's own create) starts those reads. A key asked for at least once per
    half-life is so never read again on a request's path, and no value older
    than ``seconds`` is ever returned. A background read that fails leaves the
    value to expire (the next request then reads it itself). ``clock`` and
    ``submit`` (runs the background read) are for tests.
    """

    most_entries = 10000  # past this, expired entries are dropped on the next store

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 submit: Callable | None = None) -> None:
        self.clock = clock
        self._submit = submit or _refresh_pool.submit
        self._lock = threading.Lock()
        self._entries: dict[tuple, tuple[float, dict[str, int]]] = {}
        self._refreshing: set[tuple] = set()  # due or being read in the background
        self._due: list[tuple] = []

    def get(self, key: tuple, read: Callable[[], dict[str, int]],
            seconds: float) -> dict[str, int]:
        if seconds <= 0:
            return read()
        now = self.clock()
        with self._lock:
            expires, value = self._entries.get(key, (0.0, None))
            fresh = expires > now
            refresh = fresh and expires - now < seconds / 2 and key not in self._refreshing
            if refresh:
                self._refreshing.add(key)
                self._due.append((key, read, seconds))
        if fresh:
            return value
        value = read()
        self._store(key, value, seconds)
        return value

    def start_due(self) -> None:
        """Start reading again, in the background, the keys found due so far."""
        with self._lock:
            due, self._due = self._due, []
        for key, read, seconds in due:
            self._submit(self._refresh, key, read, seconds)

    def _refresh(self, key: tuple, read: Callable[[], dict[str, int]],
                 seconds: float) -> None:
        try:
            self._store(key, read(), seconds)
        except Exception as error:  # nobody waits for this read
            LOG.info("reading %s again ahead of its expiry failed (%s); it expires", key,
                     error)
        finally:
            with self._lock:
                self._refreshing.discard(key)

    def _store(self, key: tuple, value: dict[str, int], seconds: float) -> None:
        with self._lock:
            if len(self._entries) >= self.most_entries:
                now = self.clock()
                self._entries = {k: e for k, e in self._entries.items() if e[0] > now}
            self._entries[key] = (self.clock() + seconds, value)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._refreshing.clear()
            self._due.clear()


def start_refreshes() -> None:
    """Start the reads ahead of expiry that requests found due (run after a request's
    answer is written: tricircle.gateway.quota)."""
    CACHE.start_due()
    FLAVORS.start_due()


# Values read again ahead of their expiry (LimitsCache), apart from the pool
# below so that a refresh never waits behind a request's reads.
_refresh_pool = concurrent.futures.ThreadPoolExecutor(max_workers=2,
                                                      thread_name_prefix="limits-refresh")
CACHE = LimitsCache()
# The vCPUs and RAM of the flavors server creates named, per region, project and
# flavor id, kept as long as the limits (tricircle.gateway.quota reads them).
FLAVORS = LimitsCache()
# Keystone is read in these threads while the request's thread counts usage.
_keystone_pool = concurrent.futures.ThreadPoolExecutor(max_workers=8,
                                                       thread_name_prefix="limits")


def _limit_reads(found: limit.Enforcer, service_type: str,
                 project: str) -> list[concurrent.futures.Future]:
    """The registered limits of the service and the limits of ``project``, read at once
    (two Keystone calls, none while the cache holds both answers). No task of the
    pool waits for another, so the bounded pool cannot deadlock."""
    seconds = CONF.gateway.limits_cache_seconds
    return [_keystone_pool.submit(CACHE.get, (service_type, None),
                                  lambda: dict(found.get_registered_limits(None)), seconds),
            _keystone_pool.submit(CACHE.get, (service_type, project),
                                  lambda: dict(found.get_project_limits(project, None)),
                                  seconds)]


def _joined(reads: list[concurrent.futures.Future]) -> dict[str, int]:
    registered, own = (read.result() for read in reads)
    return {**registered, **own}  # a project's own limit wins over the registered one


def limits_of(found: limit.Enforcer, service_type: str, project: str) -> dict[str, int]:
    """{unified name: limit} of ``project`` (-1: unlimited); a name Keystone has no
    limit for is absent."""
    return _joined(_limit_reads(found, service_type, project))


def _flat(found: limit.Enforcer) -> bool:
    """Flat model: a project's limits are its own (the gateway does the arithmetic).
    Other models (strict-two-level) are left to oslo.limit, uncached."""
    return found.model.name == "flat"


def _known(found: limit.Enforcer, service_type: str, project: str, names,
           count: Counter) -> dict[str, tuple[int, int]]:
    """{unified name: (limit, usage)} of the names of ``names`` Keystone limits.

    The limits are read from Keystone while the regions count the usage, so a
    create waits for the slower of the two, not for both. The regions are asked
    even when no name turns out to be limited (no limit registered at all): that
    count is wasted, never wrong.
    """
    names = list(names)
    if not _flat(found):
        return _known_by_oslo_limit(found, project, names, count)
    reads = _limit_reads(found, service_type, project)
    used = count(project, names)
    found_limits = _joined(reads)
    return {name: (found_limits[name], used[name]) for name in names
            if name in found_limits}


def _known_by_oslo_limit(found: limit.Enforcer, project: str, names: list[str],
                         count: Counter) -> dict[str, tuple[int, int]]:
    have = {name for name, _ in found.get_registered_limits(None)}
    have |= {name for name, _ in found.get_project_limits(project, None)}
    limited = [name for name in names if name in have]
    if not limited:
        return {}
    result = _with_counter(count, lambda: found.calculate_usage(project, limited))
    return {name: (result[name].limit, result[name].usage) for name in limited}


def over_limit(project: str, known: dict[str, tuple[int, int]],
               deltas: dict[str, int]) -> limit_exc.ProjectOverLimit | None:
    """The refusal of ``deltas`` (every limit they would cross), None when they fit;
    the arithmetic of oslo.limit's flat model (limit -1: unlimited)."""
    overs = [limit_exc.OverLimitInfo(name, limit_value, used, deltas.get(name, 0))
             for name, (limit_value, used) in sorted(known.items())
             if 0 <= limit_value < used + deltas.get(name, 0)]
    return limit_exc.ProjectOverLimit(project, overs) if overs else None


def enforce(service_type: str, project: str, deltas: dict[str, int],
            count: Counter) -> dict[str, tuple[int, int]]:
    """Raise ProjectOverLimit when ``deltas`` would take ``project`` over a limit;
    else the {unified name: (limit, usage)} checked (empty: nothing is limited)."""
    def check(found: limit.Enforcer) -> dict[str, tuple[int, int]]:
        known = _known(found, service_type, project, deltas, count)
        if not _flat(found) and known:
            _with_counter(count, lambda: found.enforce(
                project, {k: v for k, v in deltas.items() if k in known}))
        over = over_limit(project, known, deltas)
        if over is not None:
            raise over
        return known
    return _run(service_type, check)


def limits_and_usage(service_type: str, project: str, names,
                     count: Counter) -> dict[str, tuple[int, int]]:
    """{unified name: (limit, usage)} of the names of ``names`` Keystone limits
    (limit -1: unlimited), read once: at most two Keystone calls and one usage
    count, whatever the request asks for."""
    return _run(service_type,
                lambda found: _known(found, service_type, project, names, count))


def report(service_type: str, project: str, count: Counter) -> dict[str, tuple[int, int]]:
    """{unified name: (limit, usage)} of ``project``; -1 is unlimited (also when
    Keystone has no limit for the resource)."""
    names = [r.unified_name for r in of_service(service_type)]
    known = limits_and_usage(service_type, project, names, count)
    used = count(project, names)  # counted once per request: no second fan-out
    return {name: (known[name][0] if name in known else -1, used[name]) for name in names}
