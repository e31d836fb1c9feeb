"""Breaker states: the gateway's circuit breaker of each service of a pod, as last seen.

Each tricircle-api process keeps its own breakers (tricircle.gateway.breaker) and
records here only their transitions, and the first answer each process gets from
a service (tricircle.gateway.breaker_states): one row
per (pod, service type), the latest report winning. A report older than the row
(a process whose write was delayed) is ignored, so a close recorded after an
open is never undone by that open arriving late.

A row is what was last seen, not a live probe: a breaker that opened and had
no call since, in any process, stays "open" with its ``since``; the operator
judges by ``since`` and ``reported_at``.
"""

import dataclasses
import datetime

import sqlalchemy as sa
from oslo_db import exception as db_exc
from sqlalchemy.orm import Session

from tricircle.db import api as db_api
from tricircle.db import models

OPEN, CLOSED = "open", "closed"
ERROR_LENGTH = 255  # the column's size

_B = models.BreakerState


@dataclasses.dataclass(frozen=True)
class Report:
    """One transition a process saw: the breaker of (pod_id, service_type) is now
    ``state`` after ``failures`` consecutive failures, the last one ``error``."""

    pod_id: str
    service_type: str
    state: str
    failures: int
    error: str | None
    at: datetime.datetime
    reported_by: str


def to_dict(row: models.BreakerState) -> dict:
    return {"state": row.state, "failures": row.failures, "since": row.since.isoformat(),
            "reported_at": row.reported_at.isoformat(), "last_error": row.last_error,
            "reported_by": row.reported_by}


@db_api.writer
def _write(session: Session, report: Report) -> None:
    row = session.get(_B, (report.pod_id, report.service_type))
    error = report.error[:ERROR_LENGTH] if report.error else None
    if row is None:
        session.add(_B(pod_id=report.pod_id, service_type=report.service_type,
                       state=report.state, failures=report.failures, since=report.at,
                       reported_at=report.at, last_error=error,
                       reported_by=report.reported_by))
        session.flush()
        return
    if report.at < row.reported_at:
        return  # a newer report is there already
    if row.state != report.state:
        row.since = report.at
    row.state, row.failures, row.reported_at = report.state, report.failures, report.at
    row.reported_by = report.reported_by
    if report.state == OPEN:
        row.last_error = error  # a close keeps the error of the outage it ends
    session.flush()


def record(report: Report) -> None:
    """Store ``report`` as the breaker's state (nothing when the pod is gone)."""
    try:
        _write(report)
    except db_exc.DBDuplicateEntry:
        _write(report)  # another process inserted the first row: update it
    except db_exc.DBReferenceError:
        pass  # the pod was deleted meanwhile: nothing to show any more


@db_api.reader
def of_pod(session: Session, pod_id: str) -> dict[str, dict]:
    """Service type -> the last state recorded for the pod's breaker of it."""
    rows = session.scalars(sa.select(_B).where(_B.pod_id == pod_id)
                           .order_by(_B.service_type))
    return {row.service_type: to_dict(row) for row in rows}
