"""Bottom objects: what a region holds of a central (top) network, subnet or port.

The rules, as pure functions the plugins call (no Neutron import, so they are
unit-tested without Neutron):

- what a region's bottom copy of a central object holds (same id; a network
  keeps its segment, a subnet its CIDR, gateway and pools, a port its MAC and
  IPs) and what central Neutron is asked for a port created in a region;
- which bottom copies a region may make: a network's zone hints must let it
  in, the caller must be allowed to see it, and a ``local`` network without
  hints lives in the first region that uses it;
- which region a central port belongs to (its ``binding:profile``), whether
  that region's plugin created it, and whether other regions must shadow it.

Security groups have their own rules in tricircle.network.secgroups.
"""

import enum
from collections.abc import Callable, Mapping

from tricircle.common import constants
from tricircle.network import routes

PROFILE = "binding:profile"
REGION_KEY, ORIGIN_KEY, ORIGIN_LOCAL = "region", "origin", "local"
SECURITY_GROUPS = "security_groups"
PROVIDER_KEYS = ("provider:network_type", "provider:physical_network",
                 "provider:segmentation_id")
NETWORK_KEYS = ("id", "name", "description", "admin_state_up", "shared", "project_id",
                "port_security_enabled", "router:external", "mtu") + PROVIDER_KEYS
# What a copy takes again when central changes it (update_network, subnet_update jobs).
NETWORK_UPDATES = ("name", "description", "admin_state_up", "mtu", "port_security_enabled")
SUBNET_UPDATES = ("name", "description", "enable_dhcp", "dns_nameservers")
SUBNET_KEYS = ("id", "name", "description", "network_id", "project_id", "cidr", "ip_version",
               "gateway_ip", "allocation_pools", "enable_dhcp", "dns_nameservers",
               "host_routes", "ipv6_ra_mode", "ipv6_address_mode")
# What a port's behaviour in its region depends on, beyond its addresses.
PORT_BEHAVIOUR_KEYS = ("allowed_address_pairs", "port_security_enabled", "extra_dhcp_opts",
                       "binding:vnic_type")
PORT_KEYS = ("id", "name", "description", "network_id", "project_id", "mac_address",
             "admin_state_up", "device_id", "device_owner") + PORT_BEHAVIOUR_KEYS
CENTRAL_PORT_KEYS = ("network_id", "name", "description", "admin_state_up", "device_id",
                     "device_owner") + PORT_BEHAVIOUR_KEYS
# What a region learns about its port that central Neutron should show too.
FORWARDED_UPDATES = ("name", "description", "admin_state_up", "device_id", "device_owner",
                     "binding:host_id")


# --- what a bottom copy holds ------------------------------------------------------

def network_body(top: Mapping) -> dict:
    """The bottom copy of central network ``top``: same id and segment, no AZ hints.

    Hints name regions, which no agent of the region serves; the copy lives
    there anyway.
    """
    body = {key: top[key] for key in NETWORK_KEYS if top.get(key) is not None}
    segments = top.get("segments")
    if segments and not top.get("provider:network_type"):
        body.update({key: segments[0].get(key) for key in PROVIDER_KEYS
                     if segments[0].get(key) is not None})
    return body


def subnet_body(top: Mapping) -> dict:
    """The bottom copy of central subnet ``top`` (CIDR, gateway, pools, DHCP, DNS, routes)."""
    return {key: top[key] for key in SUBNET_KEYS if key in top}


def network_changes(top: Mapping, copy: Mapping) -> dict:
    """What the bottom ``copy`` of central network ``top`` must change to follow it."""
    return {key: top[key] for key in NETWORK_UPDATES
            if top.get(key) is not None and top[key] != copy.get(key)}


def _route_pairs(host_routes) -> set[tuple[str, str]]:
    return {(r["destination"], r["nexthop"]) for r in host_routes or []}


def subnet_changes(top: Mapping, copy: Mapping, region: str, gateways: Mapping[str, str],
                   router_hops: set[str]) -> dict:
    """What the bottom ``copy`` (in ``region``) of central subnet ``top`` must change.

    ``gateways``: region -> the gateway IP central reserved there when a router
    across regions stretches the subnet (the region's copy uses its own as its
    gateway, and every region's pools leave them all out); ``router_hops``:
    addresses of routers' interfaces on the subnet off its gateway, whose host
    routes on the copy are Tricircle's (tricircle.xjob.router_routes) and stay
    beside central's.
    """
    wanted: dict = {key: top[key] for key in SUBNET_UPDATES if key in top}
    wanted["gateway_ip"] = gateways.get(region) or top.get("gateway_ip")
    wanted["allocation_pools"] = routes.pools_without(top.get("allocation_pools") or [],
                                                      gateways.values())
    central_routes = _route_pairs(top.get("host_routes"))
    kept = _route_pairs(copy.get("host_routes")) - central_routes
    hops = sorted(central_routes) + sorted(
        (dest, hop) for dest, hop in kept if hop in router_hops)
    wanted["host_routes"] = [{"destination": d, "nexthop": n} for d, n in hops]
    changes = {}
    for key, value in wanted.items():
        current = copy.get(key)
        if key == "host_routes":
            same = _route_pairs(current) == _route_pairs(value)
        elif key == "allocation_pools":
            same = routes.pools_without(current or [], []) == value
        else:
            same = current == value
        if not same:
            changes[key] = value
    return changes


def fixed_ips(port: Mapping) -> list[dict]:
    return [{"subnet_id": ip["subnet_id"], "ip_address": ip["ip_address"]}
            for ip in port.get("fixed_ips", [])]


