"""A project's usage in every region, counted live and concurrently.

Each region's own ``/limits`` answer carries the project's usage as that
region counts it (Nova: instances, cores, RAM; Cinder: volumes, gigabytes,
snapshots), so one call per region and service gives an exact count,
including resources created in a region behind the gateway's back. The
caller's token is used; an admin asking for another project names it
(Nova's ``tenant_id``, Cinder's ``project_id`` from microversion 3.39).
"""

import dataclasses
import logging
from collections.abc import Iterable

from tricircle.common import exceptions
from tricircle.gateway import proxy
from tricircle.gateway.conf import CONF
from tricircle.gateway.quota_resources import RESOURCES, SERVICE_TYPES, of_service
from tricircle.gateway.regions import TABLE
from tricircle.objects.pod import Region

LOG = logging.getLogger(__name__)

# Views of quota_resources.RESOURCES: service type → {usage name: the "absolute"
# field of its /limits answer}, and every usage name.
FIELDS = {service_type: {r.usage_name: r.used_field for r in of_service(service_type)}
          for service_type in SERVICE_TYPES}
NAMES = tuple(r.usage_name for r in RESOURCES)
CINDER_PROJECT_FILTER = "volume 3.39"  # the first microversion with ?project_id=


@dataclasses.dataclass
class Usage:
    """Usage per region name, and the regions that could not be counted."""

    regions: dict[str, dict[str, int]]
    unreachable: list[str]

    def total(self, names: Iterable[str] = NAMES) -> dict[str, int]:
        return {name: sum(counts.get(name, 0) for counts in self.regions.values())
                for name in names}


def _request(service_type: str, token_project: str,
             project: str) -> tuple[str, str, dict[str, str]]:
    """(path, query, extra headers) of the /limits call for ``project``."""
    other = project != token_project
    if service_type == "compute":
        return "/v2.1/limits", f"tenant_id={project}" if other else "", {}
    headers = {"OpenStack-API-Version": CINDER_PROJECT_FILTER} if other else {}
    return f"/v3/{token_project}/limits", f"project_id={project}" if other else "", headers


def _parse(reply: proxy.Reply | exceptions.RegionUnreachable,
           fields: dict[str, str]) -> dict[str, int] | None:
    """The counts of a 200 /limits answer, None for anything else."""
    if not isinstance(reply, proxy.Reply) or reply.status != 200:
        return None
    data = reply.json()
    absolute = (data.get("limits") or {}).get("absolute") if isinstance(data, dict) else None
    if not isinstance(absolute, dict):
        return None
    return {name: int(absolute.get(field) or 0) for name, field in fields.items()}


def _ask(region: Region, service_type: str, token: str, token_project: str,
         project: str, request_id: str | None) -> dict[str, int] | None:
    """One region's counts of one service, None when it could not say."""
    path, query, extra = _request(service_type, token_project, project)
    headers = {"X-Auth-Token": token, "Accept": "application/json", **extra}
    try:
        reply = proxy.send(region, service_type, "GET", path, query, None, headers,
                           CONF.gateway.list_timeout, request_id)
    except exceptions.RegionUnreachable:
        LOG.warning("usage of %s in region %s not counted: unreachable", service_type,
                    region.region_name)
        return None
    counts = _parse(reply, FIELDS[service_type])
    if counts is None:
        LOG.warning("usage of %s in region %s not counted: HTTP %s", service_type,
                    region.region_name, reply.status)
    return counts


def of_region(region: Region, service_type: str, token: str, token_project: str,
              project: str, request_id: str | None = None) -> dict[str, int] | None:
    """What one region counts for ``project`` of one service, None when it could not
    say (central quota waits for a create to show here)."""
    return _ask(region, service_type, token, token_project, project, request_id)


def count(service_types: Iterable[str], token: str, token_project: str,
          project: str, request_id: str | None = None) -> Usage:
    """The usage of ``project`` in every region that has one of ``service_types``;
    the regions are asked at once, each region's services one after the other.
    ``request_id`` is the global request id the regions log the calls under."""
    wanted = list(service_types)
    regions = [r for r in TABLE.regions() if any(r.root(t) for t in wanted)]

    def ask(region: Region) -> tuple[dict[str, int], bool]:
        counts, failed = {}, False
        for service_type in (t for t in wanted if region.root(t)):
            found = _ask(region, service_type, token, token_project, project, request_id)
            failed = failed or found is None
            counts.update(found or {})
        return counts, failed

    result = Usage({}, [])
    for region, (counts, failed) in proxy.fan_out(regions, ask):
        if failed:
            result.unreachable.append(region.region_name)
        if counts:
            result.regions[region.region_name] = counts
    return result
