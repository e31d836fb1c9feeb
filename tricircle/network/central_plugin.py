"""Core plugin of central Neutron (CentralRegion): ML2 owning the global objects.

Central Neutron allocates what must be unique across regions: segments (ML2
type drivers; its VNI/VLAN ranges are disjoint from the regions' own ranges),
IPs (central IPAM) and MACs. On top of ML2 it:

- accepts region names and the pods' availability zones as zone hints of a
  network: a network whose hints name one region is a local network of that
  region; hints keep the regions' local plugins from copying it anywhere
  else; its ``availability_zones`` are its hints (no agent reports zones);
- records the region of a port: the local plugin that created it puts
  ``region`` in its ``binding:profile`` (see ``bottom.port_region``);
- queues xjob's ``bottom_delete`` when a network (and its subnets), subnet,
  port or security group is deleted here: xjob deletes the regions' bottom
  copies (networks, subnets and groups in every region, a port wherever a
  routing names it) and then their routings;
- queues xjob's ``shadow_port_setup`` (pod of the port's region, network) when
  a VM port on a VxLAN network is bound, unbound or deleted: the local plugin
  copies ``binding:host_id`` to the port's top port, so central Neutron is
  where every region's bindings meet (see tricircle.xjob.shadow);
- queues xjob's ``update_network`` / ``subnet_update`` (pod, id) for each
  region holding a copy when a network or subnet is updated here: the copies
  follow (see tricircle.xjob.updates);
- queues xjob's ``port_update`` when a port's security groups change here:
  xjob gives the port's bottom copies the new groups (the local plugin
  forwards a change made in a region here, and never forwards back what
  Tricircle itself pushes);
- keeps an external network in one region: its hints must name one, or
  ``[tricircle] default_external_region`` becomes its hint (400 otherwise);
- queues xjob's ``router_setup`` (pod of the port's region, router, network)
  when a VM port is bound in a region on a network of a router: that region
  may now need the router's bottom router (see tricircle.network.central_l3);
- queues xjob's ``seg_rule_setup`` (project) when a security group rule or
  a subnet (remote-group rules expand to subnet CIDRs) is created or deleted,
  so the regions' copies of the project's groups follow (see
  tricircle.xjob.security_groups).

It never calls a region's Neutron itself: a region calls central inside its
callers' requests (copies, central IPAM), so a central request that waited on
a region could wait on itself (doc/networking.md, "Who calls whom"). Its only
remote calls are to Keystone's catalog and to Tricircle's admin API, which
answers from its database.
"""

from neutron.plugins.ml2 import plugin as ml2_plugin
from neutron_lib import exceptions as n_exc
from neutron_lib.api import validators
from neutron_lib.api.validators import availability_zone as az_validator
from neutron_lib.exceptions import availability_zone as az_exc
from oslo_config import cfg
from oslo_log import log as logging

from tricircle.common.neutron import RemoteError
from tricircle.network import bottom, central_l3, errors, helper, routers
from tricircle.network.bottom import SECURITY_GROUPS, port_region

CONF = cfg.CONF

LOG = logging.getLogger(__name__)