def port_body(top: Mapping) -> dict:
    """The bottom copy of central port ``top``: same id, MAC and IPs (groups apart),
    address pairs, port security, extra DHCP options and VNIC type."""
    body = {key: top[key] for key in PORT_KEYS if top.get(key) is not None}
    body["fixed_ips"] = fixed_ips(top)
    if "extra_dhcp_opts" in body:  # central answers with each option's port id too
        body["extra_dhcp_opts"] = [{k: v for k, v in opt.items() if k != "port_id"}
                                   for opt in body["extra_dhcp_opts"]]
    return body


def central_port_body(requested: Mapping, region: str,
                      groups: list[str] | None = None) -> dict:
    """What to ask central Neutron for, for a port requested in ``region``.

    ``requested`` holds the attributes the caller set (None for unset);
    ``groups``: the central ids of the port's security groups; None lets
    central pick its default group (the region picks its own).
    """
    body = {key: requested[key] for key in CENTRAL_PORT_KEYS
            if requested.get(key) is not None}
    body["project_id"] = requested.get("project_id") or requested.get("tenant_id")
    for key in ("mac_address", "fixed_ips"):
        if requested.get(key):
            body[key] = requested[key]
    body[PROFILE] = {REGION_KEY: region, ORIGIN_KEY: ORIGIN_LOCAL}
    if groups is not None:
        body[SECURITY_GROUPS] = groups
    return body


def forwarded_updates(changes: Mapping) -> dict:
    """The part of a region's port update that its central port should get too."""
    return {key: value for key, value in changes.items() if key in FORWARDED_UPDATES}


def region_profile(top: Mapping, region: str) -> dict | None:
    """The ``binding:profile`` to give central port ``top`` when ``region`` binds it, or
    None when it names its region already: a port made centrally (``server create
    --port``) learns where it lives, without ``origin`` (central stays its owner)."""
    profile = dict(top.get(PROFILE) or {})
    if profile.get(REGION_KEY) == region:
        return None
    profile[REGION_KEY] = region
    profile.pop(ORIGIN_KEY, None)
    return profile


# --- central ports and their regions ---------------------------------------------------

def port_region(port: Mapping) -> str | None:
    """The region a central port lives in, as recorded by the local plugin that created it."""
    return (port.get(PROFILE) or {}).get(REGION_KEY)


def created_here(central_port: Mapping, region: str) -> bool:
    """Whether ``central_port`` was created by the local plugin of ``region``."""
    profile = central_port.get(PROFILE) or {}
    return profile.get(REGION_KEY) == region and profile.get(ORIGIN_KEY) == ORIGIN_LOCAL


def is_shadow(port: Mapping) -> bool:
    """Whether ``port`` is xjob's stand-in for a VM port bound in another region."""
    return port.get("device_owner") == constants.DEVICE_OWNER_SHADOW


def needs_shadows(port: Mapping, network_type: str | None) -> bool:
    """Whether other regions must shadow central ``port``: a region's VM port on VxLAN."""
    owner = port.get("device_owner") or ""
    return (network_type == "vxlan" and port_region(port) is not None
            and owner.startswith("compute:") and not is_shadow(port))


# --- which bottom networks a region makes ------------------------------------------------

def meant_for(network: Mapping, region: str, zones: Mapping[str, set[str]]) -> bool:
    """False for a central network whose AZ hints keep it out of ``region``.

    ``zones`` maps each hint name (region or AZ) to the regions it means; no
    hint means every region.
    """
    hinted = set().union(*(zones.get(hint, set())
                           for hint in network.get("availability_zone_hints") or []))
    return not hinted or region in hinted


def visible_to(caller, top: Mapping) -> bool:
    """Whether ``caller`` (a request context) may see central network ``top``."""
    return bool(caller.is_admin or top.get("shared")
                or top.get("project_id") == caller.project_id)


def lives_in_first_region(top: Mapping) -> bool:
    """Whether ``top`` is a ``local`` network without hints: such a network lives in
    the first region that uses it (its routing says which)."""
    return (top.get("provider:network_type") == "local"
            and not top.get("availability_zone_hints"))


class Verdict(enum.Enum):
    """What a region does about a central network id it was asked for."""

    COPY = "copy"      # hold a bottom copy of it
    HIDDEN = "hidden"  # not for this caller; another caller (its owner) may still use it
    ABSENT = "absent"  # not a central network of this region, whoever asks


def network_verdict(top: Mapping | None, caller, region: str,
                    zones: Callable[[], Mapping[str, set[str]]],
                    holders: Callable[[], set[str | None]],
                   ignore_hints: bool = False) -> Verdict:
    """Whether ``region`` should hold a bottom copy of central network ``top``.

    ``top`` is None when central Neutron lacks it; ``caller`` None when
    Tricircle itself asks. ``zones`` (see :func:`meant_for`) and ``holders``
    (the regions whose routings say they hold ``top``) are asked only when
    the answer depends on them: each is a remote lookup. ``ignore_hints``: Tricircle
    itself asks, and places the network where it needs it.
    """
    if top is None:
        return Verdict.ABSENT
    if caller is not None and not visible_to(caller, top):
        return Verdict.HIDDEN
    if not ignore_hints and not meant_for(top, region, zones()):
        return Verdict.ABSENT
    if lives_in_first_region(top) and holders() - {region, None}:
        return Verdict.ABSENT
    return Verdict.COPY
