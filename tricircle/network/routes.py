"""Addresses and routes of routers across regions, as pure functions.

- :func:`carve`: the bridge subnet of a project, the first free block of
  ``[tricircle] bridge_prefixlen`` in ``[tricircle] bridge_cidr``;
- :func:`pools_without`: a region's allocation pools of a stretched subnet,
  leaving out the gateway IPs central reserved for each region (Neutron
  refuses a gateway inside a pool);
- :func:`extra_routes`: what each bottom router of a non-local router routes
  over the bridge: every subnet living only in other regions via the bridge
  address of a bottom router holding it, and, when the router's external
  network lives in another region, the default route via that region's
  bottom router. A subnet the router holds here is connected here (a
  stretched one too, being one L2 network in every region) and gets no route;
- :func:`user_routes`: the extra routes a user set on the central router,
  where they belong: as they are in each region holding the nexthop's subnet,
  and, in the other regions, to the same destination via the bridge address
  of the first region holding it; :func:`merge_routes` puts them beside
  Tricircle's (a user's route wins over Tricircle's for its destination);
- :func:`host_routes`: what a region's copy of a subnet tells its VMs when a
  router across regions is attached to it at a port that is not the subnet's
  gateway (the subnet's own exit is another router, e.g. a local router with
  a gateway of its region): the router's subnets of other regions via that
  port. Host routes of the copy with another nexthop (central's) stay.

The bridge is IPv4, so only IPv4 subnets are routed across it.

This module imports nothing from Neutron, so xjob can use it.
"""

import ipaddress
from collections.abc import Iterable, Mapping

DEFAULT_ROUTE = "0.0.0.0/0"


def carve(bridge_cidr: str, prefixlen: int, taken: Iterable[str]) -> str:
    """The first block of ``prefixlen`` in ``bridge_cidr`` overlapping none of ``taken``.

    ValueError when the prefix length does not fit or every block is taken.
    """
    pool = ipaddress.ip_network(bridge_cidr)
    if prefixlen < pool.prefixlen or prefixlen > pool.max_prefixlen:
        raise ValueError(f"bridge_prefixlen {prefixlen} does not fit in bridge_cidr "
                         f"{bridge_cidr}")
    used = [ipaddress.ip_network(cidr, strict=False) for cidr in taken]
    used = [net for net in used if net.version == pool.version]
    for block in pool.subnets(new_prefix=prefixlen):
        if not any(block.overlaps(net) for net in used):
            return str(block)
    raise ValueError(f"every /{prefixlen} of bridge_cidr {bridge_cidr} is taken")


def pools_without(pools: Iterable[Mapping], ips: Iterable[str]) -> list[dict]:
    """``pools`` ([{start, end}]) with the addresses ``ips`` left out, split where needed."""
    holes = sorted({ipaddress.ip_address(ip) for ip in ips})
    result = []
    for pool in pools:
        start, end = ipaddress.ip_address(pool["start"]), ipaddress.ip_address(pool["end"])
        for hole in holes:
            if not start <= hole <= end:
                continue
            if start < hole:
                result.append((start, hole - 1))
            start = hole + 1
        if start <= end:
            result.append((start, end))
    return [{"start": str(start), "end": str(end)} for start, end in result]


def _v4(cidr: str) -> bool:
    return ipaddress.ip_network(cidr, strict=False).version == 4


def extra_routes(region: str, cidrs: Mapping[str, set[str]], bridge_ips: Mapping[str, str],
                 exit_region: str | None = None) -> list[dict]:
    """The extra routes of ``region``'s bottom router, sorted.

    ``cidrs``: region -> the CIDRs of the router's subnets living there;
    ``bridge_ips``: region -> the bridge address of the router's bottom router
    there (regions without one are not routed to); ``exit_region``: where the
    router's external network lives, if it has a gateway.
    """
    here = cidrs.get(region, set())
    routes: dict[str, str] = {}
    for other in sorted(bridge_ips):
        if other == region:
            continue
        for cidr in sorted(cidrs.get(other, set()) - here):
            if _v4(cidr):
                routes.setdefault(cidr, bridge_ips[other])
    if exit_region and exit_region != region and exit_region in bridge_ips:
        routes[DEFAULT_ROUTE] = bridge_ips[exit_region]
    return sorted(({"destination": cidr, "nexthop": nexthop}
                   for cidr, nexthop in routes.items()),
                  key=lambda route: (route["destination"], route["nexthop"]))


def _holding(address: str, cidrs: Mapping[str, set[str]]) -> set[str]:
    """The regions of the CIDRs (CIDR -> regions) that hold ``address``."""
    ip = ipaddress.ip_address(address)
    found: set[str] = set()
    for cidr, regions in cidrs.items():
        network = ipaddress.ip_network(cidr, strict=False)
        if network.version == ip.version and ip in network:
            found |= regions
    return found


def user_routes(region: str, wanted: Iterable[Mapping], placed_cidrs: Mapping[str, set[str]],
                bridge_ips: Mapping[str, str]) -> list[dict]:
    """The user's routes ``wanted`` (the central router's) for ``region``'s bottom router.

    ``placed_cidrs``: CIDR of each of the router's subnets -> the regions it
    lives in. A route whose nexthop is on a subnet living here goes as it is;
    elsewhere an IPv4 one goes via the bridge address of the first region
    holding the nexthop; a nexthop on no subnet the router reaches is left out.
    """
    routes = []
    for route in wanted:
        holders = _holding(route["nexthop"], placed_cidrs)
        if region in holders:
            routes.append({"destination": route["destination"], "nexthop": route["nexthop"]})
            continue
        via = [other for other in sorted(holders) if other in bridge_ips]
        if via and region in bridge_ips and _v4(route["destination"]):
            routes.append({"destination": route["destination"], "nexthop": bridge_ips[via[0]]})
    return routes


def merge_routes(own: Iterable[Mapping], user: Iterable[Mapping]) -> list[dict]:
    """Tricircle's routes ``own`` and the user's, sorted; a destination the user routes
    keeps only the user's nexthop."""
    result = {(r["destination"], r["nexthop"]) for r in user}
    taken = {destination for destination, _ in result}
    result |= {(r["destination"], r["nexthop"]) for r in own if r["destination"] not in taken}
    return [{"destination": d, "nexthop": n} for d, n in sorted(result)]


def host_routes(current: Iterable[Mapping], address: str, cidr: str,
                remote_cidrs: Iterable[str]) -> list[dict]:
    """The host routes of a subnet copy (``cidr``) on which a router across regions
    sits at ``address``, not at the gateway: ``current`` without the routes via
    ``address``, plus each of ``remote_cidrs`` of the subnet's IP version via it."""
    version = ipaddress.ip_network(cidr, strict=False).version
    kept = [{"destination": r["destination"], "nexthop": r["nexthop"]} for r in current
            if r["nexthop"] != address]
    mine = [{"destination": remote, "nexthop": address} for remote in sorted(set(remote_cidrs))
            if remote != cidr and ipaddress.ip_network(remote, strict=False).version == version]
    return kept + mine


def same_routes(current: Iterable[Mapping], wanted: Iterable[Mapping]) -> bool:
    """Whether two route lists hold the same routes, in any order."""
    def key(routes):
        return sorted((r["destination"], r["nexthop"]) for r in routes)
    return key(current) == key(wanted)
