"""GET /os-tenant-networks[/{id}] (Nova's proxy API, before 2.36): from central Neutron.

Nova answers it from its own region's Neutron, which holds a copy of a
central network only once something in that region uses it, so through the
gateway a project's new network would be missing. Central Neutron, where
networks are made, is asked instead (with the [client] account, narrowed to
what the caller's own token would see there: the project's networks, shared
and external ones; all of them for an admin), and the answer has Nova's shape.
"""

import webob

from tricircle.common.neutron import RemoteError
from tricircle.gateway import central_neutron, microversions, rules
from tricircle.gateway.call import Call, GatewayError

# Nova answers these paths up to this microversion; later, a 404 (as Nova).
MAX_VERSION = (2, 35)


_central = central_neutron.central


def _nova_shape(network: dict) -> dict:
    # Nova has always answered "None" (a string) for the cidr with Neutron.
    return {"id": network.get("id"), "cidr": str(None), "label": network.get("name")}


def _visible(network: dict, call: Call) -> bool:
    return (call.context.is_admin_role or network.get("project_id") == call.context.project_id
            or bool(network.get("shared")) or bool(network.get("router:external")))


_unavailable = central_neutron.unavailable


def _check_version(call: Call) -> None:
    central_neutron.refuse_above(call, MAX_VERSION)


def index(call: Call) -> webob.Response:
    """GET /os-tenant-networks: 200 {"networks": [{id, cidr, label}]}."""
    _check_version(call)
    try:
        networks = _central().find("network")
    except RemoteError as exc:
        raise _unavailable(exc) from None
    shown_networks = [_nova_shape(n) for n in networks if _visible(n, call)]
    return microversions.answer(call.req, call.service, {"networks": shown_networks})


def show(call: Call) -> webob.Response:
    """GET /os-tenant-networks/{id}: 200 {"network": {...}}, Nova's 404 when the
    caller cannot see it."""
    _check_version(call)
    if not rules.is_routed_id(call.args["id"]):
        # Neutron's ids are UUIDs: nothing else can name a network, and asking
        # central for it would only turn a typo into central's error.
        raise GatewayError(404, "Network not found")
    try:
        network = _central().get("network", call.args["id"])
    except RemoteError as exc:
        if exc.status == 400:
            network = None  # a malformed id: Neutron's 400 is Nova's not found
        else:
            raise _unavailable(exc) from None
    if network is None or not _visible(network, call):
        raise GatewayError(404, "Network not found")
    return microversions.answer(call.req, call.service, {"network": _nova_shape(network)})
