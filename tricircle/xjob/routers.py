"""router_setup and configure_route: a central router's bottom routers in the regions.

Central Neutron holds the router (interfaces, gateway, floating IPs, with
addresses from central IPAM) and queues the jobs (tricircle.network.central_l3);
the rules of where what lives are tricircle.network.routers and .routes.

``setup(pod_id, router_id)`` reconciles one region with central's router:

1. Central gone, or the region not needed (no attached network lives there
   and it is not the exit): the bottom router goes, in the order Neutron
   accepts: floating IPs, routes, gateway, interfaces, router; its routing and its
   reservations go after it, and the region's copies of the subnets it was
   on get central's gateway and pools back.
2. Otherwise central reserves what the region needs (the router's bridge
   address there; a gateway IP there on every stretched subnet), the
   region gets its networks (copied on Tricircle's lookup) and one bottom
   router named by the central id (its id recorded as a routing: the
   routing decides between two runs racing), then, in this order:
   interfaces that are wrong go (the routes first, since Neutron keeps an
   interface a route uses), subnet copies get their gateway and pools,
   missing interfaces come (a port at the wanted address, then
   add_router_interface), the gateway follows central's in the exit region
   (same address, same SNAT choice) and goes elsewhere, and the exit
   region's floating IPs follow central's (a port of another region is
   represented by its shadow there).
3. ``configure_route`` is queued; when this run changed the region, so is a
   ``router_setup`` of the router's other regions (a network stretched by
   this region changes their interfaces too). A run that changes nothing
   queues no other region, so the chain ends.

``configure_route`` (tricircle.xjob.router_routes) gives every bottom router
its routes; central's reservations are tricircle.xjob.reservations.

Every step compares before it changes, so a second run, a redo, or a run
after a crash changes nothing more; a region that is down fails the job,
which is retried, and a redo finishes it.
"""

import dataclasses

from oslo_log import log as logging

from tricircle.common.neutron import Neutron, RemoteError
from tricircle.network import routers, routes
from tricircle.objects import job as job_obj
from tricircle.objects import pod as pod_obj
from tricircle.objects import routing
from tricircle.xjob import regions
from tricircle.xjob.floatingips import (
    add_floatingips,
    delete_floatingips,
    prune_floatingips,
    wanted_floatingips,
)
from tricircle.xjob.registry import Incomplete
from tricircle.xjob.reservations import release, reservations

LOG = logging.getLogger(__name__)

INTERFACE = "network:router_interface"
GATEWAY = "external_gateway_info"


# --- what central says ------------------------------------------------------------------

@dataclasses.dataclass
class Plan:
    """A central router and where its parts live."""

    router: dict
    zones: dict[str, set[str]]
    local: str | None
    subnets: list[dict]                 # the router's central subnets
    central_ips: dict[str, str]         # subnet id -> the central interface's address
    placed: dict[str, set[str]]         # network id -> the regions it lives in
    exit_network: str | None
    exit_region: str | None
    bridge: dict | None = None          # the project's bridge subnet, when it has one

    @property
    def regions(self) -> set[str]:
        return routers.router_regions(self.local, self.placed, self.exit_region)

    def subnets_in(self, region: str) -> list[dict]:
        return [s for s in self.subnets if region in self.placed.get(s["network_id"], set())]

    def stretched(self, subnet: dict) -> bool:
        return routers.stretched(self.placed.get(subnet["network_id"], set()))


def central_neutron() -> Neutron:
    central = pod_obj.central()
    if central is None:
        raise Incomplete("no central pod is registered: central Neutron cannot be asked")
    return regions.neutron(central.pod_id)


def zones() -> dict[str, set[str]]:
    """Every name a zone hint may use -> its regions: region names and the pods' AZs."""
    result: dict[str, set[str]] = {}
    for pod in pod_obj.regional():
        result.setdefault(pod.region_name, set()).add(pod.region_name)
        if pod.az_name:
            result.setdefault(pod.az_name, set()).add(pod.region_name)
    return result


def region_names() -> dict[str, str]:
    return {pod.pod_id: pod.region_name for pod in pod_obj.regional()}


