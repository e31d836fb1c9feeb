"""The gateway's cache of routing lookups: one indexed lookup per routed call, and
none for an id looked up in the last few seconds.

The queries are tricircle.objects.routing's (callers that need no cache,
such as ``in_pod``, use it directly); this module only remembers answers.
The cache holds where a resource lives, which never changes while it exists.
A routing that went stale (the resource was deleted through another gateway
process) costs one 404 from the region, which forgets it everywhere.
"""

import logging
import threading
import time

from tricircle.objects import routing

LOG = logging.getLogger(__name__)

_CACHE_SECONDS = 30.0
_CACHE_MAX = 20000
_cache: dict[tuple, tuple[float, dict]] = {}
_cache_lock = threading.Lock()


def _remember(key: tuple, found: dict) -> None:
    with _cache_lock:
        if len(_cache) >= _CACHE_MAX:
            _cache.clear()  # simple and rare: the next calls refill it
        _cache[key] = (time.monotonic() + _CACHE_SECONDS, found)


def find(resource_type: str, top_id: str, project_id: str | None) -> dict | None:
    """The routing of ``top_id``; ``project_id`` None means any project (admin).

    The cache key carries the caller's scope, so a project never gets an answer
    that was looked up for another one.
    """
    key = (resource_type, top_id, project_id)
    with _cache_lock:
        hit = _cache.get(key)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    found = routing.find(resource_type, top_id, project_id)
    if found is not None:
        _remember(key, found)
    return found


def _drop_cached(resource_type: str, top_id: str) -> None:
    with _cache_lock:
        for key in [k for k in _cache if k[0] == resource_type and k[1] == top_id]:
            del _cache[key]


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


def record(resource_type: str, top_id: str, pod_id: str, project_id: str | None) -> None:
    """Record that ``top_id`` lives in ``pod_id`` (same id there); a routing that is
    already there (a concurrent adoption) is fine."""
    if not routing.record(resource_type, top_id, pod_id, project_id):
        LOG.debug("%s %s not recorded in pod %s: its routing exists already or the "
                  "pod is gone", resource_type, top_id, pod_id)
        return
    # The owner's next call (a show or delete right after the create) needs no query.
    if len(_cache) < _CACHE_MAX:
        _remember((resource_type, top_id, project_id), {
            "top_id": top_id, "bottom_id": top_id, "pod_id": pod_id,
            "project_id": project_id, "resource_type": resource_type,
            "created_at": None})


def forget(resource_type: str, top_id: str, pod_id: str) -> None:
    """Drop a routing whose resource the region no longer has."""
    routing.forget(resource_type, top_id, pod_id)
    # After the delete: dropped before it, a lookup in between would cache it again.
    _drop_cached(resource_type, top_id)

