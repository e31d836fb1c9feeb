"""The lease around a create under central quota: one create of a project at a time.

``serialized`` wraps a create rule's handler: the project's lease
(tricircle.objects.quota_lock says why a lease row in the database rather than
a lock in memory, a ``SELECT ... FOR UPDATE`` or a re-check after the create
as Nova does) is taken before the quota check and kept until the region counts
what the create made, so the next create of the project, checked once it has
the lease, sees it. The client gets its answer before that wait: a thread of
its own, started once the answer is written (tricircle.gateway.after_answer),
waits for the count and gives the lease back.

That thread also leaves, with the give-back, the usage it saw on the lease row
for the project's next create in any process (``CachedUsage``, used with
``[gateway] usage_cache_seconds``), which the lease's generation makes safe.
A create refused before it was sent (the check's own refusal) or by the region
(a 4xx: nothing made) leaves the count its check started from.
"""

import concurrent.futures
import dataclasses
import functools
import json
import logging
import threading
import time
from collections.abc import Callable

import webob
from oslo_utils import uuidutils

from tricircle.gateway import after_answer, unified_limits, usage
from tricircle.gateway.call import Call, GatewayError
from tricircle.gateway.conf import CONF
from tricircle.gateway.quota_resources import BY_UNIFIED_NAME
from tricircle.objects import quota_lock
from tricircle.objects.pod import Region

LOG = logging.getLogger(__name__)
# Where a create's check leaves what the region must count once it is done.
_EXPECTED = "tricircle.quota.expected"
# Where the lease the create runs under is kept for its check.
_LEASE = "tricircle.quota.lease"
# Where the check's usage count is kept (quota.counter).
_COUNT = "tricircle.quota.count"
# Set once the check let the create through: from then on it may be sent.
_PASSED = "tricircle.quota.passed"
# The longest usage a lease row keeps: about 500 regions' counts.
_MOST_USAGE_CHARS = 60000
# Lease takes started beside a create's placement; its threads stay for the next.
_takes = concurrent.futures.ThreadPoolExecutor(max_workers=8,
                                               thread_name_prefix="quota-lease")


@dataclasses.dataclass(frozen=True)
class CachedUsage:
    """A project's usage per region, as the holder of lease ``generation`` left it."""

    generation: int
    counted_at: float  # time.time() of the live count it started from
    regions: dict[str, dict[str, int]]

    def to_text(self) -> str | None:
        """What the lease row keeps; None when too long for its column (a region
        count beyond any deployment's: the next create counts live)."""
        text = json.dumps(dataclasses.asdict(self), separators=(",", ":"))
        return text if len(text) <= _MOST_USAGE_CHARS else None

    @classmethod
    def from_text(cls, text: str | None) -> "CachedUsage | None":
        try:
            data = json.loads(text) if text else None
            return cls(int(data["generation"]), float(data["counted_at"]),
                       {region: {name: int(value) for name, value in counts.items()}
                        for region, counts in data["regions"].items()})
        except (TypeError, ValueError, KeyError, AttributeError):
            return None  # none left, or not ours to read: count live


def _usable(left: CachedUsage | None, generation: int) -> CachedUsage | None:
    """``left`` when the next create may start from it instead of asking every region:
    it was left by the lease just before ``generation`` (no create of the project
    ran in any process in between) and its live count is at most ``[gateway]
    usage_cache_seconds`` old. What regions did behind the gateway's back (a
    create made there directly) is seen after at most that long; a delete only
    makes the usage too high, never too low."""
    seconds = CONF.gateway.usage_cache_seconds
    if (left is None or seconds <= 0 or left.generation + 1 != generation
            or time.time() - left.counted_at > seconds):
        return None
    return left


def _pending_take(call: Call) -> concurrent.futures.Future | None:
    """The take started beside the placement, while nobody has waited for it."""
    taken = call.req.environ.get(_LEASE)
    return taken if isinstance(taken, concurrent.futures.Future) else None


