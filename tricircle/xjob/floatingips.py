"""Floating IPs of a router across regions, in the exit region's Neutron: the
bottom floating IPs that should be there (central's, for ports of any region
the router reaches) and the local ports they point at (tricircle.xjob.routers
runs these from router_setup and its teardown).
"""

from typing import TYPE_CHECKING

from oslo_log import log as logging

from tricircle.common import constants
from tricircle.common.neutron import Neutron
from tricircle.objects import pod as pod_obj
from tricircle.objects import routing
from tricircle.xjob import regions, shadow
from tricircle.xjob.registry import Incomplete

if TYPE_CHECKING:  # routers imports this module
    from tricircle.xjob.routers import Plan

LOG = logging.getLogger(__name__)


def _bottom_floatingips(neutron: Neutron, bottom_id: str) -> dict[str, dict]:
    return {fip["floating_ip_address"]: fip
            for fip in neutron.find("floatingip", router_id=bottom_id)}


def delete_floatingips(neutron: Neutron, pod_id: str, bottom_id: str, keep=()) -> bool:
    """Delete the bottom router's floating IPs but those at addresses in ``keep``."""
    changed = False
    for address, fip in _bottom_floatingips(neutron, bottom_id).items():
        if address not in keep:
            neutron.delete("floatingip", fip["id"])
            for found in routing.in_pod("floatingip", pod_id):
                if found["bottom_id"] == fip["id"]:
                    routing.forget_id(found["id"])
            changed = True
    return changed


def _local_port(neutron: Neutron, region: pod_obj.Region, top_port: dict) -> str:
    """The id of ``top_port`` in ``region``: the port itself (copied here if it lives
    in no other region), else its shadow (made here now if missing, the network
    copied here on the way)."""
    if neutron.find("port", id=top_port["id"]):
        return top_port["id"]
    home = (top_port.get(shadow.PROFILE) or {}).get("region")
    if home in (None, region.region_name):
        # Made centrally and not used elsewhere: the region copies it on this lookup.
        if neutron.get("port", top_port["id"]) is None:
            raise Incomplete(f"port {top_port['id']} cannot be copied into "
                             f"{region.region_name}")
        return top_port["id"]
    neutron.get("network", top_port["network_id"])  # copied here on Tricircle's lookup
    for port in neutron.find("port", network_id=top_port["network_id"],
                             device_owner=constants.DEVICE_OWNER_SHADOW):
        if (port.get(shadow.PROFILE) or {}).get("shadow_of") == top_port["id"]:
            return port["id"]
    pods = {pod.region_name: pod for pod in pod_obj.regional()}
    if home not in pods:
        raise Incomplete(f"port {top_port['id']} is in no region Tricircle knows: no "
                         f"floating IP for it in {region.region_name}")
    home_neutron = regions.neutron(pods[home].pod_id)
    real = home_neutron.find("port", id=top_port["id"])
    if not real:
        raise Incomplete(f"port {top_port['id']} is not in {home} yet")
    real = dict(real[0], **{shadow.HOST: real[0].get(shadow.HOST) or top_port.get(shadow.HOST)
                            or "unbound"})
    ip = shadow.tunnel_ip(real, home, home_neutron.endpoint)
    created = neutron.create("port", shadow.shadow_body(real, home, ip))
    return created["id"]


def wanted_floatingips(central: Neutron, p: "Plan", region: str) -> dict[str, dict]:
    """Central's associated floating IPs of the router, by address, if ``region`` is its
    exit; none elsewhere."""
    if p.exit_region != region:
        return {}
    return {fip["floating_ip_address"]: fip
            for fip in central.find("floatingip", router_id=p.router["id"])
            if fip.get("port_id")}


def prune_floatingips(neutron: Neutron, pod_id: str, bottom_id: str,
                      wanted: dict[str, dict]) -> bool:
    """Delete the bottom floating IPs central no longer has as they are (first: an
    interface or gateway in use by one cannot go)."""
    keep = {address for address, fip in _bottom_floatingips(neutron, bottom_id).items()
            if address in wanted
            and fip.get("fixed_ip_address") == wanted[address]["fixed_ip_address"]}
    return delete_floatingips(neutron, pod_id, bottom_id, keep)


def add_floatingips(central: Neutron, neutron: Neutron, region: pod_obj.Region,
                    bottom_id: str, wanted: dict[str, dict]) -> bool:
    """Create the wanted floating IPs the bottom router lacks (after its gateway)."""
    current = _bottom_floatingips(neutron, bottom_id)
    changed = False
    for address, top in sorted(wanted.items()):
        if address in current:
            continue
        port = central.get("port", top["port_id"])
        if port is None:
            continue  # deleted meanwhile: its floating IP follows
        created = neutron.create("floatingip", {
            "floating_network_id": top["floating_network_id"], "floating_ip_address": address,
            "port_id": _local_port(neutron, region, port),
            "fixed_ip_address": top["fixed_ip_address"], "project_id": top["project_id"]})
        routing.record("floatingip", top["id"], region.pod_id, top["project_id"],
                       created["id"])
        changed = True
    return changed
