"""The routing queries of the gateway: one indexed lookup per routed call, and
none for an id looked up in the last few seconds.

The cache holds where a resource lives, which never changes while it exists.
A routing that went stale (the resource was deleted through another gateway
process) costs one 404 from the region, which forgets it everywhere.
"""

import logging
import threading
import time

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


_CACHE_SECONDS = 30.0
_CACHE_MAX = 20000
_cache: dict[tuple, tuple[float, dict]] = {}
_cache_lock = threading.Lock()


def find(resource_type: str, top_id: str, project_id: str | None) -> dict | None:
    """The routing of ``top_id``; ``project_id`` None means any project (admin).

    The cache key carries the caller's scope, so a tenant never gets an answer
    that was looked up for another one.
    """
    key = (resource_type, top_id, project_id)
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    routing = _find(resource_type, top_id, project_id)
    if routing is not None:
        with _cache_lock:
            if len(_cache) >= _CACHE_MAX:
                _cache.clear()  # simple and rare: the next calls refill it
            _cache[key] = (now + _CACHE_SECONDS, routing)
    return routing


def _drop_cached(resource_type: str, top_id: str) -> None:
    with _cache_lock:
        for key in [k for k in _cache if k[0] == resource_type and k[1] == top_id]:
            del _cache[key]


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


@db_api.reader
def _find(session: Session, resource_type: str, top_id: str,
          project_id: str | None) -> dict | None:
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
    values = {"top_id": top_id, "bottom_id": top_id, "pod_id": pod_id,
              "project_id": project_id, "resource_type": resource_type}
    try:
        _insert(values)
    except db_exc.DBDuplicateEntry:
        return
    except db_exc.DBReferenceError:
        LOG.warning("%s %s not recorded: pod %s is gone", resource_type, top_id, pod_id)
        return
    # The owner's next call (a show or delete right after the create) needs no query.
    with _cache_lock:
        if len(_cache) < _CACHE_MAX:
            _cache[(resource_type, top_id, project_id)] = (
                time.monotonic() + _CACHE_SECONDS,
                {**values, "created_at": None})


@db_api.writer
def forget(session: Session, resource_type: str, top_id: str, pod_id: str) -> None:
    """Drop a routing whose resource the region no longer has."""
    _drop_cached(resource_type, top_id)
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
