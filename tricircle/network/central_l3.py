"""L3 service plugin of central Neutron: routers and floating IPs across regions.

Central Neutron's routers are the global view (interfaces, gateway, floating
IPs, with addresses from central IPAM); their bottom routers in the regions
are xjob's work (tricircle.xjob.routers). On top of the stock L3 plugin this:

- accepts region names and pod AZs as zone hints of a router (no L3 agent
  reports zones here): a router hinted to one region is a local router of
  that region (tricircle.network.routers has the rules);
- refuses (400) an interface on a network the router cannot reach, and a
  gateway on an external network living in a region a local router is not
  in; an external network lives in one region (the core plugin checks it);
- creates the project's bridge network the first time a non-local router
  takes an interface, and deletes it with the project's last non-local
  router (its subnet is carved from ``[tricircle] bridge_cidr``);
- queues ``router_setup`` (pod, router, network) for every region a change
  concerns: interfaces added or removed, a gateway set or cleared, a
  floating IP made, moved or deleted (the pod of the external network's
  region), the router deleted (every pod holding a bottom router); and, from
  the core plugin, a VM port bound in a region on a network of a router.

Like the core plugin it never calls a region: it changes its own database,
asks Keystone's catalog and Tricircle's admin API, and queues jobs.
"""

from neutron.services.l3_router import l3_router_plugin
from neutron_lib import constants as n_const
from neutron_lib import context as n_context
from neutron_lib import exceptions as n_exc
from neutron_lib.api import validators
from neutron_lib.api.validators import availability_zone as az_validator
from neutron_lib.exceptions import availability_zone as az_exc
from neutron_lib.plugins import directory
from neutron_lib.plugins import utils as plugin_utils
from oslo_config import cfg
from oslo_log import log as logging

from tricircle.common.neutron import RemoteError
from tricircle.network import conf as _conf  # noqa: F401  (registers [tricircle])
from tricircle.network import errors, helper, routers, routes

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

GATEWAY = "external_gateway_info"


class BridgeExhausted(n_exc.Conflict):
    message = "No bridge network for project %(project_id)s: %(reason)s"


def _core():
    return directory.get_plugin()


def _admin():
    return n_context.get_admin_context()


def _bad_request(message: str) -> n_exc.BadRequest:
    return n_exc.BadRequest(resource="router", msg=message)


def network_holders(network_id: str) -> set[str | None]:
    """The regions whose routings say they hold a bottom copy of ``network_id``."""
    return {routing["region_name"] for routing in helper.routings(network_id, "network")}


def routers_of_network(network_id: str) -> list[str]:
    """The central routers with an interface on ``network_id``."""
    ports = _core().get_ports(_admin(), filters={
        "network_id": [network_id], "device_owner": [n_const.DEVICE_OWNER_ROUTER_INTF]},
        fields=["device_id"])
    return sorted({port["device_id"] for port in ports if port["device_id"]})


def queue_setup(project_id: str, router_id: str, network_id: str, regions) -> None:
    """Queue ``router_setup`` of ``router_id`` in the pod of each of ``regions``."""
    for region in sorted(regions):
        pod_id = helper.pod_id_of(region)
        if pod_id is None:
            LOG.warning("Region %s has no pod: router %s is not set up there", region,
                        router_id)
            continue
        helper.queue("router_setup", project_id,
                     {"pod_id": pod_id, "router_id": router_id, "network_id": network_id},
                     f"the bottom router of {router_id} in {region} lags until its next "
                     "change, or an operator's redo")


