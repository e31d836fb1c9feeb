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
  stretched one too, being one L2 network in every region) and gets no route.

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


def same_routes(current: Iterable[Mapping], wanted: Iterable[Mapping]) -> bool:
    """Whether two route lists hold the same routes, in any order."""
    def key(routes):
        return sorted((r["destination"], r["nexthop"]) for r in routes)
    return key(current) == key(wanted)
