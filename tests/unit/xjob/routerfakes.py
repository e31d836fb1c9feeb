"""Neutrons in memory that know routers: interfaces, gateways, routes, floating IPs.

:class:`L3Neutron` extends the xjob tests' FakeNeutron with what router_setup
calls: addresses handed out per subnet when a port names none, router member
actions, and the refusals of a real Neutron that decide the order of a
teardown (a router with interfaces or a gateway cannot go; an interface or
gateway in use by a floating IP cannot go, nor an interface a route's nexthop
is on; a nexthop must be on a connected subnet).
"""

import ipaddress
import itertools

from tests.unit.xjob.conftest import FakeNeutron
from tricircle.common.neutron import RemoteConflict, RemoteError

INTERFACE = "network:router_interface"


class L3Neutron(FakeNeutron):
    def __init__(self, pod_id: str, endpoint: str = "http://127.0.0.1:9696") -> None:
        super().__init__(pod_id, endpoint)
        self.calls: list[tuple] = []  # (verb, kind or action, id)
        self.down = False
        self._addresses: dict[str, itertools.count] = {}

    def _check(self) -> None:
        if self.down:
            raise RemoteError(f"{self.pod_id} Neutron", None, "connection refused")

    def get(self, resource_type, resource_id):
        self._check()
        return super().get(resource_type, resource_id)

    def find(self, resource_type, **filters):
        self._check()
        return super().find(resource_type, **filters)

    def _next_address(self, subnet_id: str) -> str:
        subnet = self.objects["subnet"][subnet_id]
        counter = self._addresses.setdefault(subnet_id, itertools.count(100))
        return str(ipaddress.ip_network(subnet["cidr"])[next(counter)])

    def create(self, resource_type, body):
        self._check()
        self.calls.append(("create", resource_type, body.get("name")))
        if resource_type == "port":
            body = dict(body, device_id=body.get("device_id", ""),
                        device_owner=body.get("device_owner", ""))
            body["fixed_ips"] = [dict(ip, ip_address=ip.get("ip_address")
                                      or self._next_address(ip["subnet_id"]))
                                 for ip in body.get("fixed_ips", [])]
        if resource_type == "router":
            body = dict(body, routes=[], external_gateway_info=None)
        if resource_type == "floatingip":
            router = self._gateway_router(body["floating_network_id"])
            body = dict(body, router_id=router)
        return super().create(resource_type, body)

    def _gateway_router(self, network_id: str) -> str:
        for router in self.objects["router"].values():
            if (router.get("external_gateway_info") or {}).get("network_id") == network_id:
                return router["id"]
        raise RemoteError(f"{self.pod_id} Neutron", 404, "no router with that gateway")

    def update(self, resource_type, resource_id, body):
        self._check()
        self.calls.append(("update", resource_type, resource_id))
        if resource_type == "router" and "routes" in body:
            connected = {ip["subnet_id"] for port in self.find(
                "port", device_id=resource_id, device_owner=INTERFACE)
                for ip in port["fixed_ips"]}
            cidrs = [ipaddress.ip_network(self.objects["subnet"][s]["cidr"])
                     for s in connected if s in self.objects["subnet"]]
            for route in body["routes"]:
                nexthop = ipaddress.ip_address(route["nexthop"])
                if not any(nexthop in cidr for cidr in cidrs):
                    raise RemoteError(f"{self.pod_id} Neutron", 400,
                                      f"nexthop {nexthop} is not connected")
        if resource_type == "router" and "external_gateway_info" in body:
            if not body["external_gateway_info"] and self.find("floatingip",
                                                               router_id=resource_id):
                raise RemoteConflict(f"{self.pod_id} Neutron", 409, "gateway in use by FIP")
            body = dict(body, external_gateway_info=body["external_gateway_info"] or None)
        return super().update(resource_type, resource_id, body)

    def delete(self, resource_type, resource_id):
        self._check()
        self.calls.append(("delete", resource_type, resource_id))
        if resource_type == "router":
            router = self.objects["router"].get(resource_id) or {}
            if self.find("port", device_id=resource_id, device_owner=INTERFACE) \
                    or router.get("external_gateway_info"):
                raise RemoteConflict(f"{self.pod_id} Neutron", 409, "router in use")
        return super().delete(resource_type, resource_id)

    def action(self, kind, resource_id, name, body):
        self._check()
        self.calls.append((name, kind, resource_id))
        port = self.objects["port"][body["port_id"]]
        if name == "add_router_interface":
            subnets = {ip["subnet_id"] for ip in port["fixed_ips"]}
            for other in self.find("port", device_id=resource_id, device_owner=INTERFACE):
                if subnets & {ip["subnet_id"] for ip in other["fixed_ips"]}:
                    raise RemoteError(f"{self.pod_id} Neutron", 400, "subnet already there")
            port.update(device_id=resource_id, device_owner=INTERFACE)
        else:
            cidrs = [ipaddress.ip_network(self.objects["subnet"][ip["subnet_id"]]["cidr"])
                     for ip in port["fixed_ips"] if ip["subnet_id"] in self.objects["subnet"]]
            for route in self.objects["router"][resource_id].get("routes") or []:
                if any(ipaddress.ip_address(route["nexthop"]) in cidr for cidr in cidrs):
                    raise RemoteConflict(f"{self.pod_id} Neutron", 409, "interface required "
                                         "by one or more routes")
            self.objects["port"].pop(body["port_id"])
        return {"port_id": body["port_id"]}

    # --- a test's set-up ----------------------------------------------------------------

    def hold(self, resource_type: str, body: dict) -> dict:
        self.objects[resource_type][body["id"]] = body
        return body
