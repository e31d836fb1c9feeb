"""The worker's side of the job table: claiming, finishing, requeueing.

Locking rests on two things every supported database does the same way:

- A claim is one conditional UPDATE, NEW -> RUNNING, ``WHERE id = :id AND
  status = 'NEW' AND attempts = :seen``. Row locks (MariaDB, PostgreSQL) or the
  database write lock (SQLite) make concurrent claims of the same job run one
  after the other; the later one finds the status changed and updates no row.
- The worker loop claims a batch at once (``claim_due``): one transaction
  selects the due jobs ``FOR UPDATE SKIP LOCKED`` and marks them RUNNING, so
  workers scanning at the same moment each lock different jobs instead of all
  racing for the oldest ones (MariaDB 10.6+, PostgreSQL; SQLite has one writer
  at a time anyway, and older MariaDB/MySQL lock without skipping: correct,
  only slower).
- RUNNING jobs carry the fixed extra_id, so UNIQUE(type, status, resource_id,
  extra_id) allows one RUNNING job per (type, resource): claiming a second one
  fails with a duplicate-key error and is simply not won.

``attempts`` grows by one on every claim, so (id, attempts) names one run of a
job: a worker only finishes the run it claimed, never a later one.

``timestamp`` means, by status: NEW, when the job becomes due (later than now
while it waits to be retried); RUNNING, when its worker last showed it was
alive; FAIL, when it failed.
"""

import dataclasses
import datetime

import sqlalchemy as sa
from oslo_db import api as oslo_db_api
from oslo_db import exception as db_exc
from oslo_log import log as logging
from sqlalchemy.orm import Session

from tricircle.common import constants, exceptions
from tricircle.db import api as db_api
from tricircle.db import models
from tricircle.objects import job as job_obj
from tricircle.xjob.registry import Job

LOG = logging.getLogger(__name__)
AsyncJob = models.AsyncJob
SINGLETON = job_obj.SINGLETON_EXTRA_ID


# What a busy database answers: a deadlock (MariaDB, PostgreSQL), or SQLite's
# "database is locked", which oslo.db passes on untranslated.
BUSY_ERRORS = (db_exc.DBDeadlock, sa.exc.OperationalError)


def _sqlite_locked(exc: Exception) -> bool:
    return isinstance(exc, sa.exc.OperationalError) and "database is locked" in str(exc)


# Recording an outcome must not be lost to a moment of contention: retry it.
_retry_when_busy = oslo_db_api.wrap_db_retry(
    max_retries=10, retry_interval=0.05, max_retry_interval=1, retry_on_deadlock=True,
    exception_checker=_sqlite_locked, jitter=True)


@dataclasses.dataclass(frozen=True)
class Claimed:
    """One run of a job this worker won."""

    job: Job
    attempts: int  # the job's attempts after the claim: identifies this run


def _due_query(job_types: tuple[str, ...], limit: int) -> sa.Select:
    """Up to ``limit`` NEW jobs of ``job_types`` due now, oldest first."""
    return (sa.select(AsyncJob.id, AsyncJob.type, AsyncJob.project_id,
                      AsyncJob.resource_id, AsyncJob.attempts)
            .where(AsyncJob.status == constants.JOB_NEW, AsyncJob.type.in_(job_types),
                   AsyncJob.timestamp <= models.utcnow())
            .order_by(AsyncJob.timestamp, AsyncJob.id).limit(limit))


@db_api.reader
def due(session: Session, job_types: tuple[str, ...], limit: int) -> list[tuple[str, int]]:
    """(id, attempts) of up to ``limit`` NEW jobs of ``job_types`` due now, oldest first."""
    if not job_types or limit <= 0:
        return []
    return [(row.id, row.attempts) for row in session.execute(_due_query(job_types, limit))]


@db_api.reader
def seconds_to_next_due(session: Session, job_types: tuple[str, ...]) -> float | None:
    """How long until the next waiting (backing-off) NEW job of ``job_types`` is due."""
    if not job_types:
        return None
    now = models.utcnow()
    # Only jobs not due yet: a due job that could not be claimed (its work runs
    # elsewhere) must not turn the loop into a busy wait.
    first = session.scalar(sa.select(sa.func.min(AsyncJob.timestamp)).where(
        AsyncJob.status == constants.JOB_NEW, AsyncJob.type.in_(job_types),
        AsyncJob.timestamp > now))
    if first is None:
        return None
    return max((first - now).total_seconds(), 0.0)


@db_api.writer
def _mark_running(session: Session, job_id: str, seen_attempts: int) -> AsyncJob | None:
    won = session.execute(
        sa.update(AsyncJob)
        .where(AsyncJob.id == job_id, AsyncJob.status == constants.JOB_NEW,
               AsyncJob.attempts == seen_attempts)
        .values(status=constants.JOB_RUNNING, extra_id=SINGLETON,
                attempts=seen_attempts + 1, timestamp=models.utcnow())
        .execution_options(synchronize_session=False)).rowcount == 1
    return session.get(AsyncJob, job_id) if won else None


