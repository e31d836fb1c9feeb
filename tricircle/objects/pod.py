"""Pods: the regions Tricircle manages."""

import sqlalchemy as sa
from oslo_db import exception as db_exc
from oslo_utils import uuidutils
from sqlalchemy.orm import Session

from tricircle.common import exceptions
from tricircle.db import api as db_api
from tricircle.db import models

FIELDS = ("pod_id", "region_name", "az_name", "pod_az_name", "dc_name")


def to_dict(pod: models.Pod) -> dict:
    return {field: getattr(pod, field) for field in FIELDS}


def _get(session: Session, pod_id: str) -> models.Pod:
    pod = session.get(models.Pod, pod_id)
    if pod is None:
        raise exceptions.NotFound("Pod", pod_id)
    return pod


def _check_single_central_pod(session: Session, az_name: str, pod_id: str | None) -> None:
    """Exactly one pod may have an empty az_name: the central one."""
    if az_name:
        return
    query = sa.select(models.Pod).where(models.Pod.az_name == "")
    if pod_id:
        query = query.where(models.Pod.pod_id != pod_id)
    central = session.scalars(query).first()
    if central is not None:
        raise exceptions.Conflict(
            f"Pod {central.region_name} is already the central pod (empty az_name); "
            "give this pod an az_name.")


def _flush_unique(session: Session, region_name: str) -> None:
    try:
        session.flush()
    except db_exc.DBDuplicateEntry:
        raise exceptions.Conflict(
            f"A pod with region_name {region_name} already exists.") from None


@db_api.writer
def create(session: Session, values: dict) -> dict:
    pod = models.Pod(pod_id=uuidutils.generate_uuid(), az_name="", pod_az_name="", dc_name="")
    for field, value in values.items():
        setattr(pod, field, value)
    _check_single_central_pod(session, pod.az_name, None)
    session.add(pod)
    _flush_unique(session, pod.region_name)
    return to_dict(pod)


@db_api.reader
def get(session: Session, pod_id: str) -> dict:
    return to_dict(_get(session, pod_id))


@db_api.reader
def get_by_region(session: Session, region_name: str) -> dict | None:
    pod = session.scalars(
        sa.select(models.Pod).where(models.Pod.region_name == region_name)).first()
    return to_dict(pod) if pod else None


@db_api.reader
def get_all(session: Session, filters: dict, limit: int, marker: str | None) -> list[dict]:
    """Pods ordered by region_name, after the pod ``marker``."""
    query = db_api.apply_filters(sa.select(models.Pod), models.Pod, filters)
    marker_values = None
    if marker:
        marker_pod = session.get(models.Pod, marker)
        if marker_pod is None:
            raise exceptions.MarkerNotFound(marker)
        marker_values = (marker_pod.region_name,)
    pods = db_api.paginate(session, query, [models.Pod.region_name], marker_values, limit)
    return [to_dict(p) for p in pods]


@db_api.writer
def update(session: Session, pod_id: str, values: dict) -> dict:
    pod = _get(session, pod_id)
    if "az_name" in values:
        _check_single_central_pod(session, values["az_name"], pod_id)
    for field, value in values.items():
        setattr(pod, field, value)
    _flush_unique(session, pod.region_name)
    return to_dict(pod)


@db_api.writer
def delete(session: Session, pod_id: str, force: bool = False) -> None:
    """Delete a pod; one that still has routings only when ``force`` is set."""
    pod = _get(session, pod_id)
    routings = session.scalar(
        sa.select(sa.func.count()).select_from(models.ResourceRouting)
        .where(models.ResourceRouting.pod_id == pod_id))
    if routings and not force:
        raise exceptions.Conflict(
            f"Pod {pod_id} still has {routings} resource routings; delete them "
            "first or pass force=true.")
    # Delete dependants explicitly rather than trusting ON DELETE CASCADE, which
    # SQLite only honours when foreign keys are switched on for the connection.
    for model in (models.ResourceRouting, models.PodBinding, models.CachedEndpoint,
                  models.ShadowAgent):
        session.execute(sa.delete(model).where(model.pod_id == pod_id))
    session.delete(pod)