def held(call: Call) -> quota_lock.Lease | None:
    """The lease the create runs under, once it is held: a take started beside the
    create's placement (``serialized(..., beside_placement=True)``) is waited for
    here (503 when it stayed taken). A handler calls this before its check and
    before it sends anything; None outside a lease."""
    pending = _pending_take(call)
    if pending is not None:
        call.req.environ[_LEASE] = pending.result()
    return call.req.environ.get(_LEASE)


def cached_usage(call: Call) -> CachedUsage | None:
    """The usage the caller's project's previous create left on the lease, when it is
    still its usage (see _usable); None outside a lease or when it must be counted."""
    lease = held(call)
    if lease is None:
        return None
    return _usable(CachedUsage.from_text(lease.usage), lease.generation)


def counting(call: Call, count: unified_limits.RequestUsage) -> None:
    """Note the usage count of a create's check: a create refused before it was sent
    leaves that count for the next one (nothing was made)."""
    call.req.environ[_COUNT] = count


@dataclasses.dataclass
class _Expected:
    """What the region must count once a create it accepted is done, and how to ask
    it: copied out of the request, whose environ the WSGI server may reuse once the
    answer is sent (uWSGI does), while a thread still waits for the count."""

    region: Region
    project: str
    before: dict[str, int]  # usage name → the region's count at the check
    deltas: dict[str, int]  # usage name → what the create adds
    service_type: str
    token: str
    token_project: str
    request_id: str | None
    # Every region's usage at the check, and what the cache needs to keep it.
    regions: dict[str, dict[str, int]] = dataclasses.field(default_factory=dict)
    counted_at: float | None = None  # time.time(); None: the count was partial
    generation: int = 0


def expect(call: Call, region: Region, count: unified_limits.RequestUsage,
           known: dict[str, tuple[int, int]], deltas: dict[str, int]) -> None:
    """The check let the create through: note what the region must count once it
    is done."""
    call.req.environ[_PASSED] = True
    project = call.context.project_id
    if not known or project not in count.regions:
        return  # nothing limited: no need to wait for the region's count
    added = {BY_UNIFIED_NAME[name].usage_name: value for name, value in deltas.items()
             if value > 0}
    before = count.regions[project].get(region.region_name, {})
    lease = held(call)
    call.req.environ[_EXPECTED] = _Expected(
        region, project, dict(before), added, call.service.service_type,
        call.req.headers.get("X-Auth-Token", ""), call.context.project_id, call.request_id,
        {name: dict(counts) for name, counts in count.regions[project].items()},
        count.counted_at.get(project), lease.generation if lease else 0)


def _settled(expected: _Expected) -> dict[str, int] | None:
    """The region's counts once they show the create, else None."""
    now = usage.of_region(expected.region, expected.service_type, expected.token,
                          expected.token_project, expected.project, expected.request_id)
    if now is not None and all(now.get(name, 0) >= expected.before.get(name, 0) + value
                               for name, value in expected.deltas.items()):
        return now
    return None


def _settle(expected: _Expected) -> dict[str, int] | None:
    """Wait (bounded) until the region counts the create it accepted, so the next
    create of the project, checked once the lease is free, sees it; the region's
    counts then, None when it did not count it in time."""
    deadline = time.monotonic() + CONF.gateway.quota_settle_timeout
    pause = 0.05
    while (now := _settled(expected)) is None:
        if time.monotonic() + pause > deadline:
            LOG.warning("region %s does not count the create of %s yet; the project's "
                        "next create is checked without it", expected.region.region_name,
                        expected.project)
            return None
        time.sleep(pause)
        pause = min(pause * 2, 0.5)
    return now


def _left_usage(expected: _Expected, now: dict[str, int] | None) -> str | None:
    """What the project's next create may start from: the check's count with the
    region that made this create counted again; None when there is none."""
    if now is None or expected.counted_at is None:
        return None
    regions = {**expected.regions, expected.region.region_name: now}
    return CachedUsage(expected.generation, expected.counted_at, regions).to_text()


