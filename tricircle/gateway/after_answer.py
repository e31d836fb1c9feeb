"""Work a request leaves for after its answer was written: the client does not wait.

A WSGI server calls ``close()`` on the body it was given once it has written
the body out (PEP 3333), so work that the answer does not depend on runs
there, on the request's own thread: a create's routing insert and the start
of its quota settle thread (about 5 ms of a create that the client no longer
waits for). The answer keeps its Content-Length, so uWSGI's HTTP router has
sent all of it to the client before ``close()`` is reached.

What such work may be: anything whose absence for a few milliseconds is
already handled (a routing not yet recorded makes a lookup from another
process ask every region, which records it too), and whose failure only
needs a log line. uWSGI calls ``close()`` also when the client went away
before the whole answer was written (2.0, with ``http`` and ``http-socket``
alike). A worker killed mid-request (harakiri) leaves the work undone: the
routing is then found by that lookup, and a quota lease runs out after
``[gateway] quota_lease_seconds``.
"""

import functools
import logging
from collections.abc import Callable, Iterable, Iterator

LOG = logging.getLogger(__name__)
_KEY = "tricircle.after_answer"


def later(environ: dict, work: Callable, *args) -> None:
    """Run ``work(*args)`` once the answer to the request of ``environ`` is written."""
    environ.setdefault(_KEY, []).append(functools.partial(work, *args))


def wrapped(environ: dict, body: Iterable[bytes]) -> Iterable[bytes]:
    """``body`` as the server gets it: with the request's later work run by its
    ``close()``; unchanged when there is none."""
    work = environ.pop(_KEY, None)
    return _ThenRun(body, work) if work else body


def run_now(environ: dict) -> None:
    """Run the request's later work at once (its answer will not be written:
    the request failed after the work was left)."""
    for work in environ.pop(_KEY, None) or []:
        _run(work)


def _run(work: Callable) -> None:
    try:
        work()
    except Exception:  # after the answer: nobody above it would log this
        LOG.exception("work left for after the answer failed: %s", work)


class _ThenRun:
    """A response body that runs ``work`` when the server closes it."""

    def __init__(self, body: Iterable[bytes], work: list[Callable]) -> None:
        self._body, self._work = body, work

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._body)

    def close(self) -> None:
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            work, self._work = self._work, []  # once, even if closed twice
            for each in work:
                _run(each)
