"""Central Neutron and the regions' Neutrons as the gateway asks them.

Nova's proxy APIs that Nova answers from its own region's Neutron
(os-tenant-networks, os-floating-ips) are answered from central Neutron
instead, and a server create reads the groups and networks it names there.
The networking half is imported only when one of them is asked: a gateway
without central Neutron never loads it.
"""

from tricircle.common.neutron import Neutron, RemoteError
from tricircle.gateway.call import Call, GatewayError, microversion, shown


def _helper():
    from tricircle.network import helper

    return helper


def central() -> Neutron:
    """Central Neutron, with the [client] account."""
    return _helper().central()


def of_region(region_name: str) -> Neutron:
    """The Neutron of ``region_name``, with the [client] account."""
    return _helper().neutron(region_name)


def unavailable(exc: RemoteError) -> GatewayError:
    return GatewayError(503, f"{exc.service} is unavailable: {shown(exc.detail)}")


def refuse_above(call: Call, highest: tuple[int, int]) -> None:
    """Nova's 404 for a path it serves only up to microversion ``highest``."""
    asked = microversion(call.req, call.service)
    if asked is not None and asked > highest:
        raise GatewayError(404, "The resource could not be found.")
