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
from tricircle.gateway.regions import TABLE, Region

LOG = logging.getLogger(__name__)

# Our usage names → the "absolute" field of the service's /limits answer.
FIELDS = {
    "compute": {"servers": "totalInstancesUsed", "cores": "totalCoresUsed",
                "ram": "totalRAMUsed"},
    "volumev3": {"volumes": "totalVolumesUsed", "gigabytes": "totalGigabytesUsed",
                 "snapshots": "totalSnapshotsUsed"},
}
NAMES = tuple(name for fields in FIELDS.values() for name in fields)
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
         project: str) -> dict[str, int] | None:
    """One region's counts of one service, None when it could not say."""
    path, query, extra = _request(service_type, token_project, project)
    headers = {"X-Auth-Token": token, "Accept": "application/json", **extra}
    try:
        reply = proxy.send(region, service_type, "GET", path, query, None, headers,
                           CONF.gateway.list_timeout)
    except exceptions.RegionUnreachable:
        LOG.warning("usage of %s in region %s not counted: unreachable", service_type,
                    region.name)
        return None
    counts = _parse(reply, FIELDS[service_type])
    if counts is None:
        LOG.warning("usage of %s in region %s not counted: HTTP %s", service_type,
                    region.name, reply.status)
    return counts


def count(service_types: Iterable[str], token: str, token_project: str,
          project: str) -> Usage:
    """The usage of ``project`` in every region that has one of ``service_types``;
    the regions are asked at once, each region's services one after the other."""
    wanted = list(service_types)
    regions = [r for r in TABLE.regions() if any(r.root(t) for t in wanted)]

    def ask(region: Region) -> tuple[dict[str, int], bool]:
        counts, failed = {}, False
        for service_type in (t for t in wanted if region.root(t)):
            found = _ask(region, service_type, token, token_project, project)
            failed = failed or found is None
            counts.update(found or {})
        return counts, failed

    result = Usage({}, [])
    for region, (counts, failed) in proxy.fan_out(regions, ask):
        if failed:
            result.unreachable.append(region.name)
        if counts:
            result.regions[region.name] = counts
    return result