def _claimed(row, attempts: int) -> Claimed:
    """The run of a job row just marked RUNNING, ``attempts`` counting this run."""
    job = Job(id=row.id, type=row.type, project_id=row.project_id,
              resource=job_obj.resource_of(row.type, row.resource_id), attempts=attempts)
    return Claimed(job, attempts)


def _skip_locked(dialect: sa.engine.Dialect) -> bool:
    """Whether the database understands ``SKIP LOCKED`` (and needs it)."""
    if dialect.name == "postgresql":
        return True
    if dialect.name == "mysql":
        version = dialect.server_version_info or (0,)
        return version >= ((10, 6) if getattr(dialect, "is_mariadb", False) else (8, 0))
    return False  # SQLite: a writer holds the whole database; nothing to skip


def _mark_batch(session: Session, rows: list) -> None:
    """NEW -> RUNNING for ``rows`` (locked by us); raises DBDuplicateEntry when the
    same work of one of them is RUNNING elsewhere."""
    for attempts in {row.attempts for row in rows}:
        session.execute(
            sa.update(AsyncJob)
            .where(AsyncJob.id.in_([row.id for row in rows if row.attempts == attempts]),
                   AsyncJob.status == constants.JOB_NEW)
            .values(status=constants.JOB_RUNNING, extra_id=SINGLETON,
                    attempts=attempts + 1, timestamp=models.utcnow())
            .execution_options(synchronize_session=False))


def _mark_each(session: Session, rows: list) -> list:
    """The slow path: one savepoint per job, leaving out those whose work runs."""
    won = []
    for row in rows:
        try:
            with session.begin_nested():
                _mark_batch(session, [row])
            won.append(row)
        except db_exc.DBDuplicateEntry:
            continue  # the same (type, resource) is RUNNING: it waits its turn
    return won


@db_api.writer
def _claim_batch(session: Session, job_types: tuple[str, ...], limit: int) -> list:
    query = _due_query(job_types, limit)
    if session.bind.dialect.name != "sqlite":
        query = query.with_for_update(skip_locked=_skip_locked(session.bind.dialect))
    rows = list(session.execute(query))
    if not rows:
        return []
    try:
        with session.begin_nested():
            _mark_batch(session, rows)
        return rows
    except db_exc.DBDuplicateEntry:
        return _mark_each(session, rows)


def claim_due(job_types: tuple[str, ...], limit: int) -> list[Claimed]:
    """Take up to ``limit`` due NEW jobs of ``job_types``, oldest first, in one
    transaction; jobs other workers are claiming at the same time are skipped."""
    if not job_types or limit <= 0:
        return []
    try:
        rows = _claim_batch(job_types, limit)
    except (db_exc.DBError, *BUSY_ERRORS) as exc:  # busy or unreachable: next scan
        LOG.debug("claim of due jobs not won: %s", exc)
        return []
    return [_claimed(row, row.attempts + 1) for row in rows]


def claim(job_id: str, seen_attempts: int) -> Claimed | None:
    """Try to take one NEW job; None when another worker has it, or runs the
    same (type, resource) now, or the database is busy (the next scan retries)."""
    try:
        row = _mark_running(job_id, seen_attempts)
    except db_exc.DBDuplicateEntry:
        return None  # the same work is RUNNING elsewhere: it waits its turn
    except (db_exc.DBError, *BUSY_ERRORS) as exc:  # busy or unreachable: next scan
        LOG.debug("claim of job %s not won: %s", job_id, exc)
        return None
    if row is None:
        return None
    return _claimed(row, row.attempts)


def _this_run(claimed: Claimed):
    return (AsyncJob.id == claimed.job.id, AsyncJob.status == constants.JOB_RUNNING,
            AsyncJob.attempts == claimed.attempts)


@_retry_when_busy
@db_api.writer
def succeed(session: Session, claimed: Claimed) -> bool:
    """Move the run's job to async_job_logs; False if the run was taken from us."""
    row = session.scalars(sa.select(AsyncJob).where(*_this_run(claimed))).first()
    if row is None:
        return False
    session.add(models.AsyncJobLog(id=row.id, project_id=row.project_id, type=row.type,
                                   resource_id=row.resource_id, timestamp=models.utcnow()))
    # Failed jobs of the same work are done now too: drop them rather than let a
    # redo repeat what just succeeded.
    session.execute(sa.delete(AsyncJob).where(
        AsyncJob.type == row.type, AsyncJob.resource_id == row.resource_id,
        AsyncJob.status == constants.JOB_FAIL))
    session.delete(row)
    return True


