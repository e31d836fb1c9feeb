"""Cached endpoints: each pod's service URLs, as the catalog gave them (or an operator set).

The gateway and xjob read them before asking Keystone's catalog, and store
what the catalog answered; a URL that stopped answering is forgotten so the
next call asks the catalog again.
"""

import sqlalchemy as sa
from oslo_utils import uuidutils
from sqlalchemy.orm import Session

from tricircle.db import api as db_api
from tricircle.db import models

_E = models.CachedEndpoint


@db_api.reader
def get(session: Session, pod_id: str, service_type: str) -> str | None:
    """The cached URL of ``service_type`` in pod ``pod_id``, None when none is cached."""
    return session.scalar(sa.select(_E.service_url).where(
        _E.pod_id == pod_id, _E.service_type == service_type))


@db_api.reader
def get_all(session: Session) -> dict[str, dict[str, str]]:
    """Every cached URL: pod id -> service type -> URL."""
    endpoints: dict[str, dict[str, str]] = {}
    for row in session.scalars(sa.select(_E)):
        endpoints.setdefault(row.pod_id, {})[row.service_type] = row.service_url
    return endpoints


@db_api.writer
def store(session: Session, pod_id: str, service_type: str, url: str) -> None:
    """Cache ``url`` as the ``service_type`` endpoint of the pod, replacing any other."""
    session.execute(sa.delete(_E).where(_E.pod_id == pod_id, _E.service_type == service_type))
    session.add(_E(service_id=uuidutils.generate_uuid(), pod_id=pod_id,
                   service_type=service_type, service_url=url))


@db_api.writer
def forget(session: Session, pod_id: str, service_type: str) -> None:
    """Drop a cached endpoint so the next call asks the catalog again."""
    session.execute(sa.delete(_E).where(_E.pod_id == pod_id, _E.service_type == service_type))
