"""Which region a create goes to: availability zone, tenant binding, default region.

The order (from Trio2o): an AZ in the body names the pods of that AZ (or one
region by name); the tenant's binding in that AZ wins; otherwise the enabled
pod of the AZ with the fewest bindings is chosen and the tenant is bound to
it, so its later creates in that AZ land together. Without an AZ: the tenant's
current binding, then [gateway]/default_region.
"""

import logging

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tricircle.common import exceptions
from tricircle.db import api as db_api
from tricircle.db import models
from tricircle.gateway import proxy
from tricircle.gateway.conf import CONF
from tricircle.gateway.regions import Region
from tricircle.objects import binding as binding_obj

LOG = logging.getLogger(__name__)


@db_api.reader
def _bindings(session: Session, tenant_id: str) -> list[str]:
    """Pod ids the tenant is currently bound to, oldest binding first."""
    return list(session.scalars(
        sa.select(models.PodBinding.pod_id)
        .where(models.PodBinding.tenant_id == tenant_id, models.PodBinding.is_binding)
        .order_by(models.PodBinding.created_at, models.PodBinding.id)))


@db_api.reader
def _binding_counts(session: Session, pod_ids: list[str]) -> dict[str, int]:
    rows = session.execute(
        sa.select(models.PodBinding.pod_id, sa.func.count())
        .where(models.PodBinding.pod_id.in_(pod_ids), models.PodBinding.is_binding)
        .group_by(models.PodBinding.pod_id))
    return dict(rows.all())


def default_region(regions: list[Region]) -> Region | None:
    """The configured default region, else the first region by name."""
    wanted = CONF.gateway.default_region
    if wanted:
        return next((r for r in regions if r.name == wanted), None)
    return regions[0] if regions else None


def _bind(tenant_id: str, candidates: list[Region]) -> Region:
    """Pick the enabled candidate with the fewest tenants bound and bind to it."""
    enabled = [r for r in candidates if not proxy.BREAKER.pod_is_down(r.pod_id)] or candidates
    counts = _binding_counts([r.pod_id for r in enabled])
    chosen = min(enabled, key=lambda r: (counts.get(r.pod_id, 0), r.name))
    try:
        binding_obj.create(tenant_id, chosen.pod_id)
    except exceptions.Conflict:
        pass  # a concurrent create bound the tenant to the same pod
    LOG.info("tenant %s bound to %s in availability zone %s", tenant_id, chosen.name,
             chosen.az_name)
    return chosen


def pick(regions: list[Region], tenant_id: str, zone: str | None) -> Region:
    """The region a create of ``tenant_id`` in ``zone`` (None: no AZ given) goes to."""
    bound = _bindings(tenant_id)
    if zone:
        in_zone = [r for r in regions if r.az_name == zone]
        if not in_zone:
            by_name = [r for r in regions if r.name == zone]
            if by_name:
                return by_name[0]
            raise exceptions.Invalid(f"The requested availability zone {zone} is not "
                                     "available.")
        for pod_id in bound:
            match = next((r for r in in_zone if r.pod_id == pod_id), None)
            if match:
                return match
        return _bind(tenant_id, in_zone)
    for pod_id in bound:
        match = next((r for r in regions if r.pod_id == pod_id), None)
        if match:
            return match
    region = default_region(regions)
    if region is None:
        raise exceptions.Invalid("No region can take this create: no availability zone "
                                 "was given and no default region is configured.")
    return region
