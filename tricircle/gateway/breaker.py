"""A region's health as the gateway sees it, per pod and service: a circuit
breaker for a region that keeps failing, and the slots that bound the calls in
flight to it (tricircle.gateway.proxy takes both around every call).
"""

import threading
import time
from collections.abc import Callable

from tricircle.common import exceptions
from tricircle.gateway import breaker_states
from tricircle.gateway.conf import CONF
from tricircle.objects.pod import Region


def breaker_key(region: Region, service_type: str) -> tuple[str, str]:
    # One breaker per service of a pod: a stopped nova-api says nothing about Cinder.
    return (region.pod_id, service_type)


class Breaker:
    """Circuit breaker per (pod, service type).

    Closed: every call goes out. After ``failure_threshold`` consecutive
    failures it opens: calls fail at once for ``retry_after`` seconds. Then it
    is half-open: exactly one caller gets the trial call (``admit``), everyone
    else keeps failing fast until the trial ends; an answer closes the breaker,
    a failure opens it for another cool-down.

    ``on_change(key, state, failures, error)`` is told of every transition
    (``open`` when it opens or a trial fails, ``closed`` when an open breaker
    sees an answer, and once for the process's first answer of a service: the
    state another process left, or one that died open, is then corrected),
    under the breaker's lock so that transitions arrive in order: it must not
    block.
    """

    def __init__(self, on_change: Callable[[tuple[str, str], str, int, str | None], None]
                 | None = None) -> None:
        self._on_change = on_change
        self._lock = threading.Lock()
        self._failures: dict[tuple[str, str], int] = {}
        self._open_until: dict[tuple[str, str], float] = {}
        self._trials: set[tuple[str, str]] = set()
        self._reported: set[tuple[str, str]] = set()  # keys told to on_change

    def _refuses(self, key: tuple[str, str]) -> bool:
        until = self._open_until.get(key)
        return until is not None and (key in self._trials or time.monotonic() < until)

    def is_open(self, key: tuple[str, str]) -> bool:
        """Whether a call would fail fast right now (a question: it takes no trial)."""
        with self._lock:
            return self._refuses(key)

    def admit(self, key: tuple[str, str]) -> tuple[bool, bool]:
        """(whether this call may go out, whether it is the trial): once the
        cool-down is over only the first caller is admitted, as the trial, and
        the others are refused until the trial ends."""
        with self._lock:
            if key not in self._open_until:
                return True, False
            if self._refuses(key):
                return False, False
            self._trials.add(key)
            return True, True

    def pod_is_down(self, pod_id: str) -> bool:
        """Whether any service of the pod is failing fast right now."""
        with self._lock:
            return any(self._refuses(key) for key in self._open_until if key[0] == pod_id)

    def succeeded(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._failures.pop(key, None)
            was_open = self._open_until.pop(key, None) is not None
            self._trials.discard(key)
            if (was_open or key not in self._reported) and self._on_change:
                self._on_change(key, "closed", 0, None)
            self._reported.add(key)

    def failed(self, key: tuple[str, str], trial: bool = False,
               error: str | None = None) -> None:
        """Count a failure (``error``: its kind, no URL); a failed trial opens the
        breaker for another cool-down."""
        with self._lock:
            count = self._failures.get(key, 0) + 1
            self._failures[key] = count
            if trial:
                self._trials.discard(key)
            if trial or count >= CONF.gateway.failure_threshold:
                # Calls in flight when it opened fail too: no transition, no report.
                opens = trial or key not in self._open_until
                self._open_until[key] = time.monotonic() + CONF.gateway.retry_after
                if opens and self._on_change:
                    self._on_change(key, "open", count, error)
                self._reported.add(key)

    def end_trial(self, key: tuple[str, str]) -> None:
        """The trial ended without an answer or a failure to count (an error of
        ours): the next caller may try."""
        with self._lock:
            self._trials.discard(key)

    def reset(self) -> None:
        with self._lock:
            self._failures.clear()
            self._open_until.clear()
            self._trials.clear()
            self._reported.clear()


class RegionBusy(exceptions.RegionUnreachable):
    """Too many calls to the region are in flight already (a 503 like unreachable)."""

    def __init__(self, region_name: str):
        exceptions.TricircleError.__init__(self, f"region {region_name} is busy")
        self.region_name = region_name


class Slots:
    """Calls in flight per (pod, service type), at most ``max_calls_per_region``.

    A region that hangs holds a thread per call until the deadline; without a
    bound, callers of one hanging region would take every thread of the
    process and the admin API and the other regions would wait too.
    """

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._in_flight: dict[tuple[str, str], int] = {}

    def take(self, key: tuple[str, str]) -> bool:
        """A slot, waiting at most ``[gateway]/slot_wait`` for one: a region that is
        merely slow under load queues its callers briefly, a hanging one refuses them."""
        with self._lock:
            free = self._lock.wait_for(
                lambda: self._in_flight.get(key, 0) < CONF.gateway.max_calls_per_region,
                timeout=CONF.gateway.slot_wait)
            if not free:
                return False
            self._in_flight[key] = self._in_flight.get(key, 0) + 1
            return True

    def give_back(self, key: tuple[str, str]) -> None:
        with self._lock:
            count = self._in_flight.get(key, 0) - 1
            if count > 0:
                self._in_flight[key] = count
            else:
                self._in_flight.pop(key, None)
            self._lock.notify_all()

    def in_flight(self, key: tuple[str, str]) -> int:
        with self._lock:
            return self._in_flight.get(key, 0)


BREAKER = Breaker(on_change=breaker_states.RECORDER)
SLOTS = Slots()