def _holders(network_id: str) -> set[str]:
    names = region_names()
    return {names[pod_id] for pod_id in routing.pods_holding("network", network_id)
            if pod_id in names}


def plan(central: Neutron, router: dict) -> Plan:
    """What central's ``router`` means for the regions."""
    found = zones()
    subnets, central_ips, placed = [], {}, {}
    for port in central.find("port", device_id=router["id"], device_owner=INTERFACE):
        if port["network_id"] not in placed:
            network = central.get("network", port["network_id"]) or {"id": port["network_id"]}
            placed[port["network_id"]] = routers.network_regions(
                network, found, lambda id_=port["network_id"]: _holders(id_))
        for ip in port["fixed_ips"]:
            subnet = central.get("subnet", ip["subnet_id"])
            if subnet is not None:
                subnets.append(subnet)
                central_ips[subnet["id"]] = ip["ip_address"]
    exit_network = (router.get(GATEWAY) or {}).get("network_id")
    exit_region = None
    if exit_network:
        network = central.get("network", exit_network) or {}
        exit_region, _ = routers.external_region(network, found, None)
    local = routers.local_region(router, found)
    if local is not None:
        # Every network of a local router lives in its region (the central plugin
        # refused the others): copied there, never stretched by the router.
        placed = {network_id: {local} for network_id in placed}
    result = Plan(router, found, local, subnets, central_ips, placed, exit_network,
                  exit_region)
    if routers.needs_bridge(result.local):
        result.bridge = bridge_subnet(central, router["project_id"])
    return result


def bridge_subnet(central: Neutron, project_id: str) -> dict | None:
    """The subnet of the project's bridge network (the oldest one, if a race made two)."""
    networks = sorted(central.find("network", name=routers.bridge_name(project_id)),
                      key=lambda network: network.get("created_at") or "")
    for network in networks:
        found = central.find("subnet", network_id=network["id"])
        if found:
            return found[0]
    return None


# --- the bottom router ---------------------------------------------------------------------

def _bottom_id(pod_id: str, router_id: str) -> str | None:
    found = [r for r in routing.of_top("router", router_id) if r["pod_id"] == pod_id]
    return found[0]["bottom_id"] if found else None


def ensure_router(neutron: Neutron, pod_id: str, router: dict) -> tuple[dict, bool]:
    """(the bottom router of ``router`` in the pod, whether it was created now)."""
    bottom_id = _bottom_id(pod_id, router["id"])
    if bottom_id:
        found = neutron.find("router", id=bottom_id)
        if found:
            return found[0], False
        routing.forget("router", router["id"], pod_id)  # deleted behind our back
    named = neutron.find("router", name=router["id"])
    created = not named
    bottom = named[0] if named else neutron.create("router", {
        "name": router["id"], "project_id": router["project_id"],
        "admin_state_up": router.get("admin_state_up", True),
        "description": f"bottom router of {router['id']}"})
    if not routing.record("router", router["id"], pod_id, router["project_id"], bottom["id"]):
        winner = _bottom_id(pod_id, router["id"])
        if winner and winner != bottom["id"]:
            # Another run recorded its bottom router first: that one stays.
            if created:
                neutron.delete("router", bottom["id"])
            return neutron.find("router", id=winner)[0], False
    return bottom, created


def _interfaces(neutron: Neutron, bottom_id: str) -> dict[str, tuple[str, str]]:
    """subnet id -> (address, port id) of the bottom router's interfaces."""
    result = {}
    for port in neutron.find("port", device_id=bottom_id, device_owner=INTERFACE):
        for ip in port["fixed_ips"]:
            result[ip["subnet_id"]] = (ip["ip_address"], port["id"])
    return result


def _subnet_copy(neutron: Neutron, subnet: dict, gateway_ip: str | None, pools: list[dict]
                 ) -> bool:
    """Give the region's copy of ``subnet`` this gateway and pools; whether it changed."""
    found = neutron.find("subnet", id=subnet["id"])
    if not found:
        return False
    copy = found[0]
    if copy.get("gateway_ip") == gateway_ip and \
            routes.pools_without(copy.get("allocation_pools") or [], []) == pools:
        return False
    neutron.update("subnet", subnet["id"], {"gateway_ip": gateway_ip,
                                             "allocation_pools": pools})
    return True


