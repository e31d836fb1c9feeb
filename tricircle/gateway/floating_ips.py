"""Nova's floating IP proxy API, answered from central Neutron.

os-floating-ip-pools and os-floating-ips (up to microversion 2.35) and the
server actions addFloatingIp / removeFloatingIp (up to 2.43). A region's Nova
would allocate the address in its own Neutron, where a server the gateway
placed in another region cannot be given it; floating IPs are central
Neutron's (doc/networking.md: central associates them, the exit region's
bottom router carries them). So central Neutron is asked instead, with the
[client] account narrowed to what the caller's token would see there: the
project's own floating IPs (all of them for an admin's show and delete, as
Neutron's policy has it), every external network as a pool. The answers have
Nova's shape and Nova's status codes.
"""

import ipaddress

import webob

from tricircle.common.neutron import RemoteError, reason
from tricircle.gateway import central_neutron, microversions, routed, rules
from tricircle.gateway.call import Call, GatewayError, microversion, parse_json, shown

# Nova serves os-floating-ips and os-floating-ip-pools up to this microversion,
# the add/removeFloatingIp actions up to the second; later, a 404 (as Nova).
MAX_VERSION = (2, 35)
MAX_ACTION_VERSION = (2, 43)
ACTIONS = ("addFloatingIp", "removeFloatingIp")


_central = central_neutron.central


_unavailable = central_neutron.unavailable


def _asked_above(call: Call, highest: tuple[int, int]) -> bool:
    asked = microversion(call.req, call.service)
    return asked is not None and asked > highest


def _check_version(call: Call) -> None:
    central_neutron.refuse_above(call, MAX_VERSION)


def _as_nova_error(exc: RemoteError) -> GatewayError:
    """Central Neutron's failure as Nova answers it: not answering is a 503 naming it;
    a refusal keeps its 403 or 404, any other (a 409: the port has a floating IP
    already, the address is taken) is Nova's 400, with Neutron's reason."""
    if exc.status is None or exc.status >= 500:
        return _unavailable(exc)
    status = exc.status if exc.status in (403, 404) else 400
    return GatewayError(status, shown(reason(exc.detail)))


def _neutron(ask, *args, **kwargs):
    """Central Neutron's answer, its failure a GatewayError (never a 500)."""
    try:
        return ask(*args, **kwargs)
    except RemoteError as exc:
        raise _as_nova_error(exc) from None


def _owned(floating_ip: dict, call: Call) -> bool:
    return floating_ip.get("project_id") == call.context.project_id


def _visible(floating_ip: dict, call: Call) -> bool:
    return call.context.is_admin_role or _owned(floating_ip, call)


# -- Nova's shape -----------------------------------------------------------------

def _pool_name(network: dict | None, network_id: str | None) -> str:
    # Nova names a pool by its network's name, by its id when it has none.
    return (network or {}).get("name") or str(network_id)


def _nova_shape(floating_ip: dict, networks: dict[str, dict],
                servers_of_ports: dict[str, str | None]) -> dict:
    port_id = floating_ip.get("port_id")
    network_id = floating_ip.get("floating_network_id")
    return {"id": floating_ip.get("id"), "ip": floating_ip.get("floating_ip_address"),
            "fixed_ip": floating_ip.get("fixed_ip_address"),
            "instance_id": servers_of_ports.get(port_id) if port_id else None,
            "pool": _pool_name(networks.get(network_id), network_id)}


def _shaped(floating_ips: list[dict]) -> list[dict]:
    """Nova's view of ``floating_ips``: their networks and ports read in one go each."""
    central = _central()
    network_ids = sorted({f["floating_network_id"] for f in floating_ips
                          if f.get("floating_network_id")})
    port_ids = sorted({f["port_id"] for f in floating_ips if f.get("port_id")})
    networks = {n["id"]: n for n in _neutron(central.find, "network", id=network_ids)
                } if network_ids else {}
    ports = _neutron(central.find, "port", id=port_ids) if port_ids else []
    # instance_id: what the port is bound to (Nova says so of any port).
    servers = {p["id"]: p.get("device_id") or None for p in ports}
    return [_nova_shape(f, networks, servers) for f in floating_ips]


def _one(floating_ip: dict) -> dict:
    return {"floating_ip": _shaped([floating_ip])[0]}


# -- pools, list, show, allocate, delete --------------------------------------------

def _external_networks() -> list[dict]:
    return _neutron(_central().find, "network", **{"router:external": "True"})


def pools(call: Call) -> webob.Response:
    """GET /os-floating-ip-pools: 200 {"floating_ip_pools": [{"name": ...}]}, one per
    external network of central Neutron (every project may allocate from those)."""
    _check_version(call)
    found = [{"name": _pool_name(n, n.get("id"))} for n in _external_networks()]
    return microversions.answer(call.req, call.service, {"floating_ip_pools": found})


