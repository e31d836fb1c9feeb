"""Resource routings: which pod holds a resource, under which bottom id."""

import datetime

import sqlalchemy as sa
from oslo_db import exception as db_exc
from oslo_utils import timeutils
from sqlalchemy.orm import Session

from tricircle.common import exceptions
from tricircle.db import api as db_api
from tricircle.db import models

FIELDS = ("id", "top_id", "bottom_id", "pod_id", "project_id", "resource_type",
          "created_at", "updated_at")


def _iso(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


def to_dict(routing: models.ResourceRouting) -> dict:
    result = {field: getattr(routing, field) for field in FIELDS}
    result["created_at"] = _iso(routing.created_at)
    result["updated_at"] = _iso(routing.updated_at)
    return result


def parse_time_filter(name: str, value: str) -> tuple[str, datetime.datetime]:
    """'gte:2026-11-24T10:00:00' -> ('gte', datetime); no operator means 'eq'."""
    op, sep, stamp = value.partition(":")
    if not sep or op not in ("eq", "gt", "gte", "lt", "lte"):
        op, stamp = "eq", value
    try:
        moment = timeutils.parse_isotime(stamp)
    except ValueError as exc:
        raise exceptions.Invalid(f"Invalid input for field '{name}': {exc}") from None
    return op, timeutils.normalize_time(moment)


def _get(session: Session, routing_id: int) -> models.ResourceRouting:
    routing = session.get(models.ResourceRouting, routing_id)
    if routing is None:
        raise exceptions.NotFound("Routing", routing_id)
    return routing


def _check_pod(session: Session, pod_id: str) -> None:
    if session.get(models.Pod, pod_id) is None:
        raise exceptions.Invalid(f"Invalid input for field 'routing/pod_id': "
                                 f"pod {pod_id} does not exist.")


def _flush_unique(session: Session, routing: models.ResourceRouting) -> None:
    try:
        session.flush()
    except db_exc.DBDuplicateEntry:
        raise exceptions.Conflict(
            f"A routing for {routing.resource_type} {routing.top_id} in pod "
            f"{routing.pod_id} already exists.") from None


@db_api.writer
def create(session: Session, values: dict) -> dict:
    _check_pod(session, values["pod_id"])
    routing = models.ResourceRouting(**values)
    session.add(routing)
    _flush_unique(session, routing)
    return to_dict(routing)


@db_api.reader
def get(session: Session, routing_id: int) -> dict:
    return to_dict(_get(session, routing_id))


@db_api.reader
def get_all(session: Session, filters: dict, limit: int, marker: int | None) -> list[dict]:
    """Routings in id order after ``marker``; filters are column values or
    (operator, value) pairs for the timestamps."""
    model = models.ResourceRouting
    query = db_api.apply_filters(sa.select(model), model, filters)
    marker_values = None
    if marker is not None:
        if session.get(model, marker) is None:
            raise exceptions.MarkerNotFound(marker)
        marker_values = (marker,)
    routings = db_api.paginate(session, query, [model.id], marker_values, limit)
    return [to_dict(r) for r in routings]


@db_api.writer
def update(session: Session, routing_id: int, values: dict) -> dict:
    routing = _get(session, routing_id)
    if "pod_id" in values:
        _check_pod(session, values["pod_id"])
    for field, value in values.items():
        setattr(routing, field, value)
    _flush_unique(session, routing)
    return to_dict(routing)


@db_api.writer
def delete(session: Session, routing_id: int) -> None:
    session.delete(_get(session, routing_id))


# --- lookups of the gateway and xjob -------------------------------------------------
# The admin API's functions above speak in routing ids; these speak in what the
# gateway and xjob know: a top id, a resource type, a pod, a project.

_R = models.ResourceRouting


@db_api.reader
def find(session: Session, resource_type: str, top_id: str,
         project_id: str | None = None) -> dict | None:
    """The first routing of ``top_id``; ``project_id`` None means any project."""
    query = sa.select(_R).where(_R.top_id == top_id, _R.resource_type == resource_type)
    if project_id is not None:
        query = query.where(_R.project_id == project_id)
    routing = session.scalars(query.order_by(_R.id).limit(1)).first()
    return to_dict(routing) if routing else None


@db_api.reader
def of_top(session: Session, resource_type: str, top_id: str) -> list[dict]:
    """Every routing of ``top_id``: one per pod holding it."""
    query = sa.select(_R).where(_R.top_id == top_id, _R.resource_type == resource_type)
    return [to_dict(r) for r in session.scalars(query.order_by(_R.id))]


@db_api.reader
def pods_holding(session: Session, resource_type: str, top_id: str) -> set[str]:
    """The pods holding ``top_id`` (a routing names each)."""
    return set(session.scalars(sa.select(_R.pod_id).where(
        _R.top_id == top_id, _R.resource_type == resource_type)))


@db_api.reader
def in_pod(session: Session, resource_type: str, pod_id: str,
           project_id: str | None = None) -> list[dict]:
    """Routings of one pod, by top id; ``project_id`` None means any project."""
    query = sa.select(_R).where(_R.pod_id == pod_id, _R.resource_type == resource_type)
    if project_id is not None:
        query = query.where(_R.project_id == project_id)
    return [to_dict(r) for r in session.scalars(query.order_by(_R.top_id))]


@db_api.reader
def of_project(session: Session, project_id: str, resource_types: list[str]) -> list[dict]:
    """The project's routings of the given types, in id order."""
    query = sa.select(_R).where(_R.project_id == project_id,
                                _R.resource_type.in_(resource_types))
    return [to_dict(r) for r in session.scalars(query.order_by(_R.id))]


@db_api.writer
def _insert(session: Session, values: dict) -> None:
    session.add(_R(**values))
    session.flush()


def record(resource_type: str, top_id: str, pod_id: str, project_id: str | None,
           bottom_id: str | None = None) -> bool:
    """Record that ``top_id`` lives in ``pod_id`` (as ``bottom_id``, default the same id).

    False when that routing exists already (a concurrent create or adoption)
    or the pod is gone; True when this call recorded it.
    """
    values = {"top_id": top_id, "bottom_id": bottom_id or top_id, "pod_id": pod_id,
              "project_id": project_id, "resource_type": resource_type}
    try:
        _insert(values)
    except (db_exc.DBDuplicateEntry, db_exc.DBReferenceError):
        return False
    return True


@db_api.writer
def forget(session: Session, resource_type: str, top_id: str, pod_id: str) -> None:
    """Drop the routing of ``top_id`` in ``pod_id``, if there is one."""
    session.execute(sa.delete(_R).where(_R.top_id == top_id, _R.pod_id == pod_id,
                                        _R.resource_type == resource_type))


@db_api.writer
def forget_id(session: Session, routing_id: int) -> None:
    """Drop routing ``routing_id``, if it is still there."""
    session.execute(sa.delete(_R).where(_R.id == routing_id))