def drop_host_routes(neutron: Neutron, subnet_id: str, address: str) -> None:
    """Take the host routes via ``address`` (a bottom router's interface going away)
    out of the region's copy of ``subnet_id``."""
    found = neutron.find("subnet", id=subnet_id)
    routes_ = (found[0].get("host_routes") or []) if found else []
    kept = [r for r in routes_ if r["nexthop"] != address]
    if len(kept) != len(routes_):
        neutron.update("subnet", subnet_id, {"host_routes": kept})


def _add_interface(neutron: Neutron, bottom_id: str, subnet: dict, address: str,
                   project_id: str | None) -> None:
    body = {"network_id": subnet["network_id"], "name": f"interface of {bottom_id}",
            "fixed_ips": [{"subnet_id": subnet["id"], "ip_address": address}]}
    if project_id:
        body["project_id"] = project_id
    port = neutron.create("port", body)
    try:
        neutron.action("router", bottom_id, "add_router_interface", {"port_id": port["id"]})
    except RemoteError:
        neutron.delete("port", port["id"])  # not left holding the address
        raise


def sync_interfaces(neutron: Neutron, bottom_id: str, p: Plan, region: str,
                    bridge_ip: str | None, reserved: dict) -> bool:
    """Make the bottom router's interfaces and subnet copies match the plan."""
    wanted = routers.interface_ips(region, p.subnets, p.placed, p.central_ips, reserved)
    subnets = {s["id"]: s for s in p.subnets}
    if p.bridge is not None and bridge_ip:
        wanted[p.bridge["id"]] = bridge_ip
        subnets[p.bridge["id"]] = p.bridge
    changed = False
    current = _interfaces(neutron, bottom_id)
    going = [(subnet_id, address, port_id)
             for subnet_id, (address, port_id) in current.items()
             if wanted.get(subnet_id) != address]
    if going:
        # Neutron refuses to remove an interface a route goes through; the routes
        # come back with the configure_route this run queues.
        clear_routes(neutron, bottom_id)
    for subnet_id, address, port_id in going:
        drop_host_routes(neutron, subnet_id, address)
        neutron.action("router", bottom_id, "remove_router_interface", {"port_id": port_id})
        changed = True
    stretched_ips = {}
    for (_, subnet_id), address in reserved.items():
        stretched_ips.setdefault(subnet_id, []).append(address)
    for subnet in p.subnets_in(region):
        if p.stretched(subnet) and (region, subnet["id"]) in reserved:
            gateway = reserved[(region, subnet["id"])]
            pools = routes.pools_without(subnet["allocation_pools"], stretched_ips[subnet["id"]])
        else:
            gateway, pools = subnet["gateway_ip"], subnet["allocation_pools"]
        changed |= _subnet_copy(neutron, subnet, gateway, pools)
    current = _interfaces(neutron, bottom_id)
    for subnet_id, address in sorted(wanted.items()):
        if current.get(subnet_id, (None,))[0] != address:
            owner = None if p.bridge and subnet_id == p.bridge["id"] else \
                p.router["project_id"]
            _add_interface(neutron, bottom_id, subnets[subnet_id], address, owner)
            changed = True
    return changed


def clear_routes(neutron: Neutron, bottom_id: str) -> None:
    """Drop the bottom router's extra routes, if it has any."""
    found = neutron.find("router", id=bottom_id)
    if found and found[0].get("routes"):
        neutron.update("router", bottom_id, {"routes": []})


def _gateway_body(router: dict) -> dict:
    gateway = router.get(GATEWAY) or {}
    return {"network_id": gateway["network_id"],
            "enable_snat": gateway.get("enable_snat", True),
            "external_fixed_ips": [{"subnet_id": ip["subnet_id"],
                                    "ip_address": ip["ip_address"]}
                                   for ip in gateway.get("external_fixed_ips") or []]}