class TricircleL3Plugin(l3_router_plugin.L3RouterPlugin):
    """The stock L3 plugin, routers spanning regions; see the module docstring."""

    # --- zones ---------------------------------------------------------------------

    @errors.central_errors  # Keystone down: a 503 naming it, not a 500
    def validate_availability_zones(self, context, resource_type, availability_zones):
        if resource_type != "router" or not availability_zones:
            return super().validate_availability_zones(context, resource_type,
                                                       availability_zones)
        unknown = sorted(set(availability_zones) - set(helper.zones()))
        if unknown:
            raise az_exc.AvailabilityZoneNotFound(availability_zone=unknown[0])

    def get_router_availability_zones(self, router):
        # No agent reports zones here: a router is where its hints put it.
        attributes = getattr(router, "extra_attributes", None)
        hints = getattr(attributes, "availability_zone_hints", None) if attributes else None
        return az_validator.convert_az_string_to_list(hints) if hints else []

    # --- routers ---------------------------------------------------------------------

    @errors.central_errors
    def create_router(self, context, router):
        body = router["router"]
        self._check_gateway(dict(body, id="(new)"), body.get(GATEWAY))
        result = super().create_router(context, router)
        gateway = result.get(GATEWAY) or {}
        if gateway.get("network_id"):
            self._queue(result, gateway["network_id"])
        return result

    @errors.central_errors
    def update_router(self, context, id, router):
        body = router["router"]
        before = self.get_router(context, id)
        if GATEWAY in body:
            self._check_gateway(before, body[GATEWAY])
        result = super().update_router(context, id, router)
        if (before.get(GATEWAY) or {}) != (result.get(GATEWAY) or {}):
            old = (before.get(GATEWAY) or {}).get("network_id")
            new = (result.get(GATEWAY) or {}).get("network_id")
            self._queue(result, new or old, extra_networks=[old, new])
        elif not routes.same_routes(before.get("routes") or [], result.get("routes") or []):
            # The user's extra routes go to the bottom routers beside Tricircle's.
            helper.queue("configure_route", result["project_id"], {"router_id": id},
                         f"the bottom routers of {id} keep their old routes until the "
                         "router's next change")
        return result

    @errors.central_errors
    def delete_router(self, context, id):
        router = self.get_router(context, id)
        regions = self._routed_regions(id)
        super().delete_router(context, id)
        self._release_reservations(id)
        if routers.needs_bridge(routers.local_region(router, helper.zones())):
            self._drop_bridge_if_unused(router["project_id"])
        # The router is gone: each bottom router goes with what hangs on it.
        queue_setup(router["project_id"], id, id, regions)

    @errors.central_errors
    def add_router_interface(self, context, router_id, interface_info=None):
        router = self.get_router(context, router_id)
        network = self._interface_network(context, interface_info or {})
        zones = helper.zones()
        if network is not None:
            error = routers.interface_error(router, network, zones) or \
                routers.ip_version_error(router, self._interface_cidrs(
                    context, interface_info or {}), zones)
            if error:
                raise _bad_request(error)
        info = super().add_router_interface(context, router_id, interface_info)
        self._queue(router, info["network_id"], zones=zones)
        return info

    @errors.central_errors
    def remove_router_interface(self, context, router_id, interface_info):
        router = self.get_router(context, router_id)
        info = super().remove_router_interface(context, router_id, interface_info)
        self._queue(router, info["network_id"], extra_networks=[info["network_id"]])
        return info

    # --- floating IPs --------------------------------------------------------------------

    @errors.central_errors
    def create_floatingip(self, context, floatingip):
        result = super().create_floatingip(context, floatingip)
        self._queue_floatingip(result)
        return result

    @errors.central_errors
    def update_floatingip(self, context, id, floatingip):
        before = self.get_floatingip(context, id)
        result = super().update_floatingip(context, id, floatingip)
        self._queue_floatingip(before)
        if result.get("router_id") != before.get("router_id"):
            self._queue_floatingip(result)
        return result

    @errors.central_errors
    def delete_floatingip(self, context, id):
        before = self.get_floatingip(context, id)
        super().delete_floatingip(context, id)
        self._queue_floatingip(before, deleted=True)

    def _queue_floatingip(self, floatingip: dict, deleted: bool = False) -> None:
        """Ask the external network's region to bring the router's floating IPs in line."""
        router_id = floatingip.get("router_id")
        if not router_id and deleted:
            # Disassociated already (its port went): a bottom floating IP left
            # behind is known by its routing, which resource_recycle follows.
            helper.queue("resource_recycle", floatingip["project_id"],
                         {"project_id": floatingip["project_id"]},
                         f"a bottom floating IP of {floatingip['id']} may stay until the "
                         "project's next resource_recycle")
        if not router_id:
            return
        network = _core().get_network(_admin(), floatingip["floating_network_id"])
        region, _ = routers.external_region(network, helper.zones(),
                                            CONF.tricircle.default_external_region)
        if region:
            queue_setup(floatingip["project_id"], router_id,
                        floatingip["floating_network_id"], {region})

    # --- what a change concerns ------------------------------------------------------------

    def _queue(self, router: dict, network_id: str, extra_networks=(), zones=None) -> None:
        """Queue router_setup in every region ``router`` has or needs a bottom router in,
        and where ``extra_networks`` (e.g. a network just detached) live."""
        zones = zones if zones is not None else helper.zones()
        if routers.needs_bridge(routers.local_region(router, zones)):
            self._ensure_bridge(router["project_id"])
        regions = self._routed_regions(router["id"])
        regions |= self._planned_regions(router, zones)
        core, admin = _core(), _admin()
        for extra in extra_networks:
            if extra:
                network = core.get_network(admin, extra)
                regions |= routers.network_regions(network, zones,
                                                   lambda id_=extra: network_holders(id_))
        queue_setup(router["project_id"], router["id"], network_id, regions)

    @staticmethod
    def _routed_regions(router_id: str) -> set[str]:
        """The regions holding a bottom router of ``router_id`` (its routings)."""
        try:
            return {r["region_name"] for r in helper.routings(router_id, "router")
                    if r["region_name"]}
        except RemoteError as exc:
            LOG.error("Router %s: its bottom routers are unknown: %s", router_id, exc)
            return set()

    def _planned_regions(self, router: dict, zones) -> set[str]:
        """The regions where ``router`` needs a bottom router now."""
        local = routers.local_region(router, zones)
        core, admin = _core(), _admin()
        placed = {}
        for network_id in self._interface_networks(router["id"]):
            network = core.get_network(admin, network_id)
            placed[network_id] = routers.network_regions(
                network, zones, lambda id_=network_id: network_holders(id_))
        exit_region = None
        gateway = (router.get(GATEWAY) or {}).get("network_id")
        if gateway:
            exit_region, _ = routers.external_region(
                core.get_network(admin, gateway), zones,
                CONF.tricircle.default_external_region)
        return routers.router_regions(local, placed, exit_region)

    @staticmethod
    def _interface_networks(router_id: str) -> list[str]:
        ports = _core().get_ports(_admin(), filters={
            "device_id": [router_id], "device_owner": [n_const.DEVICE_OWNER_ROUTER_INTF]},
            fields=["network_id"])
        return sorted({port["network_id"] for port in ports})

    @staticmethod
    def _interface_network(context, interface_info: dict) -> dict | None:
        """The network an interface request names; None when the stock checks should
        answer (nothing named, or an unknown id: they give the 400 or 404)."""
        core = _core()
        try:
            if interface_info.get("port_id"):
                port = core.get_port(context, interface_info["port_id"])
                return core.get_network(context, port["network_id"])
            if interface_info.get("subnet_id"):
                subnet = core.get_subnet(context, interface_info["subnet_id"])
                return core.get_network(context, subnet["network_id"])
        except (n_exc.NotFound, TypeError):
            return None
        return None

    @staticmethod
    def _interface_cidrs(context, interface_info: dict) -> list[str]:
        """The CIDRs of the subnets an interface request names (a subnet, or a port's)."""
        core = _core()
        if interface_info.get("subnet_id"):
            ids = [interface_info["subnet_id"]]
        else:
            port = core.get_port(context, interface_info["port_id"])
            ids = [ip["subnet_id"] for ip in port["fixed_ips"]]
        return [core.get_subnet(context, subnet_id)["cidr"] for subnet_id in ids]

    @staticmethod
    def _check_gateway(router: dict, gateway) -> None:
        if not validators.is_attr_set(gateway) or not gateway \
                or not gateway.get("network_id"):
            return
        if not validators.is_attr_set(router.get(routers.HINTS)):
            router = dict(router, **{routers.HINTS: []})
        try:
            network = _core().get_network(_admin(), gateway["network_id"])
        except n_exc.NetworkNotFound:
            return  # the stock checks answer 404
        error = routers.gateway_error(router, network, helper.zones())
        if error:
            raise _bad_request(error)

    # --- the bridge and the reservations ---------------------------------------------------

    @staticmethod
    def _ensure_bridge(project_id: str) -> None:
        """Create the bridge network and subnet of ``project_id`` unless it has one."""
        core, admin = _core(), _admin()
        name = routers.bridge_name(project_id)
        if core.get_networks(admin, filters={"name": [name]}, fields=["id"]):
            return
        taken = [subnet["cidr"] for subnet in core.get_subnets(admin, fields=["name", "cidr"])
                 if (subnet.get("name") or "").startswith(routers.BRIDGE_PREFIX)]
        try:
            cidr = routes.carve(CONF.tricircle.bridge_cidr, CONF.tricircle.bridge_prefixlen,
                                taken)
        except ValueError as exc:
            raise BridgeExhausted(project_id=project_id, reason=str(exc)) from None
        owner = helper.session().get_project_id()
        network = plugin_utils.create_network(core, admin, {"network": {
            "name": name, "project_id": owner, "admin_state_up": True, "shared": False,
            "provider:network_type": CONF.tricircle.bridge_network_type}})
        plugin_utils.create_subnet(core, admin, {"subnet": {
            "name": name, "project_id": owner, "network_id": network["id"], "ip_version": 4,
            "cidr": cidr, "gateway_ip": None, "enable_dhcp": False}})
        LOG.info("Bridge network %s (%s) of project %s created", network["id"], cidr,
                 project_id)

    @staticmethod
    def _release_reservations(router_id: str) -> None:
        """Delete the addresses central reserved for ``router_id``'s bottom routers."""
        core, admin = _core(), _admin()
        for port in core.get_ports(admin, filters={
                "device_id": [router_id], "device_owner": [routers.DEVICE_OWNER_RESERVED]},
                fields=["id"]):
            try:
                core.delete_port(admin, port["id"], l3_port_check=False)
            except n_exc.PortNotFound:
                pass  # released meanwhile

    def _drop_bridge_if_unused(self, project_id: str) -> None:
        """Delete the project's bridge network once no non-local router of it is left."""
        zones = helper.zones()
        left = self.get_routers(_admin(), filters={"project_id": [project_id]})
        if any(routers.local_region(router, zones) is None for router in left):
            return
        core, admin = _core(), _admin()
        for network in core.get_networks(admin, filters={
                "name": [routers.bridge_name(project_id)]}, fields=["id"]):
            try:
                core.delete_network(admin, network["id"])
            except n_exc.NetworkInUse as exc:
                LOG.warning("Bridge network %s stays: %s", network["id"], exc)
