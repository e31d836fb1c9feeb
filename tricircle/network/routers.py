"""Routers across regions: the pure rules shared by the central L3 plugin and xjob.

A central router is *local* when its zone hints mean exactly one region: it
has one bottom router, in that region, and takes only networks that reach
that region. Any other router is *non-local*: it has a bottom router (named by
the central id, its id recorded as a routing) in every region that holds one
of its networks, and in the region of its external network. Its bottom
routers meet on the project's *bridge network*, a central network whose
subnet is carved from ``[tricircle] bridge_cidr``: each bottom router has an
interface on it at an address central reserved for that (router, region).

Where a network of a non-local router lives decides what each region holds:

- a network hinted to regions lives in those regions (an external network
  always lives in exactly one);
- a network without hints lives in the regions that hold a bottom copy of it
  (their routings say which): it is stretched when there are several.

A stretched subnet is connected in each of its regions: every bottom router
holding it gets an interface on it at its own gateway IP, reserved
centrally, and the region's copy of the subnet names that IP as its gateway.
A subnet living in one region keeps central's gateway IP.

Routes (tricircle.network.routes) send each region's own subnets to the
bottom router holding them, over the bridge.

This module imports nothing from Neutron, so xjob can use it.
"""

import ipaddress
from collections.abc import Callable, Iterable, Mapping

HINTS = "availability_zone_hints"
EXTERNAL = "router:external"

# Central's own names for what it reserves or creates for routers across regions.
DEVICE_OWNER_RESERVED = "tricircle:reserved"
BRIDGE_PREFIX = "tricircle-bridge-"
GATEWAY_PREFIX = "tricircle-gateway-"


def hinted_regions(obj: Mapping, zones: Mapping[str, set[str]]) -> set[str]:
    """The regions the zone hints of ``obj`` (a router or network) mean; empty without hints."""
    return set().union(*(zones.get(hint, set()) for hint in obj.get(HINTS) or []))


def local_region(router: Mapping, zones: Mapping[str, set[str]]) -> str | None:
    """The region of a local router (its hints mean one region), else None."""
    regions = hinted_regions(router, zones)
    return next(iter(regions)) if len(regions) == 1 else None


def network_regions(network: Mapping, zones: Mapping[str, set[str]],
                    holders: Callable[[], Iterable[str | None]]) -> set[str]:
    """The regions where ``network`` lives: its hints' regions, else the regions
    holding a bottom copy (``holders``, asked only then)."""
    hinted = hinted_regions(network, zones)
    if hinted:
        return hinted
    return {region for region in holders() if region}


def interface_error(router: Mapping, network: Mapping,
                    zones: Mapping[str, set[str]]) -> str | None:
    """Why ``network`` may not be attached to ``router``, or None when it may.

    A network without hints may join any router: it is copied where it is used.
    A hinted network must reach at least one region the router's hints allow.
    """
    if network.get(EXTERNAL):
        return (f"network {network['id']} is external: set it as the router's gateway "
                "instead of adding an interface on it")
    allowed = hinted_regions(router, zones)
    reached = hinted_regions(network, zones)
    if not allowed or not reached or allowed & reached:
        return None
    return (f"network {network['id']} lives in {', '.join(sorted(reached))}, which router "
            f"{router['id']} (zones {', '.join(router.get(HINTS) or [])}) does not reach")


def ip_version_error(router: Mapping, cidrs: Iterable[str],
                     zones: Mapping[str, set[str]]) -> str | None:
    """Why a router across regions may not take an interface on subnets ``cidrs``: the
    bridge between its bottom routers is IPv4, so only IPv4 subnets cross it."""
    if local_region(router, zones) is not None:
        return None
    for cidr in cidrs:
        if ipaddress.ip_network(cidr, strict=False).version != 4:
            return (f"subnet {cidr} is IPv6 and router {router['id']} spans regions: only "
                    "IPv4 subnets are routed between regions (the bridge is IPv4); use a "
                    "router with an availability zone hint of one region for it")
    return None


