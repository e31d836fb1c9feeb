"""The table of regions the gateway forwards to: pod → service root URL.

The regional pods come from tricircle.objects.pod (its ``Region`` type, with
the endpoints filled in here); their endpoints from ``cached_endpoints``. The
table is kept in memory for
``[gateway]/endpoint_cache_seconds``, so a routed call costs no extra query.
A pod without a cached endpoint is looked up once in the Keystone catalog with
the [client] service account (bounded by its connect and request time-outs)
and the answer is stored in ``cached_endpoints``.
When the table is old, one caller reads it again while the others go on with
the previous table, so a slow database or catalog stalls no gateway call but
that one.
``set_endpoint`` is the seam tests (and operators without a catalog) use to
give an endpoint directly.
"""

import dataclasses
import logging
import re
import threading
import time

from tricircle.common import client
from tricircle.gateway.conf import CONF
from tricircle.objects import endpoint
from tricircle.objects import pod as pod_obj
from tricircle.objects.pod import Region

LOG = logging.getLogger(__name__)

# Service types the gateway stores, with the catalog types that may provide each.
CATALOG_TYPES = {"compute": ("compute",), "volumev3": ("volumev3", "block-storage")}

# The version segment and anything after it: a catalog URL such as
# http://r1/volume/v3/<project> has the service account's project substituted
# in, so the gateway keeps only the root and appends the caller's own path.
_VERSION_SUFFIX = re.compile(r"/v\d+(\.\d+)?(/.*)?$")


def service_root(url: str) -> str:
    """http://r1:8774/v2.1 → http://r1:8774; http://r1/volume/v3/abc → http://r1/volume."""
    return _VERSION_SUFFIX.sub("", url.rstrip("/"))


class RegionTable:
    """The in-memory table; thread-safe, refreshed when older than the cache time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # guards the fields below, never held for a read
        self._first_load = threading.Lock()  # one reader when there is no table yet
        self._regions: list[Region] | None = None
        self._loaded_at = 0.0
        self._refreshing = False
        self._generation = 0  # bumped by invalidate: a read begun before is not kept
        self._catalog = None

    def invalidate(self) -> None:
        with self._lock:
            self._regions = None
            self._generation += 1

    def regions(self) -> list[Region]:
        """Every regional pod, ordered by region name, with its endpoints."""
        with self._lock:
            current = self._regions
            stale = time.monotonic() - self._loaded_at > CONF.gateway.endpoint_cache_seconds
            if current is not None and (not stale or self._refreshing):
                return current
            if current is not None:
                self._refreshing = True  # this caller reads, the others keep `current`
        if current is not None:
            return self._load()
        with self._first_load:  # no table to go on with: wait for one reader
            with self._lock:
                if self._regions is not None:
                    return self._regions
            return self._load()

    def _load(self) -> list[Region]:
        with self._lock:
            generation = self._generation
        try:
            built = self._build()
        finally:
            with self._lock:
                self._refreshing = False
        with self._lock:
            if generation == self._generation:
                self._regions, self._loaded_at = built, time.monotonic()
        return built

    def with_service(self, service_type: str) -> list[Region]:
        return [r for r in self.regions() if r.root(service_type)]

    def get(self, pod_id: str) -> Region | None:
        return next((r for r in self.regions() if r.pod_id == pod_id), None)

    def _build(self) -> list[Region]:
        endpoints = endpoint.get_all()
        regions = []
        catalog_works = client.is_configured()
        for region in pod_obj.regional():
            urls = dict(endpoints.get(region.pod_id, {}))
            for service_type in CATALOG_TYPES:
                if service_type not in urls and catalog_works:
                    try:
                        url = self._from_catalog(region.region_name, service_type)
                    except _CatalogFailed:
                        catalog_works = False  # one time-out per read, not one per pod
                        continue
                    if url:
                        endpoint.store(region.pod_id, service_type, url)
                        urls[service_type] = url
            regions.append(dataclasses.replace(region, endpoints=urls))
        return regions

    def _from_catalog(self, region_name: str, service_type: str) -> str | None:
        try:
            if self._catalog is None:
                self._catalog = client.get_session()
            for catalog_type in CATALOG_TYPES[service_type]:
                url = client.endpoint_for(self._catalog, region_name, catalog_type)
                if url:
                    return service_root(url)
        except Exception as exc:  # a broken catalog must not take the gateway down
            LOG.warning("no %s endpoint of %s from the catalog: %s", service_type,
                        region_name, exc)
            raise _CatalogFailed() from None
        return None


class _CatalogFailed(Exception):
    """The catalog could not be read; the rest of this table read goes without it."""


TABLE = RegionTable()


def set_endpoint(region_name: str, service_type: str, url: str) -> None:
    """Store ``url`` as the ``service_type`` endpoint of the pod of ``region_name``."""
    endpoint.store(pod_obj.pod_id_of(region_name), service_type, service_root(url))
    TABLE.invalidate()
