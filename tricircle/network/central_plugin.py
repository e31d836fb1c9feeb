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
- removes the regions' copies when a network, subnet, port or security group
  is deleted here, in the request: networks, subnets and groups in every
  region, ports in their region; and in every region a routing names (the
  local plugins record a routing per copy they make). A copy a region cannot
  delete now keeps its routing, and xjob's ``resource_recycle`` of the
  project is queued: it deletes every copy whose central object is gone;
- queues xjob's ``shadow_port_setup`` (pod of the port's region, network) when
  a VM port on a VxLAN network is bound, unbound or deleted: the local plugin
  copies ``binding:host_id`` to the port's central twin, so central Neutron is
  where every region's bindings meet (see tricircle.xjob.shadow);
- pushes a port's new security groups to its copies (the local plugin
  forwards a change made in a region here the same way);
- queues xjob's ``seg_rule_setup`` (project) when a security group rule or
  a subnet (remote-group rules expand to subnet CIDRs) is created or deleted,
  so the regions' copies of the project's groups follow (see
  tricircle.xjob.security_groups), and deletes a group's copies with it.
"""

import collections

from neutron.plugins.ml2 import plugin as ml2_plugin
from neutron_lib.api.validators import availability_zone as az_validator
from neutron_lib.exceptions import availability_zone as az_exc
from oslo_log import log as logging

from tricircle.common.neutron import RemoteError
from tricircle.network import bottom, errors, helper
from tricircle.network.bottom import SECURITY_GROUPS, port_region

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

    def delete_network(self, context, id):
        network = self.get_network(context, id)
        super().delete_network(context, id)
        self._delete_bottoms("network", id, network["project_id"], self._every_region())
        # ML2 deleted the subnets without delete_subnet, and each region's copy of
        # the network took its subnets along: what is left is their routings.
        for subnet_id in network.get("subnets") or []:
            self._delete_bottoms("subnet", subnet_id, network["project_id"], [])
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
        self._delete_bottoms("subnet", id, project_id, self._every_region())
        helper.queue_rule_sync(project_id)

    def delete_security_group(self, context, id):
        project_id = self.get_security_group(context, id, fields=["project_id"])["project_id"]
        super().delete_security_group(context, id)
        self._delete_bottoms("security_group", id, project_id, self._every_region())

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
            self._queue_shadows(context, result)
        if set(before.get(SECURITY_GROUPS) or []) != set(result.get(SECURITY_GROUPS) or []):
            self._push_groups(result)
        return result

    @staticmethod
    def _push_groups(port: dict) -> None:
        """Give the regions' copies of ``port`` its new security groups.

        The region maps central's ids to its own (copying groups it lacks); a
        region whose own change this is finds nothing to change and stops there.
        """
        regions = {port_region(port)} - {None}
        try:
            regions |= {r["region_name"] for r in helper.routings(port["id"], "port")
                        if r["region_name"]}
        except RemoteError as exc:
            LOG.warning("Routings of port %s unknown: %s", port["id"], exc)
        for region in sorted(regions):
            try:
                helper.neutron(region).update("port", port["id"],
                                              {SECURITY_GROUPS: port[SECURITY_GROUPS]})
            except RemoteError as exc:
                if exc.status != 404:  # 404: the region never copied it
                    LOG.error("Port %s in %s keeps its old security groups: %s",
                              port["id"], region, exc)

    def delete_port(self, context, id, l3_port_check=True):
        port = self.get_port(context, id)
        super().delete_port(context, id, l3_port_check=l3_port_check)
        region = port_region(port)
        self._delete_bottoms("port", id, port["project_id"], [region] if region else [])
        if region and port.get("binding:host_id"):
            self._queue_shadows(context, port)

    def _queue_shadows(self, context, port: dict) -> None:
        """Ask xjob to bring the other regions' shadows of ``port``'s region up to date."""
        network = self.get_network(context.elevated(), port["network_id"])
        if not bottom.needs_shadows(port, network.get("provider:network_type")):
            return
        region = port_region(port)
        try:
            pod_id = helper.pod_id_of(region)
            if pod_id is None:
                LOG.warning("Region %s has no pod: no shadows of port %s", region, port["id"])
                return
            helper.queue_job("shadow_port_setup", port["project_id"],
                             {"pod_id": pod_id, "network_id": port["network_id"]})
        except RemoteError as exc:
            # The port works in its region; only other regions' L2 population lags.
            LOG.error("Shadows of port %s not queued: %s", port["id"], exc)

    @staticmethod
    def _every_region() -> list[str]:
        """The regions to delete copies in; [] (logged) when Keystone cannot say.

        Central has deleted already: the user's request must not fail now.
        """
        try:
            return helper.network_regions()
        except RemoteError as exc:
            LOG.error("Regions unknown, copies are deleted where routings say only: %s", exc)
            return []

    @staticmethod
    def _delete_bottoms(resource_type: str, id_: str, project_id: str,
                        regions: list[str]) -> None:
        """Delete the regions' bottom copies of ``id_``, just deleted here.

        Asked: ``regions`` and every region a routing of ``id_`` names. What
        cannot be finished now (a region that fails, a routing not forgotten)
        is left to xjob's ``resource_recycle``: central is clean already, so
        the user's delete succeeds either way.
        """
        try:
            routed = helper.routings(id_, resource_type)
        except RemoteError as exc:
            LOG.warning("Routings of %s %s unknown, asking %s only: %s", resource_type, id_,
                        regions, exc)
            routed = []
        routings_of = collections.defaultdict(list)
        for routing in routed:
            routings_of[routing["region_name"]].append(routing["id"])
        routings_of.pop(None, None)  # the pod is gone: nothing to ask
        failed = []
        for region in sorted(set(regions) | set(routings_of)):
            try:
                if helper.neutron(region).delete(resource_type, id_):
                    LOG.info("Deleted the copy of %s %s in %s", resource_type, id_, region)
                for routing_id in routings_of.get(region, []):
                    helper.forget_routing(routing_id)
            except RemoteError as exc:
                LOG.error("The copy of %s %s in %s is not cleaned up yet: %s",
                          resource_type, id_, region, exc)
                failed.append(region)
        for region in set(failed) - set(routings_of):
            try:  # resource_recycle finds copies by their routings
                helper.record_routing(id_, resource_type, project_id, region)
            except RemoteError as exc:
                LOG.error("The copy of %s %s in %s is left for an operator: %s",
                          resource_type, id_, region, exc)
        if failed:
            try:
                helper.queue_job("resource_recycle", project_id, {"project_id": project_id})
            except RemoteError as exc:
                LOG.error("resource_recycle of project %s not queued: %s", project_id, exc)