def index(call: Call) -> webob.Response:
    """GET /os-floating-ips: the caller's project's floating IPs (an admin's too:
    Nova lists those of the token's project)."""
    _check_version(call)
    owned = _neutron(_central().find, "floatingip",
                     project_id=call.context.project_id or "")
    body = {"floating_ips": _shaped(owned)}
    return microversions.answer(call.req, call.service, body)


def _not_found(floating_ip_id: str) -> GatewayError:
    return GatewayError(404, f"Floating IP not found for ID {shown(floating_ip_id)}")


def _by_id(call: Call) -> dict:
    """The floating IP of the path that the caller may see; else Nova's 404."""
    floating_ip_id = call.args["id"]
    if not rules.is_routed_id(floating_ip_id):
        raise _not_found(floating_ip_id)  # Neutron's ids are UUIDs
    try:
        found = _central().get("floatingip", floating_ip_id)
    except RemoteError as exc:
        if exc.status != 400:
            raise _as_nova_error(exc) from None
        found = None  # Neutron refused the id itself: nothing by that id
    if found is None or not _visible(found, call):
        raise _not_found(floating_ip_id)
    return found


def show(call: Call) -> webob.Response:
    """GET /os-floating-ips/{id}: 200 {"floating_ip": {...}}."""
    _check_version(call)
    return microversions.answer(call.req, call.service, _one(_by_id(call)))


def _pool_of(asked: object) -> dict:
    """The external network a create names (by id or name); Nova's 404 when none."""
    external = _external_networks()
    if asked is None:
        # Nova falls back on its nova.conf's default_floating_pool, which is one
        # region's setting; the cloud's one external network is the answer here.
        if len(external) == 1:
            return external[0]
        names = ", ".join(sorted(_pool_name(n, n.get("id")) for n in external))
        raise GatewayError(404, "Floating IP pool not found: name one in 'pool' "
                           f"(the pools are: {names or 'none'}).")
    matching = [n for n in external if asked in (n.get("id"), n.get("name"))]
    if not matching:
        raise GatewayError(404, f"Floating IP pool not found: {shown(asked)}.")
    if len(matching) > 1:
        raise GatewayError(400, f"Several floating IP pools are named {shown(asked)}: "
                           "name one by its id.")
    return matching[0]


def _asked_pool(call: Call) -> object:
    body = parse_json(call.req.body)
    if body is None:
        return None
    if not isinstance(body, dict):
        raise GatewayError(400, "Invalid input for field/attribute body: it must be an "
                           "object.")
    pool = body.get("pool")
    if pool is not None and not isinstance(pool, str):
        raise GatewayError(400, "Invalid input for field/attribute pool: it must be a "
                           "string or null.")
    return pool or None


def _creation_refused(exc: RemoteError, pool: str) -> GatewayError:
    """Nova's answer to Neutron's refusal of an allocation."""
    if exc.status == 409 and "OverQuota" in exc.detail:
        return GatewayError(403, f"IP allocation over quota in pool {shown(pool)}.")
    if exc.status == 409:  # IpAddressGenerationFailure: the pool is exhausted
        return GatewayError(404, f"No more floating IPs in pool {shown(pool)}.")
    return _as_nova_error(exc)


def create(call: Call) -> webob.Response:
    """POST /os-floating-ips {"pool": name or id}: a floating IP of the caller's
    project on that external network, made in central Neutron."""
    _check_version(call)
    network = _pool_of(_asked_pool(call))
    pool = _pool_name(network, network.get("id"))
    body = {"floating_network_id": network["id"],
            "project_id": call.context.project_id or ""}
    try:
        made = _central().create("floatingip", body)
    except RemoteError as exc:
        raise _creation_refused(exc, pool) from None
    return microversions.answer(call.req, call.service, _one(made))


def _accepted(call: Call) -> webob.Response:
    response = webob.Response(status=202, charset=None)
    for name, value in microversions.headers(call.req, call.service).items():
        response.headers[name] = value
    return response


def delete(call: Call) -> webob.Response:
    """DELETE /os-floating-ips/{id}: released (disassociated first by Neutron)."""
    _check_version(call)
    found = _by_id(call)
    _neutron(_central().delete, "floatingip", found["id"])
    return _accepted(call)


# -- addFloatingIp / removeFloatingIp -----------------------------------------------

def server_action(call: Call) -> webob.Response:
    """POST /servers/{id}/action: addFloatingIp and removeFloatingIp (before 2.44)
    here, every other action (and these from 2.44, which Nova refuses) on to the
    next rule (``routed.onward``)."""
    body = parse_json(call.req.body)
    action = next(iter(body), None) if isinstance(body, dict) and len(body) == 1 else None
    if action not in ACTIONS or _asked_above(call, MAX_ACTION_VERSION):
        return routed.onward(call)
    asked = body[action]
    if action == "addFloatingIp":
        return _add(call, asked)
    return _remove(call, asked)


