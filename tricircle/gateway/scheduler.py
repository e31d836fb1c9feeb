"""Which region a create goes to: availability zone, project binding, default region.

The order (from Trio2o): an AZ in the body names the pods of that AZ (or one
region by name); the project's binding in that AZ wins; otherwise the enabled
pod of the AZ with the fewest bindings is chosen and the project is bound to
it, so its later creates in that AZ land together. Without an AZ: the project's
current binding, then [gateway]/default_region.

The bindings themselves are read and written in tricircle.objects.binding;
this module only decides.
"""

import logging

from tricircle.common import exceptions
from tricircle.gateway import proxy
from tricircle.gateway.conf import CONF
from tricircle.objects import binding as binding_obj
from tricircle.objects.pod import Region

LOG = logging.getLogger(__name__)


def default_region(regions: list[Region]) -> Region | None:
    """The configured default region, else the first region by name."""
    wanted = CONF.gateway.default_region
    if wanted:
        return next((r for r in regions if r.region_name == wanted), None)
    return regions[0] if regions else None


def _bind(project_id: str, candidates: list[Region]) -> Region:
    """Pick the enabled candidate with the fewest projects bound and bind to it."""
    enabled = [r for r in candidates if not proxy.BREAKER.pod_is_down(r.pod_id)] or candidates
    counts = binding_obj.counts([r.pod_id for r in enabled])
    chosen = min(enabled, key=lambda r: (counts.get(r.pod_id, 0), r.region_name))
    try:
        binding_obj.create(project_id, chosen.pod_id)
    except exceptions.Conflict:
        pass  # a concurrent create bound the project to the same pod
    LOG.info("project %s bound to %s in availability zone %s", project_id,
             chosen.region_name, chosen.az_name)
    return chosen


def pick(regions: list[Region], project_id: str, zone: str | None) -> Region:
    """The region a create of ``project_id`` in ``zone`` (None: no AZ given) goes to."""
    bound = binding_obj.current_pods(project_id)
    if zone:
        in_zone = [r for r in regions if r.az_name == zone]
        if not in_zone:
            by_name = [r for r in regions if r.region_name == zone]
            if by_name:
                return by_name[0]
            raise exceptions.Invalid(f"The requested availability zone {zone} is not "
                                     "available.")
        for pod_id in bound:
            match = next((r for r in in_zone if r.pod_id == pod_id), None)
            if match:
                return match
        return _bind(project_id, in_zone)
    for pod_id in bound:
        match = next((r for r in regions if r.pod_id == pod_id), None)
        if match:
            return match
    region = default_region(regions)
    if region is None:
        raise exceptions.Invalid("No region can take this create: no availability zone "
                                 "was given and no default region is configured.")
    return region
