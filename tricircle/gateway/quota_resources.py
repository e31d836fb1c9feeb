"""The resources central quota limits and counts: one row each.

A row names the resource as each party does (our usage name in
/v1.0/usages, the Keystone unified limit, Nova's or Cinder's own quota name),
the service it belongs to, and how its usage is counted: the ``absolute``
fields of a region's /limits answer, and, for a region that cannot be asked,
the routings of which resource type (None: not counted then).
"""

import dataclasses


@dataclasses.dataclass(frozen=True)
class Resource:
    usage_name: str  # ours: /v1.0/usages and Usage counts
    unified_name: str  # the Keystone unified limit (as Nova and Cinder register it)
    legacy_name: str  # Nova's / Cinder's quota name (os-quota-sets, over-quota faults)
    service_type: str  # of the region table: compute, volumev3
    limit_field: str  # "absolute" field of /limits with the limit
    used_field: str  # "absolute" field of /limits with the usage
    routed_as: str | None  # resource type counted from routings in a down region


RESOURCES = (
    Resource("servers", "servers", "instances", "compute",
             "maxTotalInstances", "totalInstancesUsed", "server"),
    Resource("cores", "class:VCPU", "cores", "compute",
             "maxTotalCores", "totalCoresUsed", None),
    Resource("ram", "class:MEMORY_MB", "ram", "compute",
             "maxTotalRAMSize", "totalRAMUsed", None),
    Resource("volumes", "volumes", "volumes", "volumev3",
             "maxTotalVolumes", "totalVolumesUsed", "volume"),
    Resource("gigabytes", "gigabytes", "gigabytes", "volumev3",
             "maxTotalVolumeGigabytes", "totalGigabytesUsed", None),
    Resource("snapshots", "snapshots", "snapshots", "volumev3",
             "maxTotalSnapshots", "totalSnapshotsUsed", "snapshot"),
)

BY_UNIFIED_NAME = {resource.unified_name: resource for resource in RESOURCES}
SERVICE_TYPES = tuple(dict.fromkeys(resource.service_type for resource in RESOURCES))


def of_service(service_type: str) -> tuple[Resource, ...]:
    """The rows of one service, in table order."""
    return tuple(r for r in RESOURCES if r.service_type == service_type)