@_retry_when_busy
@db_api.writer
def _mark_failed(session: Session, claimed: Claimed, error: str, retry_in: float | None
                 ) -> bool:
    row = session.scalars(sa.select(AsyncJob).where(*_this_run(claimed))).first()
    if row is None:
        return False
    row.error = error[:10000]
    if retry_in is None:
        row.status, row.extra_id, row.timestamp = constants.JOB_FAIL, row.id, models.utcnow()
    else:
        row.status = constants.JOB_NEW
        row.timestamp = models.utcnow() + datetime.timedelta(seconds=retry_in)
    session.flush()
    return True


@_retry_when_busy
@db_api.writer
def _drop_run(session: Session, claimed: Claimed) -> None:
    session.execute(sa.delete(AsyncJob).where(*_this_run(claimed)))


def fail(claimed: Claimed, error: str, retry_in: float | None) -> str:
    """Record a failed run: NEW again after ``retry_in`` seconds, or FAIL when
    ``retry_in`` is None. Returns the status the job ended in."""
    try:
        if not _mark_failed(claimed, error, retry_in):
            return "lost"
    except db_exc.DBDuplicateEntry:
        # The same work was queued again while this run went on: that NEW job
        # retries it, so this run's record goes.
        _drop_run(claimed)
        return "merged"
    return constants.JOB_NEW if retry_in is not None else constants.JOB_FAIL


@_retry_when_busy
@db_api.writer
def heartbeat(session: Session, runs: list[Claimed]) -> None:
    """Show that this worker still runs ``runs``, so no one takes them as abandoned."""
    now = models.utcnow()
    for claimed in runs:
        session.execute(sa.update(AsyncJob).where(*_this_run(claimed)).values(timestamp=now)
                        .execution_options(synchronize_session=False))


@db_api.reader
def _older_than(session: Session, status: str, seconds: float) -> list[tuple[str, int]]:
    cutoff = models.utcnow() - datetime.timedelta(seconds=seconds)
    rows = session.execute(sa.select(AsyncJob.id, AsyncJob.attempts).where(
        AsyncJob.status == status, AsyncJob.timestamp < cutoff))
    return [(row.id, row.attempts) for row in rows]


@_retry_when_busy
@db_api.writer
def _requeue_abandoned(session: Session, job_id: str, attempts: int, seconds: float) -> bool:
    cutoff = models.utcnow() - datetime.timedelta(seconds=seconds)
    # Compare again inside the update: a heartbeat since our look means it lives.
    return session.execute(
        sa.update(AsyncJob)
        .where(AsyncJob.id == job_id, AsyncJob.status == constants.JOB_RUNNING,
               AsyncJob.attempts == attempts, AsyncJob.timestamp < cutoff)
        .values(status=constants.JOB_NEW, timestamp=models.utcnow(),
                error="requeued: its worker stopped refreshing it (died?)")
        .execution_options(synchronize_session=False)).rowcount == 1


def requeue_abandoned(expire: float) -> list[str]:
    """Queue again the RUNNING jobs whose worker stopped refreshing them."""
    requeued = []
    for job_id, attempts in _older_than(constants.JOB_RUNNING, expire):
        run = Claimed(Job(job_id, "", "", {}), attempts)
        try:
            if _requeue_abandoned(job_id, attempts, expire):
                requeued.append(job_id)
        except db_exc.DBDuplicateEntry:
            _drop_run(run)  # the same work is queued already: that job redoes it
            requeued.append(job_id)
        except (db_exc.DBError, *BUSY_ERRORS) as exc:
            LOG.debug("requeue of abandoned job %s deferred: %s", job_id, exc)
    return requeued


def redo_failed(older_than: float) -> list[str]:
    """Queue again the FAIL jobs that failed more than ``older_than`` seconds ago."""
    redone = []
    for job_id, _ in _older_than(constants.JOB_FAIL, older_than):
        try:
            redone.append(job_obj.redo(job_id)["id"])
        except (exceptions.NotFound, exceptions.Conflict):
            pass  # redone, merged or deleted by someone else meanwhile
        except (db_exc.DBError, *BUSY_ERRORS) as exc:
            LOG.debug("redo of failed job %s deferred: %s", job_id, exc)
    return redone


@db_api.reader
def unhandled(session: Session, job_types: tuple[str, ...]) -> list[tuple[str, str]]:
    """(id, type) of the NEW jobs whose type has no handler in ``job_types``."""
    query = sa.select(AsyncJob.id, AsyncJob.type).where(AsyncJob.status == constants.JOB_NEW)
    if job_types:
        query = query.where(AsyncJob.type.not_in(job_types))
    return [(row.id, row.type) for row in session.execute(query.limit(1000))]