def _address(asked: dict, field: str, required: bool = True) -> str | None:
    """An IP address field of an action's body; 400 as Nova's schema has it."""
    value = asked.get(field)
    if value is None and not required:
        return None
    try:
        return str(ipaddress.ip_address(value if isinstance(value, str) else ""))
    except ValueError:
        raise GatewayError(400, f"Invalid input for field/attribute {field}: it must "
                           "be an IP address.") from None


def _check_fields(asked: object, allowed: set[str]) -> None:
    if not isinstance(asked, dict):
        raise GatewayError(400, "Invalid input: the action's value must be an object.")
    extra = sorted(set(asked) - allowed)
    if extra:
        raise GatewayError(400, "Additional properties are not allowed "
                           f"({shown(', '.join(extra))} was unexpected).")


def _by_address(call: Call, address: str) -> dict:
    """The caller's floating IP of that address; Nova's 404 when it has none."""
    found = [f for f in _neutron(_central().find, "floatingip", floating_ip_address=address)
             if _visible(f, call)]
    if not found:
        raise GatewayError(404, "floating IP not found")
    return found[0]


def _fixed_ips(server_id: str) -> list[tuple[str, str]]:
    """(port id, fixed address) of the server's ports in central Neutron, whose
    ports every region's Nova binds its servers to."""
    ports = _neutron(_central().find, "port", device_id=server_id)
    return [(port["id"], fixed["ip_address"]) for port in ports
            for fixed in port.get("fixed_ips") or [] if fixed.get("ip_address")]


def _target(fixed_ips: list[tuple[str, str]], fixed_address: str | None) -> tuple[str, str]:
    """The (port, fixed address) to associate: the one asked for, else the first IPv4."""
    if not fixed_ips:
        raise GatewayError(400, "No fixed IPs associated to instance")
    if fixed_address is not None:
        for port_id, address in fixed_ips:
            if address == fixed_address:
                return port_id, address
        raise GatewayError(400, "Specified fixed address not assigned to instance")
    for port_id, address in fixed_ips:
        if ipaddress.ip_address(address).version == 4:
            return port_id, address
    raise GatewayError(400, "The server has no fixed IPv4 address to associate a "
                       "floating IP with.")


def _add(call: Call, asked: object) -> webob.Response:
    _check_fields(asked, {"address", "fixed_address"})
    address = _address(asked, "address")
    fixed_address = _address(asked, "fixed_address", required=False)
    server_id = call.args["id"]
    routed.locate(call, "server", server_id)  # Nova's 404 for a server it lacks
    port_id, fixed = _target(_fixed_ips(server_id), fixed_address)
    floating_ip = _by_address(call, address)
    # Associated elsewhere already: Neutron moves it (Nova's behaviour too). A 409
    # (the port has a floating IP of that network already) is Nova's 400.
    _neutron(_central().update, "floatingip", floating_ip["id"],
             {"port_id": port_id, "fixed_ip_address": fixed})
    return _accepted(call)


def _remove(call: Call, asked: object) -> webob.Response:
    _check_fields(asked, {"address"})
    address = _address(asked, "address")
    server_id = call.args["id"]
    floating_ip = _by_address(call, address)
    port_id = floating_ip.get("port_id")
    port = _neutron(_central().get, "port", port_id) if port_id else None
    if port is None or port.get("device_id") != server_id:
        raise GatewayError(409, f"Floating IP {shown(address)} is not associated with "
                           f"instance {shown(server_id)}.")
    _neutron(_central().update, "floatingip", floating_ip["id"], {"port_id": None})
    return _accepted(call)


def _rules() -> tuple:
    rule = rules.rule
    note = "(before 2.36) central Neutron's, as the caller sees them, in Nova's shape"
    return (
        *(rule("POST", f"/{collection}/{{id}}/action", server_action,
               resource_type="server", note="addFloatingIp / removeFloatingIp (before "
               "2.44): central Neutron associates the address with the server's port, "
               "whatever its region; other actions: the rules below")
          for collection in ("servers", "os-volumes_boot")),
        rule("GET", "/os-floating-ip-pools", pools,
             note="(before 2.36) central Neutron's external networks"),
        rule("GET", "/os-floating-ips", index, note=note),
        rule("POST", "/os-floating-ips", create,
             note="(before 2.36) allocated in central Neutron for the caller's project"),
        rule("GET", "/os-floating-ips/{id}", show, note=note),
        rule("DELETE", "/os-floating-ips/{id}", delete,
             note="(before 2.36) released in central Neutron"),
    )


# Placed before the server rules of compute.py: they would send the actions on.
RULES = _rules()