class TricirclePlugin(ml2_plugin.Ml2Plugin):
    """ML2 for central Neutron: global IPAM/MACs/segments, regions as zones."""

    @errors.central_errors  # Keystone down: a 503 naming it, not a 500
    def validate_availability_zones(self, context, resource_type, availability_zones):
        if resource_type != "network" or not availability_zones:
            return super().validate_availability_zones(context, resource_type,
                                                       availability_zones)
        unknown = sorted(set(availability_zones) - set(helper.zones()))
        if unknown:
            raise az_exc.AvailabilityZoneNotFound(availability_zone=unknown[0])

    def get_network_availability_zones(self, network):
        # No agent reports zones here: a network is where its hints put it.
        return az_validator.convert_az_string_to_list(network.availability_zone_hints)

    @errors.central_errors
    def create_network(self, context, network):
        body = network["network"]
        if body.get(routers.EXTERNAL) is True:
            hints = body.get(routers.HINTS)
            given = {routers.HINTS: hints if validators.is_attr_set(hints) else []}
            region, why = routers.external_region(given, helper.zones(),
                                                  CONF.tricircle.default_external_region)
            if region is None:
                raise n_exc.BadRequest(resource="network", msg=why)
            if not given[routers.HINTS]:
                network = {"network": dict(body, availability_zone_hints=[region])}
        return super().create_network(context, network)

    def update_network(self, context, id, network):
        result = super().update_network(context, id, network)
        self._queue_copies("update_network", "network", id, result["project_id"])
        return result

    def update_subnet(self, context, id, subnet):
        result = super().update_subnet(context, id, subnet)
        self._queue_copies("subnet_update", "subnet", id, result["project_id"])
        return result

    def delete_network(self, context, id):
        network = self.get_network(context, id)
        super().delete_network(context, id)
        self._queue_bottom_delete("network", id, network["project_id"])
        # ML2 deleted the subnets without delete_subnet: their bottoms (and
        # routings) go the same way.
        for subnet_id in network.get("subnets") or []:
            self._queue_bottom_delete("subnet", subnet_id, network["project_id"])
        if network.get("subnets"):
            helper.queue_rule_sync(network["project_id"])

    def create_subnet(self, context, subnet):
        result = super().create_subnet(context, subnet)
        helper.queue_rule_sync(result["project_id"])  # a new CIDR to expand rules to
        return result

    def create_subnet_bulk(self, context, subnets):
        result = super().create_subnet_bulk(context, subnets)
        for project_id in sorted({subnet["project_id"] for subnet in result}):
            helper.queue_rule_sync(project_id)
        return result

    def delete_subnet(self, context, id):
        project_id = self.get_subnet(context, id)["project_id"]
        super().delete_subnet(context, id)
        self._queue_bottom_delete("subnet", id, project_id)
        helper.queue_rule_sync(project_id)

    def delete_security_group(self, context, id):
        project_id = self.get_security_group(context, id, fields=["project_id"])["project_id"]
        super().delete_security_group(context, id)
        self._queue_bottom_delete("security_group", id, project_id)

    def create_security_group_rule(self, context, security_group_rule):
        rule = super().create_security_group_rule(context, security_group_rule)
        helper.queue_rule_sync(rule["project_id"])
        return rule

    def create_security_group_rule_bulk(self, context, security_group_rules):
        rules = super().create_security_group_rule_bulk(context, security_group_rules)
        for project_id in sorted({rule["project_id"] for rule in rules}):
            helper.queue_rule_sync(project_id)
        return rules

    def delete_security_group_rule(self, context, id):
        project_id = self.get_security_group_rule(context, id)["project_id"]
        super().delete_security_group_rule(context, id)
        helper.queue_rule_sync(project_id)

    def update_port(self, context, id, port):
        before = self.get_port(context, id)
        result = super().update_port(context, id, port)
        if before.get("binding:host_id") != result.get("binding:host_id"):
            # Nova unbinding a port it did not make (server create --port) clears
            # its owner too: it was a VM's port, so its shadows are reconciled.
            owner = result.get("device_owner") or before.get("device_owner")
            self._queue_shadows(context, dict(result, device_owner=owner))
            self._queue_routers(result)
        if set(before.get(SECURITY_GROUPS) or []) != set(result.get(SECURITY_GROUPS) or []):
            helper.queue("port_update", result["project_id"], {"port_id": id},
                         f"the bottom copies of port {id} keep their old security groups")
        return result

    def delete_port(self, context, id, l3_port_check=True):
        port = self.get_port(context, id)
        super().delete_port(context, id, l3_port_check=l3_port_check)
        if port["project_id"]:
            # A router's gateway or floating IP port (no project) is never copied:
            # each region's L3 makes its own.
            self._queue_bottom_delete("port", id, port["project_id"])
        if port_region(port) and port.get("binding:host_id"):
            self._queue_shadows(context, port)

    def _queue_shadows(self, context, port: dict) -> None:
        """Ask xjob to bring the other regions' shadows of ``port``'s region up to date."""
        network = self.get_network(context.elevated(), port["network_id"])
        if not bottom.needs_shadows(port, network.get("provider:network_type")):
            return
        region = port_region(port)
        pod_id = helper.pod_id_of(region)
        if pod_id is None:
            LOG.warning("Region %s has no pod: no shadows of port %s", region, port["id"])
            return
        helper.queue("shadow_port_setup", port["project_id"],
                     {"pod_id": pod_id, "network_id": port["network_id"]},
                     f"port {port['id']} works in {region}; other regions' L2 population "
                     "lags")

    @staticmethod
    def _queue_routers(port: dict) -> None:
        """A VM port bound in a region: the routers of its network may need a bottom
        router there now."""
        region = port_region(port)
        if not region or not port.get("binding:host_id") \
                or not (port.get("device_owner") or "").startswith("compute:"):
            return
        for router_id in central_l3.routers_of_network(port["network_id"]):
            central_l3.queue_setup(port["project_id"], router_id, port["network_id"],
                                   {region})

    @staticmethod
    def _queue_copies(job_type: str, resource_type: str, top_id: str, project_id: str) -> None:
        """Ask xjob to bring each region's copy of ``top_id`` in line with central's."""
        try:
            pods = sorted({r["pod_id"] for r in helper.routings(top_id, resource_type)
                           if r["region_name"]})
        except RemoteError as exc:
            LOG.error("The copies of %s %s do not follow its change: %s", resource_type,
                      top_id, exc)
            return
        for pod_id in pods:
            helper.queue(job_type, project_id, {"pod_id": pod_id, f"{resource_type}_id": top_id},
                         f"the copy of {resource_type} {top_id} in pod {pod_id} keeps its "
                         "old fields until the next change")

    @staticmethod
    def _queue_bottom_delete(resource_type: str, top_id: str, project_id: str) -> None:
        """Ask xjob to delete the regions' bottom copies of ``top_id``, just deleted here."""
        helper.queue("bottom_delete", project_id,
                     {"resource_type": resource_type, "top_id": top_id},
                     f"the bottom copies of {resource_type} {top_id} keep their routings "
                     "until an operator queues resource_recycle of the project")
