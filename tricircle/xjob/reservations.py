"""What central Neutron reserves for the bottom routers of a router across regions:
ports of device owner ``tricircle:reserved``, device id the central router, one
per (router, region) on the project's bridge subnet (``tricircle-bridge-<region>``,
the bottom router's bridge address) and on each stretched subnet
(``tricircle-gateway-<region>``, the gateway IP of that region's copy).
tricircle.xjob.routers makes and releases them as it sets a region up.
"""

from typing import TYPE_CHECKING

from tricircle.common.neutron import Neutron
from tricircle.network import routers

if TYPE_CHECKING:  # routers imports this module
    from tricircle.xjob.routers import Plan


def reserved_ports(central: Neutron, router_id: str) -> list[dict]:
    """Every port central reserved for ``router_id``."""
    return central.find("port", device_id=router_id,
                        device_owner=routers.DEVICE_OWNER_RESERVED)


def _reserve(central: Neutron, router_id: str, network_id: str, subnet_id: str,
             name: str, held: list[dict]) -> str:
    """The address of reservation ``name`` on ``subnet_id``, made if missing."""
    for port in held:
        if port["name"] == name and port["network_id"] == network_id:
            return port["fixed_ips"][0]["ip_address"]
    port = central.create("port", {
        "network_id": network_id, "name": name, "device_id": router_id,
        "device_owner": routers.DEVICE_OWNER_RESERVED, "fixed_ips": [{"subnet_id": subnet_id}]})
    held.append(port)
    return port["fixed_ips"][0]["ip_address"]


def reservations(central: Neutron, p: "Plan", region: str) -> tuple[str | None, dict]:
    """(the router's bridge address in ``region``, (region, subnet id) -> gateway IP of
    every stretched subnet), reserving in central what is missing."""
    held = reserved_ports(central, p.router["id"])
    bridge_ip = None
    if p.bridge is not None:
        bridge_ip = _reserve(central, p.router["id"], p.bridge["network_id"], p.bridge["id"],
                             routers.bridge_port_name(region), held)
    # Every region of a stretched subnet at once: each copy's pools leave out them all.
    wanted = set()
    for subnet in p.subnets:
        if p.stretched(subnet):
            for where in sorted(p.placed[subnet["network_id"]]):
                wanted.add((where, subnet["id"]))
                _reserve(central, p.router["id"], subnet["network_id"], subnet["id"],
                         routers.gateway_port_name(where), held)
    for port in list(held):  # a subnet no longer stretched there: its gateway goes back
        if port["name"].startswith(routers.GATEWAY_PREFIX) and not any(
                (port["name"][len(routers.GATEWAY_PREFIX):], ip["subnet_id"]) in wanted
                for ip in port["fixed_ips"]):
            central.delete("port", port["id"])
            held.remove(port)
    return bridge_ip, gateway_reservations(held)


def gateway_reservations(held: list[dict]) -> dict[tuple[str, str], str]:
    """(region, subnet id) -> address, of the reserved gateway ports in ``held``."""
    result = {}
    for port in held:
        if port["name"].startswith(routers.GATEWAY_PREFIX):
            region = port["name"][len(routers.GATEWAY_PREFIX):]
            for ip in port["fixed_ips"]:
                result[(region, ip["subnet_id"])] = ip["ip_address"]
    return result


def bridge_addresses(held: list[dict]) -> dict[str, str]:
    """region -> the router's reserved bridge address there."""
    return {port["name"][len(routers.BRIDGE_PREFIX):]: port["fixed_ips"][0]["ip_address"]
            for port in held if port["name"].startswith(routers.BRIDGE_PREFIX)}


def release(central: Neutron, router_id: str, region: str) -> None:
    """Give back the addresses central reserved for ``router_id`` in ``region``."""
    names = {routers.bridge_port_name(region), routers.gateway_port_name(region)}
    for port in reserved_ports(central, router_id):
        if port["name"] in names:
            central.delete("port", port["id"])

