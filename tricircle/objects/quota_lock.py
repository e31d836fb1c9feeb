"""A lease per (project, service) that serialises central quota's check-and-create.

Why a lease row and not a lock held in a transaction: tricircle-api runs as
several processes on several hosts, so a lock in memory serialises nothing,
and the step to protect includes an HTTP call to a region (seconds). A
``SELECT ... FOR UPDATE`` held that long would, on SQLite, hold the whole
database's write lock, and the create's own routing insert would wait for it.
Instead the lease is taken and given back with short transactions:

- take: one conditional UPDATE (free, or past its expiry) — atomic on SQLite
  (BEGIN IMMEDIATE), MariaDB and PostgreSQL alike; the row is inserted by the
  first taker, and an insert that loses a race is a plain "not taken";
- give back: an UPDATE that matches the holder, so a holder whose lease ran
  out never frees the lease of the one that took it over;
- a holder that dies frees the lease when it expires.

A holder may leave, with its give-back, the project's usage as it saw it last
(``usage``, opaque text: tricircle.gateway.quota_lease writes and reads it), so
that the next taker, in whichever process or host, need not count it again.

Expiry times are the taker's clock (UTC); the lease is long against the clock
skew of hosts kept in sync.
"""

import contextlib
import dataclasses
import datetime
import threading
import time
from collections.abc import Iterator

import sqlalchemy as sa
from oslo_db import exception as db_exc
from oslo_utils import uuidutils
from sqlalchemy.orm import Session

from tricircle.db import api as db_api
from tricircle.db import models

_FIRST_PAUSE, _LONGEST_PAUSE = 0.02, 0.25  # seconds between tries while waiting
# Notified when this process gives a lease back, so a waiter here tries at once
# instead of at the end of its pause (one of another process waits its pause).
_given_back = threading.Condition()


class Busy(Exception):
    """The lease stayed taken for as long as the caller was willing to wait."""


@dataclasses.dataclass(frozen=True)
class Lease:
    """A lease taken: who holds it (to give it back), the take's generation, and the
    usage the previous holder left with its give-back (None: none left)."""

    holder: str
    generation: int
    usage: str | None = None


@db_api.writer
def _take(session: Session, project_id: str, service_type: str, holder: str,
          seconds: float) -> tuple[int, str | None] | None:
    now = models.utcnow()
    lock = models.QuotaLock
    mine = (lock.project_id == project_id, lock.service_type == service_type)
    taken = session.execute(
        sa.update(lock)
        .where(*mine, sa.or_(lock.holder.is_(None), lock.expires_at < now))
        .values(holder=holder, expires_at=now + datetime.timedelta(seconds=seconds),
                generation=lock.generation + 1)
        .execution_options(synchronize_session=False))
    if taken.rowcount == 1:
        # Read in the write's transaction: the row is ours until it commits.
        row = session.execute(sa.select(lock.generation, lock.usage).where(*mine)).one()
        return row.generation, row.usage
    if session.get(lock, (project_id, service_type)) is not None:
        return None  # held by someone else
    session.add(lock(project_id=project_id, service_type=service_type, holder=holder,
                     expires_at=now + datetime.timedelta(seconds=seconds), generation=1))
    session.flush()
    return 1, None


def try_take(project_id: str, service_type: str, holder: str,
             seconds: float) -> Lease | None:
    """Take the lease for ``seconds`` unless someone else holds it."""
    try:
        taken = _take(project_id, service_type, holder, seconds)
    except db_exc.DBDuplicateEntry:
        return None  # another request inserted the row first: it holds the lease
    except db_exc.DBDeadlock:
        # MariaDB: two first takers both lock the gap where the row goes, then
        # both insert; InnoDB rolls one back. The other one holds the lease.
        return None
    return None if taken is None else Lease(holder, *taken)


@db_api.writer
def _give_back(session: Session, project_id: str, service_type: str, holder: str,
               usage: str | None) -> None:
    lock = models.QuotaLock
    left = {} if usage is None else {"usage": usage}
    session.execute(
        sa.update(lock)
        .where(lock.project_id == project_id, lock.service_type == service_type,
               lock.holder == holder)
        .values(holder=None, expires_at=None, **left))


def give_back(project_id: str, service_type: str, holder: str,
              usage: str | None = None) -> None:
    """Free the lease ``holder`` took (a lease someone else took over stays theirs),
    leaving ``usage`` for the next taker when given (else what was there stays)."""
    _give_back(project_id, service_type, holder, usage)
    with _given_back:  # after the commit: a woken waiter finds the lease free
        _given_back.notify_all()


def take(project_id: str, service_type: str, lease_seconds: float,
         wait_seconds: float, holder: str | None = None) -> Lease:
    """Take the lease of (``project_id``, ``service_type``) for ``lease_seconds``,
    waiting up to ``wait_seconds`` for it; its holder (``holder``, else a new id)
    gives it back. Busy when it stayed taken."""
    holder = holder or uuidutils.generate_uuid()
    deadline = time.monotonic() + wait_seconds
    pause = _FIRST_PAUSE
    while (lease := try_take(project_id, service_type, holder, lease_seconds)) is None:
        if time.monotonic() + pause > deadline:
            raise Busy(f"quota lease of {project_id} ({service_type}) is held")
        with _given_back:
            _given_back.wait(pause)  # a give-back in this process ends it early
        pause = min(pause * 2, _LONGEST_PAUSE)
    return lease


@contextlib.contextmanager
def held(project_id: str, service_type: str, lease_seconds: float,
         wait_seconds: float) -> Iterator[None]:
    """Hold the lease of (``project_id``, ``service_type``) for the ``with`` block;
    Busy when it could not be taken within ``wait_seconds``."""
    lease = take(project_id, service_type, lease_seconds, wait_seconds)
    try:
        yield
    finally:
        give_back(project_id, service_type, lease.holder)