def _settle_then_give_back(expected: _Expected, holder: str) -> None:
    left = None
    try:
        left = _left_usage(expected, _settle(expected))
    except Exception:  # a thread of its own: nothing above it would log this
        LOG.exception("central quota: waiting for region %s to count a create failed",
                      expected.region.region_name)
    finally:
        quota_lock.give_back(expected.token_project, expected.service_type, holder, left)


def _unchanged_usage(call: Call) -> str | None:
    """The check's count, for the next create, of a create that made nothing; None
    when the check made no complete count (or none at all)."""
    if _pending_take(call) is not None:
        return None  # never waited for: there was no check, so no count
    count, lease = call.req.environ.get(_COUNT), call.req.environ.get(_LEASE)
    project = call.context.project_id
    if count is None or lease is None or project not in count.counted_at:
        return None
    return CachedUsage(lease.generation, count.counted_at[project],
                       count.regions[project]).to_text()


def _answer_then_settle(call: Call, handler: Callable[[Call], webob.Response],
                        holder: str) -> webob.Response:
    """The create's answer, with the lease kept until the region counts it.

    The client has its answer while the region catches up: the wait is paid
    only by the project's next create, which needs the lease, not by this one.
    """
    project, service_type = call.context.project_id, call.service.service_type
    try:
        response = handler(call)
    except BaseException:
        # Raised before the check let it through (expect() not reached): the
        # create was never sent. Raised after: whether it made anything is unknown.
        pending = _pending_take(call)
        if pending is not None:
            # Raised before the handler waited for its take (a placement error):
            # the lease goes back once taken, and the answer does not wait.
            pending.add_done_callback(functools.partial(_give_back_once_taken, project,
                                                      service_type, holder))
            raise
        sendable = _PASSED in call.req.environ
        quota_lock.give_back(project, service_type, holder,
                             None if sendable else _unchanged_usage(call))
        raise
    held(call)  # a handler that answered without waiting for it (none should)
    expected = call.req.environ.get(_EXPECTED)
    if 400 <= response.status_int < 500:  # the region refused it: nothing made
        quota_lock.give_back(project, service_type, holder, _unchanged_usage(call))
    elif expected is None or not 200 <= response.status_int < 300:
        quota_lock.give_back(project, service_type, holder)
    else:
        settle = threading.Thread(target=_settle_then_give_back, args=(expected, holder),
                                  name="quota-settle", daemon=True)
        after_answer.later(call.req.environ, settle.start)
    return response


def _take(project: str, service_type: str, holder: str) -> quota_lock.Lease:
    try:
        return quota_lock.take(project, service_type, CONF.gateway.quota_lease_seconds,
                               CONF.gateway.quota_lease_wait, holder)
    except quota_lock.Busy:
        raise GatewayError(503, "Other creates of this project are being checked "
                           "against the central quota; try again later.",
                           headers={"Retry-After": "5"}) from None


def _give_back_once_taken(project: str, service_type: str, holder: str,
                          taken: concurrent.futures.Future) -> None:
    if taken.exception() is None:
        quota_lock.give_back(project, service_type, holder)


def serialized(handler: Callable[[Call], webob.Response],
               beside_placement: bool = False) -> Callable[[Call], webob.Response]:
    """``handler`` (a create) under the caller's quota lease when central quota is on:
    check, forward, record and settle happen for one create of a project at a time,
    across every tricircle-api process.

    ``beside_placement``: the take runs in a thread while ``handler`` places the
    create (its bindings read overlaps the take's write); ``handler`` then calls
    ``held`` before its check and before it sends anything.
    """
    @functools.wraps(handler)
    def under_lease(call: Call) -> webob.Response:
        if not CONF.gateway.central_quota:
            return handler(call)
        project = call.context.project_id
        if not project:
            raise GatewayError(403, "Creating needs a token scoped to a project.")
        holder = uuidutils.generate_uuid()
        if beside_placement:
            call.req.environ[_LEASE] = _takes.submit(
                _take, project, call.service.service_type, holder)
        else:
            call.req.environ[_LEASE] = _take(project, call.service.service_type, holder)
        return _answer_then_settle(call, handler, holder)
    return under_lease
