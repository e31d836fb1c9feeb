"""Pod bindings: which pod of an AZ a project's creates in that AZ go to.

The API names the project ``tenant_id`` (the field of the retired Trio2o
API and of the ``pod_bindings`` column); the code here says project.
"""

import sqlalchemy as sa
from oslo_db import api as oslo_db_api
from oslo_utils import uuidutils
from sqlalchemy.orm import Session

from tricircle.common import exceptions
from tricircle.db import api as db_api
from tricircle.db import models


def _to_dict(binding: models.PodBinding, pod: models.Pod) -> dict:
    return {
        "id": binding.id,
        "tenant_id": binding.tenant_id,
        "pod_id": binding.pod_id,
        "az_name": pod.az_name,
        "is_binding": binding.is_binding,
        "created_at": binding.created_at.isoformat(),
        "updated_at": binding.updated_at.isoformat() if binding.updated_at else None,
    }


def _lock_zone_of(session: Session, pod_id: str) -> None:
    """Lock the pods of ``pod_id``'s AZ, in one order, before anything else is read.

    A project's first creates in an AZ bind it in parallel (the gateway's
    scheduler): without the lock two binds both find no binding and both add one,
    or deadlock on each other's release of the other. With it, binds in one AZ
    happen one after the other, each reading what the one before committed.
    """
    zone = sa.select(models.Pod.az_name).where(models.Pod.pod_id == pod_id).scalar_subquery()
    session.execute(sa.select(models.Pod.pod_id).where(models.Pod.az_name == zone)
                    .order_by(models.Pod.pod_id).with_for_update()).all()


# A bind that still meets a deadlock (a move between AZs locks two) is redone.
_redo_on_deadlock = oslo_db_api.wrap_db_retry(max_retries=5, retry_interval=0.05,
                                              retry_on_deadlock=True, jitter=True)


def _zone_pod(session: Session, pod_id: str) -> models.Pod:
    """The pod to bind to; it must exist and belong to an AZ."""
    pod = session.get(models.Pod, pod_id)
    if pod is None:
        raise exceptions.Invalid(f"Invalid input for field 'binding/pod_id': "
                                 f"pod {pod_id} does not exist.")
    if not pod.az_name:
        raise exceptions.Invalid(f"Invalid input for field 'binding/pod_id': pod "
                                 f"{pod.region_name} is the central pod; bind to a pod "
                                 "of an availability zone.")
    return pod


def _get(session: Session, binding_id: str) -> tuple[models.PodBinding, models.Pod]:
    binding = session.get(models.PodBinding, binding_id)
    if binding is None:
        raise exceptions.NotFound("Binding", binding_id)
    return binding, session.get(models.Pod, binding.pod_id)


def _release_others(session: Session, binding: models.PodBinding, az_name: str) -> None:
    """Keep one current binding per (project, AZ): the one just made current."""
    pods_in_az = sa.select(models.Pod.pod_id).where(models.Pod.az_name == az_name)
    session.execute(
        sa.update(models.PodBinding)
        .where(models.PodBinding.tenant_id == binding.tenant_id,
               models.PodBinding.id != binding.id,
               models.PodBinding.pod_id.in_(pods_in_az))
        .values(is_binding=False, updated_at=models.utcnow()))


def _check_unique(session: Session, project_id: str, pod_id: str, own_id: str) -> None:
    # A locking read: it sees what other binds committed, whatever the isolation.
    other = session.scalars(sa.select(models.PodBinding).where(
        models.PodBinding.tenant_id == project_id, models.PodBinding.pod_id == pod_id,
        models.PodBinding.id != own_id).with_for_update()).first()
    if other is not None:
        # "Tenant": the API field the caller sent is tenant_id.
        raise exceptions.Conflict(f"Tenant {project_id} already has binding {other.id} "
                                  f"to pod {pod_id}.")


@_redo_on_deadlock
@db_api.writer
def create(session: Session, project_id: str, pod_id: str, is_binding: bool = True) -> dict:
    """Bind ``project_id`` to ``pod_id``; a current binding releases the project's
    other bindings in that pod's AZ. Conflict when that binding exists."""
    _lock_zone_of(session, pod_id)
    pod = _zone_pod(session, pod_id)
    binding = models.PodBinding(id=uuidutils.generate_uuid(), tenant_id=project_id,
                                pod_id=pod_id, is_binding=is_binding)
    _check_unique(session, project_id, pod_id, binding.id)
    session.add(binding)
    session.flush()
    if is_binding:
        _release_others(session, binding, pod.az_name)
    return _to_dict(binding, pod)


@db_api.reader
def get(session: Session, binding_id: str) -> dict:
    return _to_dict(*_get(session, binding_id))


@db_api.reader
def get_all(session: Session, filters: dict, limit: int, marker: str | None) -> list[dict]:
    """Bindings oldest first, after the binding ``marker``; ``az_name`` filters
    on the bound pod's AZ."""
    query = sa.select(models.PodBinding, models.Pod).join(
        models.Pod, models.Pod.pod_id == models.PodBinding.pod_id)
    if "az_name" in filters:
        query = query.where(models.Pod.az_name == filters.pop("az_name"))
    query = db_api.apply_filters(query, models.PodBinding, filters)
    columns = [models.PodBinding.created_at, models.PodBinding.id]
    if marker:
        marker_binding = session.get(models.PodBinding, marker)
        if marker_binding is None:
            raise exceptions.MarkerNotFound(marker)
        query = query.where(db_api.after_marker(
            columns, (marker_binding.created_at, marker_binding.id)))
    rows = session.execute(query.order_by(*columns).limit(limit))
    return [_to_dict(binding, pod) for binding, pod in rows]


@_redo_on_deadlock
@db_api.writer
def update(session: Session, binding_id: str, values: dict) -> dict:
    if "pod_id" in values:
        _lock_zone_of(session, values["pod_id"])
    binding, pod = _get(session, binding_id)
    _lock_zone_of(session, binding.pod_id)
    if "pod_id" in values:
        pod = _zone_pod(session, values["pod_id"])
        _check_unique(session, binding.tenant_id, pod.pod_id, binding.id)
        binding.pod_id = pod.pod_id
    if "is_binding" in values:
        binding.is_binding = values["is_binding"]
    binding.updated_at = models.utcnow()
    session.flush()
    if binding.is_binding:
        _release_others(session, binding, pod.az_name)
    return _to_dict(binding, pod)


@db_api.writer
def delete(session: Session, binding_id: str) -> None:
    binding, _ = _get(session, binding_id)
    session.delete(binding)


# --- lookups of the gateway's scheduler ----------------------------------------------

@db_api.reader
def current_pods(session: Session, project_id: str) -> list[str]:
    """Pod ids ``project_id`` is currently bound to, oldest binding first."""
    return list(session.scalars(
        sa.select(models.PodBinding.pod_id)
        .where(models.PodBinding.tenant_id == project_id, models.PodBinding.is_binding)
        .order_by(models.PodBinding.created_at, models.PodBinding.id)))


@db_api.reader
def counts(session: Session, pod_ids: list[str]) -> dict[str, int]:
    """Current bindings per pod of ``pod_ids``; a pod without any is left out."""
    rows = session.execute(
        sa.select(models.PodBinding.pod_id, sa.func.count())
        .where(models.PodBinding.pod_id.in_(pod_ids), models.PodBinding.is_binding)
        .group_by(models.PodBinding.pod_id))
    return dict(rows.all())
