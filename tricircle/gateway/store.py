"""The gateway's cache of routing lookups: one indexed lookup per routed call, and
none for an id looked up in the last few seconds.

The queries are tricircle.objects.routing's (callers that need no cache,
such as ``in_pod``, use it directly); this module only remembers answers.

How fresh the cache is:

- A routing the gateway records or forgets itself (create, adoption, a 404
  from the region) is seen at once by this process.
- A routing an admin changes or deletes (``PUT``/``DELETE /v1.0/routings/{id}``,
  which calls ``drop``) is seen at once by the process that served the request,
  and by every other process after at most ``[gateway]/routing_cache_seconds``.
- A routing that went stale meanwhile costs one 404 from the region, which
  forgets it.
"""

import logging
import threading
import time

from tricircle.gateway.conf import CONF
from tricircle.objects import routing

LOG = logging.getLogger(__name__)

_CACHE_MAX = 20000
_cache: dict[tuple, tuple[float, dict]] = {}
_cache_lock = threading.Lock()
# Counts the drops: a lookup that read the database before a drop does not cache
# its (maybe outdated) answer after it.
_generation = 0


def _remember(key: tuple, found: dict, generation: int | None = None) -> None:
    with _cache_lock:
        if generation is not None and generation != _generation:
            return
        if len(_cache) >= _CACHE_MAX:
            _cache.clear()  # simple and rare: the next calls refill it
        _cache[key] = (time.monotonic() + CONF.gateway.routing_cache_seconds, found)


def find(resource_type: str, top_id: str, project_id: str | None) -> dict | None:
    """The routing of ``top_id``; ``project_id`` None means any project (admin).

    The cache key carries the caller's scope, so a project never gets an answer
    that was looked up for another one.
    """
    key = (resource_type, top_id, project_id)
    with _cache_lock:
        hit = _cache.get(key)
        generation = _generation
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    found = routing.find(resource_type, top_id, project_id)
    if found is not None and CONF.gateway.routing_cache_seconds > 0:
        _remember(key, found, generation)
    return found


def drop(resource_type: str, top_id: str) -> None:
    """Forget what is cached about ``top_id`` (its routing changed or went away)."""
    global _generation
    with _cache_lock:
        _generation += 1
        for key in [k for k in _cache if k[0] == resource_type and k[1] == top_id]:
            del _cache[key]


def clear_cache() -> None:
    global _generation
    with _cache_lock:
        _generation += 1
        _cache.clear()


def record(resource_type: str, top_id: str, pod_id: str, project_id: str | None) -> None:
    """Record that ``top_id`` lives in ``pod_id`` (same id there); a routing that is
    already there (a concurrent adoption) is fine."""
    if not routing.record(resource_type, top_id, pod_id, project_id):
        LOG.debug("%s %s not recorded in pod %s: its routing exists already or the "
                  "pod is gone", resource_type, top_id, pod_id)
        return
    # The owner's next call (a show or delete right after the create) needs no query.
    if len(_cache) < _CACHE_MAX and CONF.gateway.routing_cache_seconds > 0:
        _remember((resource_type, top_id, project_id), {
            "top_id": top_id, "bottom_id": top_id, "pod_id": pod_id,
            "project_id": project_id, "resource_type": resource_type,
            "created_at": None})


def forget(resource_type: str, top_id: str, pod_id: str) -> None:
    """Drop a routing whose resource the region no longer has."""
    routing.forget(resource_type, top_id, pod_id)
    # After the delete: dropped before it, a lookup in between would cache it again.
    drop(resource_type, top_id)
