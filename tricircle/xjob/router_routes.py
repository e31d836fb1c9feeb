"""configure_route: the routes of a central router's bottom routers.

Each bottom router of a router across regions gets, in one PUT of its whole
``routes`` list (tricircle.network.routes has the rules):

- Tricircle's routes: the router's subnets living only in other regions via
  their bottom router's bridge address, and the default route via the exit
  region's bottom router when the router has a gateway elsewhere;
- the user's routes set on the central router (``router set --route``): as
  they are in the regions holding the nexthop's subnet, via that region's
  bridge address in the others; a user's route wins for its destination.

A local router's one bottom router gets the user's routes as they are.

Where the router sits on a region's subnet at a port that is not the
subnet's gateway (the subnet's exit is another router, such as a local
router with its region's external network), the region's copy of the
subnet gets host routes to the router's subnets of other regions via that
port, so its VMs reach them over the router while their default route stays
with their own region's exit.

A run changes only what differs, so it is idempotent; a region that is down
fails the job (the others are done), and the retry or a redo finishes it.
"""

from oslo_log import log as logging

from tricircle.common.neutron import Neutron, RemoteError
from tricircle.network import routes
from tricircle.objects import routing
from tricircle.xjob import regions, routers
from tricircle.xjob.registry import Incomplete
from tricircle.xjob.reservations import bridge_addresses, reserved_ports

LOG = logging.getLogger(__name__)


def _placed_cidrs(p: routers.Plan) -> dict[str, set[str]]:
    """CIDR of each of the router's subnets -> the regions it lives in."""
    return {subnet["cidr"]: set(p.placed.get(subnet["network_id"], set()))
            for subnet in p.subnets}


def _by_region(p: routers.Plan) -> dict[str, set[str]]:
    """region -> the CIDRs of the router's subnets living there."""
    cidrs: dict[str, set[str]] = {}
    for subnet in p.subnets:
        for region in p.placed.get(subnet["network_id"], set()):
            cidrs.setdefault(region, set()).add(subnet["cidr"])
    return cidrs


def wanted_routes(p: routers.Plan, region: str, bridge_ips: dict[str, str]) -> list[dict]:
    """The whole route list of ``region``'s bottom router."""
    user = p.router.get("routes") or []
    if p.local is not None:
        return routes.merge_routes([], user)
    own = routes.extra_routes(region, _by_region(p), bridge_ips, p.exit_region)
    return routes.merge_routes(own, routes.user_routes(region, user, _placed_cidrs(p),
                                                       bridge_ips))


def sync_host_routes(neutron: Neutron, p: routers.Plan, region: str) -> None:
    """Host routes on the region's copies of the subnets the router sits on off their
    gateway: the router's subnets of other regions via its port there."""
    if p.local is not None:
        return
    cidrs = _by_region(p)
    here = cidrs.get(region, set())
    remote = set().union(*(c for other, c in cidrs.items() if other != region)) - here \
        if cidrs else set()
    for subnet in p.subnets_in(region):
        address = p.central_ips.get(subnet["id"])
        if p.stretched(subnet) or address is None or address == subnet.get("gateway_ip"):
            continue
        found = neutron.find("subnet", id=subnet["id"])
        if not found:
            continue
        current = found[0].get("host_routes") or []
        wanted = routes.host_routes(current, address, subnet["cidr"], remote)
        if not routes.same_routes(current, wanted):
            neutron.update("subnet", subnet["id"], {"host_routes": wanted})
            LOG.info("subnet %s in %s routes %d subnets via %s", subnet["id"], region,
                     len(wanted) - len(current), address)


def configure_route(router_id: str) -> None:
    """Give every bottom router of ``router_id`` its routes (see the module)."""
    central = routers.central_neutron()
    router = central.get("router", router_id)
    if router is None:
        return  # router_setup removes its bottom routers
    p = routers.plan(central, router)
    names = routers.region_names()
    routed = {names[r["pod_id"]]: r for r in routing.of_top("router", router_id)
              if r["pod_id"] in names}
    held = bridge_addresses(reserved_ports(central, router_id))
    bridge_ips = {region: ip for region, ip in held.items() if region in routed}
    errors = []
    for region, found in sorted(routed.items()):
        wanted = wanted_routes(p, region, bridge_ips)
        try:
            neutron = regions.neutron(found["pod_id"])
            bottom = neutron.find("router", id=found["bottom_id"])
            if bottom and not routes.same_routes(bottom[0].get("routes") or [], wanted):
                neutron.update("router", found["bottom_id"], {"routes": wanted})
            sync_host_routes(neutron, p, region)
        except RemoteError as exc:
            errors.append(exc.message)
    if errors:
        raise Incomplete("; ".join(errors))