def _same_gateway(current: dict | None, wanted: dict | None) -> bool:
    if not current or not wanted:
        return not current and not wanted
    def ips(gateway):
        return sorted(ip["ip_address"] for ip in gateway.get("external_fixed_ips") or [])
    return (current.get("network_id") == wanted["network_id"]
            and current.get("enable_snat", True) == wanted["enable_snat"]
            and ips(current) == ips(wanted))


def sync_gateway(neutron: Neutron, bottom: dict, p: Plan, region: str) -> bool:
    """The exit region's bottom router takes central's gateway; the others none."""
    wanted = _gateway_body(p.router) if p.exit_region == region else None
    if _same_gateway(bottom.get(GATEWAY), wanted):
        return False
    if wanted:
        neutron.get("network", wanted["network_id"])  # the region copies it on this lookup
    neutron.update("router", bottom["id"], {GATEWAY: wanted or {}})
    return True


# --- the jobs --------------------------------------------------------------------------------

def teardown(neutron: Neutron, pod_id: str, router_id: str, central: Neutron) -> bool:
    """Remove the bottom router of ``router_id`` in the pod, what hangs on it first."""
    bottom_id = _bottom_id(pod_id, router_id)
    found = neutron.find("router", id=bottom_id) if bottom_id else []
    found = found or neutron.find("router", name=router_id)
    for bottom in found:
        delete_floatingips(neutron, pod_id, bottom["id"])
        clear_routes(neutron, bottom["id"])  # an interface a route uses cannot go
        if bottom.get(GATEWAY):
            neutron.update("router", bottom["id"], {GATEWAY: {}})
        subnets = list(_interfaces(neutron, bottom["id"]))
        for subnet_id, (address, port_id) in _interfaces(neutron, bottom["id"]).items():
            drop_host_routes(neutron, subnet_id, address)
            neutron.action("router", bottom["id"], "remove_router_interface",
                           {"port_id": port_id})
        for subnet_id in subnets:  # central's gateway and pools back
            top = central.get("subnet", subnet_id)
            if top is not None:
                _subnet_copy(neutron, top, top["gateway_ip"], top["allocation_pools"])
        neutron.delete("router", bottom["id"])
        LOG.info("bottom router %s of %s deleted in pod %s", bottom["id"], router_id, pod_id)
    routing.forget("router", router_id, pod_id)
    return bool(found)


def setup(pod_id: str, router_id: str) -> None:
    """Reconcile the bottom router of ``router_id`` in pod ``pod_id``; see the module."""
    names = region_names()
    if pod_id not in names:
        LOG.info("pod %s is gone or central: no bottom router to set up", pod_id)
        return
    region = pod_obj.region_of(pod_id)
    central, neutron = central_neutron(), regions.neutron(pod_id)
    router = central.get("router", router_id)
    if router is None:
        teardown(neutron, pod_id, router_id, central)
        return
    p = plan(central, router)
    if region.region_name not in p.regions:
        changed = teardown(neutron, pod_id, router_id, central)
        release(central, router_id, region.region_name)
    else:
        if p.bridge is None and routers.needs_bridge(p.local):
            raise Incomplete(f"project {router['project_id']} has no bridge network yet")
        for network_id, placed in p.placed.items():
            if region.region_name in placed:
                neutron.get("network", network_id)  # copied here on Tricircle's lookup
        bridge_ip, reserved = reservations(central, p, region.region_name)
        bottom, changed = ensure_router(neutron, pod_id, router)
        floatingips = wanted_floatingips(central, p, region.region_name)
        changed |= prune_floatingips(neutron, pod_id, bottom["id"], floatingips)
        changed |= sync_interfaces(neutron, bottom["id"], p, region.region_name, bridge_ip,
                                   reserved)
        changed |= sync_gateway(neutron, bottom, p, region.region_name)
        changed |= add_floatingips(central, neutron, region, bottom["id"], floatingips)
    project_id = router["project_id"]
    job_obj.create(project_id, "configure_route", {"router_id": router_id})
    if changed:
        for other in sorted(p.regions - {region.region_name}):
            other_pod = next(k for k, v in names.items() if v == other)
            job_obj.create(project_id, "router_setup", {
                "pod_id": other_pod, "router_id": router_id, "network_id": router_id})
