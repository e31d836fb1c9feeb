"""The default region: where flavors, limits, key pairs, volume types and every
path without a rule of its own are forwarded ([gateway]/default_region)."""

import webob

from tricircle.gateway import proxy, scheduler
from tricircle.gateway.call import Call, GatewayError
from tricircle.gateway.regions import TABLE
from tricircle.objects.pod import Region


def pick(call: Call, regions: list[Region]) -> Region:
    """The default region among ``regions``; a 503 when there is none."""
    region = scheduler.default_region(regions)
    if region is None:
        raise GatewayError(503, f"no region with {call.service.service_type} is "
                           f"configured (see [gateway]/default_region)")
    return region


def ask(call: Call) -> proxy.Reply:
    """The default region's answer to this request."""
    return call.send(pick(call, TABLE.with_service(call.service.service_type)))


def forward(call: Call) -> webob.Response:
    """Forward to [gateway]/default_region (flavors, limits, keypairs, types, ...)."""
    return call.respond(ask(call))
