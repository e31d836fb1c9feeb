"""Availability zone names both ways: the pods table's ``az_name`` is what users see.

A region may call its zone something else inside (the pod's ``pod_az_name``).
Creates and the ``availability_zone`` list filter are translated to the
region's name on the way in (create.py, lists.py); every body on the way
out shows the pods table's name (``show_az_names``, from Call.respond and the
list merge), so what a server or a volume says is a zone of ``availability
zone list``.
"""

from tricircle.objects.pod import Region

# The zone fields of bodies, by service: Nova's extended attribute, Cinder's field.
_ZONE_FIELDS = {"compute": ("OS-EXT-AZ:availability_zone",),
                "volume": ("availability_zone",)}
# Nova's zone of its control services (scheduler, conductor): in no pod's AZ.
INTERNAL_ZONE = "internal"


def az_name_of(region: Region, inside: object) -> object:
    """What users call the zone ``region`` calls ``inside``."""
    if not isinstance(inside, str) or not region.az_name or inside == INTERNAL_ZONE:
        return inside
    if inside == region.pod_az_name or not region.pod_az_name:
        return region.az_name  # without a pod_az_name the region's zone is the pod's
    return inside


def show_az_names(data: object, region: Region, service_name: str) -> None:
    """Rewrite, in place, the zone of each resource of an answer of ``region``."""
    if not isinstance(data, dict):
        return
    fields = _ZONE_FIELDS.get(service_name, ())
    for value in data.values():
        items = value if isinstance(value, list) else [value]
        for item in items:
            if not isinstance(item, dict):
                continue
            for field in fields:
                if field in item:
                    item[field] = az_name_of(region, item[field])


def in_zone(regions: list[Region], zone: str) -> list[Region]:
    """The regions of availability zone ``zone`` (or the region named so)."""
    return [r for r in regions if zone in (r.az_name, r.region_name)]
