"""Async jobs: cross-region work for tricircle-xjob, and the log of finished jobs.

A job's key is (type, resource_id); see models.AsyncJob for how the unique
constraint de-duplicates queued jobs and serialises running ones.
"""

import sqlalchemy as sa
from oslo_db import exception as db_exc
from oslo_utils import uuidutils
from sqlalchemy.orm import Session

from tricircle.common import constants, exceptions
from tricircle.db import api as db_api
from tricircle.db import models

# extra_id of every NEW and RUNNING job: at most one of each per (type, resource).
SINGLETON_EXTRA_ID = "00000000-0000-0000-0000-000000000000"


def resource_id(job_type: str, resource: dict) -> str:
    return "#".join(resource[key] for key in constants.JOB_TYPES[job_type])


def resource_of(job_type: str, joined: str) -> dict:
    keys = constants.JOB_TYPES.get(job_type, ())
    values = joined.split("#")
    return dict(zip(keys, values, strict=False))


def _to_dict(row) -> dict:
    return {
        "id": row.id,
        "type": row.type,
        "project_id": row.project_id,
        "status": row.status,
        "resource": resource_of(row.type, row.resource_id),
        "timestamp": row.timestamp.isoformat(),
        "attempts": row.attempts,
        "error": row.error,
    }


def _all_jobs_query(filters: dict) -> sa.Subquery:
    """Unfinished jobs and the log of finished ones, as one selectable."""
    job, log = models.AsyncJob, models.AsyncJobLog
    unfinished = sa.select(job.id, job.project_id, job.type, job.timestamp, job.status,
                           job.resource_id, job.attempts, job.error)
    finished = sa.select(log.id, log.project_id, log.type, log.timestamp,
                         sa.literal(constants.JOB_SUCCESS, sa.String(16)).label("status"),
                         log.resource_id, sa.literal(1, sa.Integer).label("attempts"),
                         sa.cast(sa.null(), sa.Text).label("error"))
    status = filters.get("status")
    for name in ("project_id", "type"):
        if name in filters:
            unfinished = unfinished.where(getattr(job, name) == filters[name])
            finished = finished.where(getattr(log, name) == filters[name])
    if status:
        unfinished = unfinished.where(job.status == status)
    parts = [] if status == constants.JOB_SUCCESS else [unfinished]
    if status in (None, constants.JOB_SUCCESS):
        parts.append(finished)
    return sa.union_all(*parts).subquery("jobs")


@db_api.reader
def get(session: Session, job_id: str) -> dict:
    jobs = _all_jobs_query({})
    row = session.execute(sa.select(jobs).where(jobs.c.id == job_id)).first()
    if row is None:
        raise exceptions.NotFound("Job", job_id)
    return _to_dict(row)


@db_api.reader
def get_all(session: Session, filters: dict, limit: int, marker: str | None) -> list[dict]:
    """Jobs newest first (timestamp, then id), after the job ``marker``."""
    jobs = _all_jobs_query(filters)
    query = sa.select(jobs)
    if marker:
        everything = _all_jobs_query({})
        row = session.execute(sa.select(everything).where(everything.c.id == marker)).first()
        if row is None:
            raise exceptions.MarkerNotFound(marker)
        query = query.where(db_api.after_marker(
            [jobs.c.timestamp, jobs.c.id], (row.timestamp, row.id), descending=True))
    query = query.order_by(jobs.c.timestamp.desc(), jobs.c.id.desc()).limit(limit)
    return [_to_dict(row) for row in session.execute(query)]


@db_api.reader
def _get_queued(session: Session, job_type: str, key: str) -> dict | None:
    job = session.scalars(sa.select(models.AsyncJob).where(
        models.AsyncJob.type == job_type, models.AsyncJob.resource_id == key,
        models.AsyncJob.status == constants.JOB_NEW)).first()
    return _to_dict(job) if job else None


@db_api.writer
def _insert_new(session: Session, project_id: str, job_type: str, key: str) -> dict:
    job = models.AsyncJob(id=uuidutils.generate_uuid(), project_id=project_id,
                          type=job_type, status=constants.JOB_NEW, resource_id=key,
                          extra_id=SINGLETON_EXTRA_ID, attempts=0)
    session.add(job)
    session.flush()
    return _to_dict(job)


def create(project_id: str, job_type: str, resource: dict) -> dict:
    """Queue a job; the same work already queued is returned instead of a second job."""
    key = resource_id(job_type, resource)
    for _ in range(3):
        queued = _get_queued(job_type, key)
        if queued is not None:
            return queued
        try:
            return _insert_new(project_id, job_type, key)
        except db_exc.DBDuplicateEntry:
            continue  # queued by someone else between our look and our insert
    raise exceptions.Conflict(f"Job {job_type} for {key} keeps changing; try again.")


@db_api.writer
def _requeue(session: Session, job_id: str) -> dict:
    job = session.get(models.AsyncJob, job_id)
    if job is None:
        if session.get(models.AsyncJobLog, job_id) is not None:
            raise exceptions.Conflict(f"Job {job_id} already succeeded; there is "
                                      "nothing to redo.")
        raise exceptions.NotFound("Job", job_id)
    if job.status == constants.JOB_RUNNING:
        raise exceptions.Conflict(f"Job {job_id} is running; it cannot be redone now.")
    if job.status == constants.JOB_NEW:
        return _to_dict(job)
    queued = session.scalars(sa.select(models.AsyncJob).where(
        models.AsyncJob.type == job.type, models.AsyncJob.resource_id == job.resource_id,
        models.AsyncJob.status == constants.JOB_NEW)).first()
    if queued is not None:
        # The same work is queued already: keep that one, drop the failed record.
        session.delete(job)
        return _to_dict(queued)
    job.status, job.extra_id = constants.JOB_NEW, SINGLETON_EXTRA_ID
    job.timestamp = models.utcnow()
    session.flush()
    return _to_dict(job)


def redo(job_id: str) -> dict:
    """Queue a failed job again; a queued one stays as it is.

    When the same work was queued meanwhile, the failed record is dropped and
    the queued job returned, so the work is never queued twice.
    """
    try:
        return _requeue(job_id)
    except db_exc.DBDuplicateEntry:
        return _requeue(job_id)  # queued by someone else meanwhile: now it merges


@db_api.writer
def delete(session: Session, job_id: str) -> None:
    """Delete a job that is not running (a finished one from the log)."""
    job = session.get(models.AsyncJob, job_id)
    if job is None:
        log = session.get(models.AsyncJobLog, job_id)
        if log is None:
            raise exceptions.NotFound("Job", job_id)
        session.delete(log)
        return
    if job.status == constants.JOB_RUNNING:
        raise exceptions.Conflict(f"Job {job_id} is running; it cannot be deleted now.")
    session.delete(job)
