"""update_network and subnet_update: the regions' copies follow central's changes.

Central Neutron queues a job per region holding a copy (its routings) when a
network or subnet is updated there (tricircle.network.central_plugin). The
job reads central's object as it is when it runs, so late, repeated or
merged runs do the right thing, and changes only what differs
(tricircle.network.bottom.network_changes, subnet_changes):

- a network's name, description, admin state, MTU and port security;
- a subnet's name, description, DHCP, DNS servers, allocation pools and host
  routes, keeping what routers across regions set on the copy: a stretched
  subnet's gateway IP of the region and pools without the reserved gateways
  (tricircle.xjob.routers), and host routes via a router's port off the
  gateway (tricircle.xjob.router_routes).

An object central no longer has is left to bottom_delete. A region that is
down fails the job, which is retried; a redo finishes it.
"""

from oslo_log import log as logging

from tricircle.common.neutron import Neutron
from tricircle.network import bottom, routers
from tricircle.xjob import regions
from tricircle.xjob import routers as xrouters
from tricircle.xjob.reservations import gateway_reservations

LOG = logging.getLogger(__name__)


def update_network(pod_id: str, network_id: str) -> None:
    """Give the pod's copy of central network ``network_id`` central's fields."""
    top = xrouters.central_neutron().get("network", network_id)
    if top is None:
        return  # deleted centrally: bottom_delete removes the copies
    neutron = regions.neutron(pod_id)
    found = neutron.find("network", id=network_id)
    changes = bottom.network_changes(top, found[0]) if found else {}
    if changes:
        neutron.update("network", network_id, changes)
        LOG.info("network %s in pod %s follows central: %s", network_id, pod_id,
                 sorted(changes))


def _gateways(central: Neutron, top: dict) -> dict[str, str]:
    """region -> the gateway IP reserved there on stretched subnet ``top``."""
    held = central.find("port", network_id=top["network_id"],
                        device_owner=routers.DEVICE_OWNER_RESERVED)
    return {region: ip for (region, subnet_id), ip in gateway_reservations(held).items()
            if subnet_id == top["id"]}


def _router_hops(central: Neutron, top: dict) -> set[str]:
    """Addresses of central routers' interfaces on subnet ``top`` off its gateway."""
    return {ip["ip_address"]
            for port in central.find("port", network_id=top["network_id"],
                                     device_owner=xrouters.INTERFACE)
            for ip in port["fixed_ips"]
            if ip["subnet_id"] == top["id"] and ip["ip_address"] != top.get("gateway_ip")}


def subnet_update(pod_id: str, subnet_id: str) -> None:
    """Give the pod's copy of central subnet ``subnet_id`` central's fields."""
    central = xrouters.central_neutron()
    top = central.get("subnet", subnet_id)
    if top is None:
        return
    region = xrouters.region_names().get(pod_id)
    neutron = regions.neutron(pod_id) if region else None
    found = neutron.find("subnet", id=subnet_id) if neutron else []
    if not found:
        return  # a pod gone or central, or no copy there
    changes = bottom.subnet_changes(top, found[0], region, _gateways(central, top),
                                    _router_hops(central, top))
    if changes:
        neutron.update("subnet", subnet_id, changes)
        LOG.info("subnet %s in pod %s follows central: %s", subnet_id, pod_id,
                 sorted(changes))
