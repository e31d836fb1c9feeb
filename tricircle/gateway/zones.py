"""Availability zones as the gateway shows them: one per az_name of the pods table."""

import json

import webob

from tricircle.gateway import proxy
from tricircle.gateway.call import Call
from tricircle.gateway.regions import TABLE


def availability_zones(call: Call) -> webob.Response:
    """One availability zone per az_name of the pods table; down when all its pods are."""
    by_zone: dict[str, bool] = {}
    for region in TABLE.with_service(call.service.service_type):
        up = not proxy.BREAKER.is_open(
            proxy.breaker_key(region, call.service.service_type))
        by_zone[region.az_name] = by_zone.get(region.az_name, False) or up
    info = [{"zoneName": name, "zoneState": {"available": up}, "hosts": None}
            for name, up in sorted(by_zone.items())]
    if call.service.name == "volume":
        for item in info:
            item.pop("hosts")  # Cinder's zones have no hosts
    response = webob.Response(status=200, content_type="application/json", charset=None)
    response.body = json.dumps({"availabilityZoneInfo": info}).encode()
    return response
