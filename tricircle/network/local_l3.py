"""L3 service plugin of each region's Neutron: the stock one, plus floating IPs for
ports of other regions.

A floating IP of a router across regions lives on the bottom router of the
region holding the external network. When its port is a VM port of another
region, that region's bottom router holds the port's subnet; here, the port
is xjob's shadow of it, on a subnet this region's bottom router reaches over
the bridge (an extra route), not through an interface of its own. The stock
plugin only associates a floating IP through a router with an interface on
the port's subnet, so for a shadow port it would find none: then the router
is one of the port's project with a gateway on the floating IP's network,
preferably one whose routes reach the port's address
(tricircle.network.routers.pick_router). Other ports keep the stock rule.
"""

from neutron.services.l3_router import l3_router_plugin
from neutron_lib.exceptions import l3 as l3_exc

from tricircle.network import bottom, routers


class TricircleL3Plugin(l3_router_plugin.L3RouterPlugin):
    def get_router_for_floatingip(self, context, internal_port, internal_subnet,
                                  external_network_id):
        try:
            return super().get_router_for_floatingip(context, internal_port,
                                                     internal_subnet, external_network_id)
        except l3_exc.ExternalGatewayForFloatingIPNotFound:
            if not bottom.is_shadow(internal_port):
                raise
            chosen = routers.pick_router(
                self._gateway_routers(context, internal_port["project_id"],
                                      external_network_id),
                self._address_on(internal_port, internal_subnet["id"]))
            if chosen is None:
                raise
            return chosen

    def _gateway_routers(self, context, project_id: str,
                         external_network_id: str) -> list[tuple[str, list]]:
        """(id, routes) of the project's routers with a gateway on the network, by id."""
        found = self.get_routers(context.elevated(), filters={"project_id": [project_id]})
        return [(router["id"], router.get("routes") or []) for router in sorted(
                    found, key=lambda router: router["id"])
                if (router.get("external_gateway_info") or {}).get("network_id")
                == external_network_id]

    @staticmethod
    def _address_on(port: dict, subnet_id: str) -> str:
        return next(ip["ip_address"] for ip in port["fixed_ips"]
                    if ip["subnet_id"] == subnet_id)
