"""Creates placed in a region: next to their source, else by the scheduler.

The region of a create is the region of what it is made from (a volume's
snapshot; a server's volumes, snapshots, group and ports: placement.py), else
the scheduler's choice by availability zone, binding and default region. The
rule's ``check`` (the central quota) runs once the region is known; the new
resource's routing is recorded once the answer is written
(tricircle.gateway.after_answer). A server's security groups named by central
id are made known to its region first (security_groups.py).
"""

import json

import webob

from tricircle.common import exceptions
from tricircle.gateway import (
    after_answer,
    placement,
    quota_lease,
    rules,
    scheduler,
    security_groups,
    store,
)
from tricircle.gateway.call import Call, GatewayError, parse_json, shown
from tricircle.gateway.regions import TABLE
from tricircle.gateway.routed import locate
from tricircle.objects.pod import Region


def zone_of(entity: dict) -> tuple[str | None, str]:
    """'az1:host:node' → ('az1', ':host:node'); Nova lets admins name a host."""
    zone = entity.get("availability_zone")
    if not isinstance(zone, str) or not zone:
        return None, ""
    name, sep, rest = zone.partition(":")
    return name, sep + rest


def parent_region(call: Call, entity: dict) -> Region | None:
    """The region of the resource a create copies from or works on (the first of
    the rule's ``parents`` that ``entity`` names), if any."""
    for field, resource_type in call.rule.parents:
        value = entity.get(field)
        if isinstance(value, str) and value:
            region, _ = locate(call, resource_type, value)
            return region
    return None


def _place(call: Call, body: dict, entity: dict, regions: list[Region]) -> Region:
    zone, _ = zone_of(entity)
    if call.rule.resource_type == "server":
        parent = placement.region_of(placement.ties(call, body, entity), zone)
    else:
        parent = parent_region(call, entity)
    if parent is not None:
        if zone and parent.az_name != zone and parent.region_name != zone:
            raise GatewayError(409, f"The source of this {call.rule.resource_type} is in "
                               f"region {parent.region_name}, outside availability zone "
                               f"{shown(zone)}.")
        return parent
    try:
        return scheduler.pick(regions, call.context.project_id, zone)
    except exceptions.Invalid as exc:
        # The scheduler's message repeats the zone as it was typed: say it shortened.
        message = (f"The requested availability zone {shown(zone)} is not available."
                   if zone else exc.message)
        raise GatewayError(400, message) from None


def placed(call: Call) -> webob.Response:
    """Place a new resource in a region, check it (the rule's ``check``), forward,
    record its routing."""
    body = parse_json(call.req.body)
    key = call.rule.collection
    entity = body.get(key) if isinstance(body, dict) else None
    regions = TABLE.with_service(call.service.service_type)
    if not isinstance(entity, dict):
        # Nothing to place by: let the region answer with its own validation error.
        region = scheduler.default_region(regions)
        if region is None:
            raise GatewayError(503, "no region is configured")
        quota_lease.held(call)
        return call.respond(call.send(region))
    region = _place(call, body, entity, regions)
    # Groups first: a refusal (central Neutron down) must come before the quota's check.
    groups_changed = (call.rule.resource_type == "server"
                      and security_groups.prepare_server(call, region, entity))
    quota_lease.held(call)  # the lease's take ran beside the placement
    check = call.rule.check
    changed = check(call, region, entity) if check is not None else False
    changed = changed or groups_changed
    zone, host_part = zone_of(entity)
    raw = call.req.body
    if changed:
        raw = json.dumps(body).encode("utf-8")
    if zone is not None:
        if region.pod_az_name:
            entity["availability_zone"] = region.pod_az_name + host_part
        else:
            entity.pop("availability_zone")
        raw = json.dumps(body).encode("utf-8")
    return send_and_record(call, region, call.rule.resource_type, key, body=raw)


def send_and_record(call: Call, region: Region, resource_type: str, key: str,
                    id_field: str = "id", body: bytes | None = None) -> webob.Response:
    """Send the create to ``region``; the routing of what it made (the answer's
    ``key`` object names it by ``id_field``) is recorded for the caller's project."""
    reply = call.send(region, body=body)
    data = reply.json()
    made = data.get(key) if isinstance(data, dict) else None
    if 200 <= reply.status < 300 and isinstance(made, dict) and rules.is_routed_id(
            made.get(id_field)):
        # After the answer: until then a lookup elsewhere asks every region for it.
        after_answer.later(call.req.environ, store.record, resource_type, made[id_field],
                           region.pod_id, call.context.project_id)
    return call.respond(reply)
