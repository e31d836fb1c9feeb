"""The routing queries of the gateway: one indexed lookup per routed call."""

import logging

import sqlalchemy as sa
from oslo_db import exception as db_exc
from sqlalchemy.orm import Session

from tricircle.db import api as db_api
from tricircle.db import models

LOG = logging.getLogger(__name__)
_R = models.ResourceRouting


def _as_dict(routing: models.ResourceRouting) -> dict:
    return {"top_id": routing.top_id, "bottom_id": routing.bottom_id or routing.top_id,
            "pod_id": routing.pod_id, "project_id": routing.project_id,
            "created_at": routing.created_at}


@db_api.reader
def find(session: Session, resource_type: str, top_id: str,
         project_id: str | None) -> dict | None:
    """The routing of ``top_id``; ``project_id`` None means any project (admin)."""
    query = sa.select(_R).where(_R.top_id == top_id, _R.resource_type == resource_type)
    if project_id is not None:
        query = query.where(_R.project_id == project_id)
    routing = session.scalars(query.order_by(_R.id).limit(1)).first()
    return _as_dict(routing) if routing else None


@db_api.writer
def _insert(session: Session, values: dict) -> None:
    session.add(_R(**values))
    session.flush()


def record(resource_type: str, top_id: str, pod_id: str, project_id: str | None) -> None:
    """Record that ``top_id`` lives in ``pod_id`` (same id there); a routing that is
    already there (a concurrent adoption) is fine."""
    try:
        _insert({"top_id": top_id, "bottom_id": top_id, "pod_id": pod_id,
                 "project_id": project_id, "resource_type": resource_type})
    except db_exc.DBDuplicateEntry:
        pass
    except db_exc.DBReferenceError:
        LOG.warning("%s %s not recorded: pod %s is gone", resource_type, top_id, pod_id)


@db_api.writer
def forget(session: Session, resource_type: str, top_id: str, pod_id: str) -> None:
    """Drop a routing whose resource the region no longer has."""
    session.execute(sa.delete(_R).where(_R.top_id == top_id, _R.pod_id == pod_id,
                                        _R.resource_type == resource_type))


@db_api.reader
def in_pod(session: Session, resource_type: str, pod_id: str,
           project_id: str | None) -> list[dict]:
    """Routings of one pod, by top id (the minimal records of a down region)."""
    query = sa.select(_R).where(_R.pod_id == pod_id, _R.resource_type == resource_type)
    if project_id is not None:
        query = query.where(_R.project_id == project_id)
    return [_as_dict(r) for r in session.scalars(query.order_by(_R.top_id))]
