"""Pods: the regions Tricircle manages.

One pod is the central one (CentralRegion: central Neutron, the gateway's own
region); it is the only pod without an ``az_name``. Every other pod is a
regional one. :func:`central` and :func:`regional` are the only places that
tell them apart.
"""

import dataclasses

import sqlalchemy as sa
from oslo_db import exception as db_exc
from oslo_utils import uuidutils
from sqlalchemy.orm import Session

from tricircle.common import exceptions
from tricircle.db import api as db_api
from tricircle.db import models

FIELDS = ("pod_id", "region_name", "az_name", "pod_az_name", "dc_name")

# The central pod is the one pod with an empty az_name (checked on every write).
IS_CENTRAL = models.Pod.az_name == ""


@dataclasses.dataclass(frozen=True)
class Region:
    """A pod as the gateway and xjob use it: where to send a call.

    ``endpoints`` maps a service type to its root URL in the region, when the
    caller has looked them up (the gateway's region table does).
    """

    pod_id: str
    region_name: str
    az_name: str = ""
    pod_az_name: str = ""
    endpoints: dict[str, str] = dataclasses.field(default_factory=dict, compare=False)

    def root(self, service_type: str) -> str | None:
        """The service root URL in this region (no version), None without the service."""
        return self.endpoints.get(service_type)


def _region(pod: models.Pod) -> Region:
    return Region(pod.pod_id, pod.region_name, pod.az_name, pod.pod_az_name)


@db_api.reader
def central(session: Session) -> Region | None:
    """The central pod, None when none is registered."""
    pod = session.scalars(sa.select(models.Pod).where(IS_CENTRAL)).first()
    return _region(pod) if pod else None


@db_api.reader
def regional(session: Session) -> list[Region]:
    """Every regional pod (those with an availability zone), by region name."""
    query = sa.select(models.Pod).where(~IS_CENTRAL).order_by(models.Pod.region_name)
    return [_region(pod) for pod in session.scalars(query)]


@db_api.reader
def region_of(session: Session, pod_id: str) -> Region:
    """The pod ``pod_id``; NotFound when it is not registered."""
    return _region(_get(session, pod_id))


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
    query = sa.select(models.Pod).where(IS_CENTRAL)
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
def pod_id_of(session: Session, region_name: str) -> str:
    """The id of the pod of ``region_name``; NotFound when none is registered."""
    pod_id = session.scalar(sa.select(models.Pod.pod_id)
                            .where(models.Pod.region_name == region_name))
    if pod_id is None:
        raise exceptions.NotFound("Pod of region", region_name)
    return pod_id


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
                  models.ShadowAgent, models.BreakerState):
        session.execute(sa.delete(model).where(model.pod_id == pod_id))
    session.delete(pod)
