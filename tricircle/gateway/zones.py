"""Availability zones as the gateway shows them: one per az_name of the pods table,
with the hosts of every region for admins (az_names.py translates the names)."""

import webob

from tricircle.gateway import microversions, proxy
from tricircle.gateway.az_names import INTERNAL_ZONE, az_name_of
from tricircle.gateway.call import Call
from tricircle.gateway.regions import TABLE


def _answer(call: Call, body: dict) -> webob.Response:
    return microversions.answer(call.req, call.service, body)


def _from_pods(call: Call) -> dict[str, dict]:
    """One zone per az_name of the pods table; down when all its pods are."""
    by_zone: dict[str, dict] = {}
    for region in TABLE.with_service(call.service.service_type):
        up = not proxy.BREAKER.is_open(
            proxy.breaker_key(region, call.service.service_type))
        zone = by_zone.setdefault(region.az_name, {
            "zoneName": region.az_name, "zoneState": {"available": False}, "hosts": None})
        zone["zoneState"]["available"] = zone["zoneState"]["available"] or up
    return by_zone


def availability_zones(call: Call) -> webob.Response:
    """GET os-availability-zone: one zone per az_name of the pods table, with the
    microversion headers Nova or Cinder sends."""
    info = [zone for _, zone in sorted(_from_pods(call).items())]
    if call.service.name == "volume":
        for item in info:
            item.pop("hosts")  # Cinder's zones have no hosts
    return _answer(call, {"availabilityZoneInfo": info})


def _merge_hosts(zone: dict, hosts: object) -> None:
    if isinstance(hosts, dict):
        zone["hosts"] = {**(zone.get("hosts") or {}), **hosts}


def detail(call: Call) -> webob.Response:
    """GET os-availability-zone/detail (admins): every region's zones with their hosts,
    named by the pods table; a region that does not answer keeps its zone, without
    hosts. A refusal every region gives (a member's 403) is passed through."""
    regions = TABLE.with_service(call.service.service_type)
    zones = _from_pods(call)
    internal: dict | None = None
    answers = []
    for region, reply in proxy.fan_out(regions, call.send):
        if not isinstance(reply, proxy.Reply):
            continue
        answers.append(reply)
        data = reply.json()
        info = data.get("availabilityZoneInfo") if isinstance(data, dict) else None
        if reply.status != 200 or not isinstance(info, list):
            continue
        for item in info:
            if not isinstance(item, dict):
                continue
            name = az_name_of(region, item.get("zoneName"))
            if name == INTERNAL_ZONE:
                internal = internal or {**item, "hosts": None}
                _merge_hosts(internal, item.get("hosts"))
            elif name in zones:
                _merge_hosts(zones[name], item.get("hosts"))
    if answers and all(reply.status != 200 for reply in answers):
        return call.respond(answers[0])
    info = [zone for _, zone in sorted(zones.items())]
    if internal is not None:
        info.insert(0, internal)
    return _answer(call, {"availabilityZoneInfo": info})