def gateway_error(router: Mapping, network: Mapping,
                  zones: Mapping[str, set[str]]) -> str | None:
    """Why external ``network`` may not be the gateway of ``router``, or None."""
    allowed = hinted_regions(router, zones)
    reached = hinted_regions(network, zones)
    if not allowed or allowed & reached:
        return None
    return (f"external network {network['id']} lives in {', '.join(sorted(reached))}, "
            f"which router {router['id']} (zones {', '.join(router.get(HINTS) or [])}) "
            "does not reach")


def external_region(network: Mapping, zones: Mapping[str, set[str]],
                    default: str | None) -> tuple[str | None, str | None]:
    """(the one region of an external network, None) or (None, why it has none).

    An external network lives in one region: its hints must name one, or,
    without hints, ``default`` (``[tricircle] default_external_region``) does.
    """
    if not network.get(HINTS):
        if default:
            return default, None
        return None, ("an external network lives in one region: give it an availability "
                      "zone hint naming that region (no default_external_region is set)")
    regions = hinted_regions(network, zones)
    if len(regions) != 1:
        return None, (f"an external network lives in one region, but its zone hints "
                      f"mean {', '.join(sorted(regions)) or 'none'}")
    return next(iter(regions)), None


def bridge_name(project_id: str) -> str:
    """The name of the bridge network (and subnet) of ``project_id``."""
    return BRIDGE_PREFIX + project_id


def bridge_port_name(region: str) -> str:
    """The name of the reserved central port of a router's bridge address in ``region``."""
    return BRIDGE_PREFIX + region


def gateway_port_name(region: str) -> str:
    """The name of the reserved central port of a stretched subnet's gateway in ``region``."""
    return GATEWAY_PREFIX + region


def router_regions(local: str | None, placed: Mapping[str, set[str]],
                   exit_region: str | None) -> set[str]:
    """The regions where a router needs a bottom router.

    ``local``: the region of a local router (None for a non-local one);
    ``placed``: network id -> the regions it lives in; ``exit_region``: the
    region of the router's external network, if it has a gateway.
    """
    if local is not None:
        return {local}
    regions = set().union(*placed.values()) if placed else set()
    if exit_region:
        regions.add(exit_region)
    return regions


def needs_bridge(local: str | None) -> bool:
    """Whether a router's bottom routers meet on a bridge: every non-local one does,
    so that a region joining later finds its peers already there."""
    return local is None


def stretched(regions: set[str]) -> bool:
    """Whether a network living in ``regions`` is stretched over several."""
    return len(regions) > 1


def interface_ips(region: str, subnets: Iterable[Mapping], placed: Mapping[str, set[str]],
                  central_ips: Mapping[str, str],
                  reserved: Mapping[tuple[str, str], str]) -> dict[str, str]:
    """subnet id -> the address of ``region``'s bottom router on it.

    ``subnets``: the router's central subnets (with ``network_id``);
    ``central_ips``: subnet id -> the central router's interface address;
    ``reserved``: (region, subnet id) -> the address reserved centrally for a
    stretched subnet. A stretched subnet without a reservation yet is left
    out: its interface comes once the address is reserved.
    """
    result = {}
    for subnet in subnets:
        regions = placed.get(subnet["network_id"], set())
        if region not in regions:
            continue
        if not stretched(regions):
            result[subnet["id"]] = central_ips[subnet["id"]]
        elif (region, subnet["id"]) in reserved:
            result[subnet["id"]] = reserved[(region, subnet["id"])]
    return result


def pick_router(candidates: Iterable[tuple[str, Iterable[Mapping]]], ip: str) -> str | None:
    """The router a floating IP for internal address ``ip`` goes through, among
    ``candidates`` (router id, its extra routes), all with a gateway on the
    floating IP's network: the first whose routes reach ``ip``, else the first."""
    address = ipaddress.ip_address(ip)
    ordered = list(candidates)
    for router_id, routes in ordered:
        for route in routes:
            network = ipaddress.ip_network(route["destination"], strict=False)
            if network.prefixlen and address in network:
                return router_id
    return ordered[0][0] if ordered else None
