"""Core plugin of each region's Neutron: ML2, plus copies of central objects on demand.

Central Neutron owns every network that spans regions, its subnets (IPAM) and
its ports (MACs, IPs). A region's Neutron knows such an object only once
something in the region asks for it:

- a lookup that misses here (``get_network``, ``get_networks`` by id,
  ``get_subnet``, ``get_port``) fetches the object from central Neutron and
  creates the local copy with the same id (same segment, same CIDR, gateway
  and pools, same MAC and IPs), provided the caller may see it there (its
  project's, shared, or the caller is an admin): guessing another project's
  id copies nothing;
- a port created here (by Nova, DHCP) on a central network is created in
  central Neutron first, so its MAC and IPs come from central IPAM, then here
  with the same id, MAC and IPs. Its top port records the region.

A central network of type ``local`` without zone hints lives in the first
region that copies it (its routing says which); the others treat it as absent.

Networks created directly in the region (no top port) are plain ML2.

A shadow port (``device_owner`` ``compute:shadow``, made by xjob: the stand-in
for a VM port bound in another region) has no top port of its own: it is
created here only, with the MAC and IPs it is given, and nothing about it is
forwarded to central Neutron. So is any port Tricircle's own account creates
here (xjob setting up a bottom router: its interfaces, gateway and floating
IPs take addresses central reserved), and Tricircle's own lookups may copy a
network beyond its zone hints (a floating IP's port in the external
network's region).

Deleting a port here deletes its top port only when this plugin created
that top port: its ``binding:profile`` says ``origin`` = ``local`` and ``region``
= this region. A port created centrally and only copied here stays in central.

Central deletes a port at once and its copies in the regions later (xjob), so
it may give the freed address to a new port first. A port here that holds an
address central has just given to another port is such a stale copy: it is
deleted and the new port is created (tricircle.network.local_addresses).

Each copy, and each port created here on a central network, is recorded in
Tricircle as a routing (same id at the top and the bottom, this region's
pod): that is how xjob's ``bottom_delete`` and ``resource_recycle`` find every
copy.

What a bottom copy holds and which ones a region makes are the pure rules of
tricircle.network.bottom; this module acts on them. Security groups follow
central too (tricircle.network.local_security_groups, mixed in here): a
port's copy, and a port created here on a central network, carry central's
group ids, also when they change later (a change made here, e.g. by Nova's
add-security-group, is forwarded to the top port; one made centrally reaches
here through xjob's ``port_update``, by Tricircle's own account, and is
applied as given).
"""

import functools
import time

from neutron.plugins.ml2 import plugin as ml2_plugin
from neutron_lib import context as n_context
from neutron_lib import exceptions as n_exc
from neutron_lib.api import validators
from neutron_lib.db import api as db_api
from neutron_lib.plugins import utils as plugin_utils
from oslo_db import exception as db_exc
from oslo_log import log as logging

from tricircle.common import constants
from tricircle.common.neutron import RemoteError
from tricircle.network import bottom, errors, helper, region_binding
from tricircle.network.bottom import SECURITY_GROUPS, Verdict
from tricircle.network.local_addresses import StaleAddressMixin
from tricircle.network.local_security_groups import SecurityGroupMixin

LOG = logging.getLogger(__name__)
# What ML2 answers when a network's segment (VLAN, VxLAN/GRE id, flat) is taken.
_SEGMENT_TAKEN = (n_exc.VlanIdInUse, n_exc.TunnelIdInUse, n_exc.FlatNetworkInUse)
_APPEAR_TRIES, _APPEAR_PAUSE = 10, 0.2


def central_port_body(requested: dict, region: str, groups: list[str] | None = None) -> dict:
    """bottom.central_port_body of the attributes the caller set (Neutron marks the
    others ATTR_NOT_SPECIFIED)."""
    given = {key: value for key, value in requested.items() if validators.is_attr_set(value)}
    return bottom.central_port_body(given, region, groups)


class TricirclePlugin(SecurityGroupMixin, StaleAddressMixin, ml2_plugin.Ml2Plugin):
    """ML2 that copies central objects on first use and takes IPs from central IPAM."""

    def __init__(self) -> None:
        super().__init__()
        # network id -> whether central Neutron has it; ids are never reused.
        self._central_networks: dict[str, bool] = {}

    # lookups ---------------------------------------------------------------

    @errors.central_errors
    def get_networks(self, context, filters=None, fields=None, sorts=None, limit=None,
                     marker=None, page_reverse=False):
        wanted = (filters or {}).get("id") or []
        result = super().get_networks(context, filters, fields, sorts, limit, marker,
                                      page_reverse)
        if not wanted or not self._may_fetch(context):
            return result
        present = {net["id"] for net in super().get_networks(
            self._admin(), {"id": wanted}, ["id"])}
        copied = [self._bottom_network(id_, context) for id_ in wanted if id_ not in present]
        if not any(copied):
            return result
        return super().get_networks(context, filters, fields, sorts, limit, marker,
                                    page_reverse)

    @errors.central_errors
    def get_network(self, context, id, fields=None, net_db=None):
        try:
            # ML2's own update_network passes the row it holds (net_db).
            return super().get_network(context, id, fields=fields, net_db=net_db)
        except n_exc.NetworkNotFound:
            if not self._may_fetch(context) or not self._bottom_network(id, context):
                raise
            return super().get_network(self._admin(), id, fields=fields)

    @errors.central_errors
    def get_subnet(self, context, id, fields=None):
        try:
            return super().get_subnet(context, id, fields=fields)
        except n_exc.SubnetNotFound:
            if not self._may_fetch(context):
                raise
            top = helper.central().get("subnet", id)
            if top is None or not self._bottom_network(top["network_id"], context):
                raise
            return super().get_subnet(self._admin(), id, fields=fields)

    @errors.central_errors
    def get_port(self, context, id, fields=None):
        try:
            return super().get_port(context, id, fields=fields)
        except n_exc.PortNotFound:
            if not self._may_fetch(context):
                raise
            top = helper.central().get("port", id)
            if top is None or not self._bottom_network(top["network_id"], context):
                raise
            self._bottom_port(top)
            return super().get_port(self._admin(), id, fields=fields)

    # ports -----------------------------------------------------------------

    @errors.central_errors
    def create_port(self, context, port):
        body = port["port"]
        if not self._is_central_network(body["network_id"]):
            return super().create_port(context, port)
        if bottom.is_shadow(body) or helper.from_tricircle(context):
            # A shadow's MAC and IPs are the real port's; a port Tricircle makes
            # here (a bottom router's interface, gateway or floating IP) takes
            # an address central reserved: both are allocated centrally already.
            self._ensure_subnets(body)
            return self._create_addressed_port(
                functools.partial(super().create_port, context, port), body)
        here_groups, central_groups = self._port_groups(body)
        top = helper.central().create(
            "port", central_port_body(body, helper.local_region(), central_groups))
        try:
            self._ensure_subnets(top)
            here = dict(body, id=top["id"], mac_address=top["mac_address"],
                        fixed_ips=bottom.fixed_ips(top))
            if here_groups is not None:
                here[SECURITY_GROUPS] = here_groups
            result = self._create_addressed_port(
                functools.partial(super().create_port, context, {"port": here}), here)
        except Exception:
            # The local create failed: do not leave an IP taken in central IPAM.
            self._delete_central_port(top["id"])
            raise
        self._record_bottom("port", top["id"], top["project_id"])
        return result

    @errors.central_errors
    def update_port(self, context, id, port):
        if helper.from_tricircle(context):
            # xjob giving this bottom central's change, in this region's ids
            # already: nothing to map here, nothing to forward back.
            return super().update_port(context, id, port)
        body = port["port"]
        central_groups = None
        current = self._regrouped_port(context, id, body)
        if current is not None:
            here_groups, central_groups = self._port_groups(
                dict(body, project_id=current["project_id"]))
            if set(here_groups) == set(current[SECURITY_GROUPS]):
                central_groups = None  # the same groups again: nothing to forward
            port = {"port": dict(body, security_groups=here_groups)}
        result = super().update_port(context, id, port)
        changes = bottom.forwarded_updates(body)
        if central_groups is not None:
            changes[SECURITY_GROUPS] = central_groups
        if changes and not bottom.is_shadow(result) \
                and self._is_central_network(result["network_id"]):
            try:
                if "binding:host_id" in body:
                    changes.update(self._binding_profile(id, result))
                helper.central().update("port", id, changes)
            except RemoteError as exc:
                # The port works here; central shows the old values until the next change.
                LOG.warning("Port %s: top port not updated: %s", id, exc)
        return result

    @staticmethod
    def _binding_profile(port_id: str, port: dict) -> dict:
        """The top port's ``binding:profile`` after this region bound (or unbound)
        ``port``: the binding made here, for central to record as the top port's
        (tricircle.network.region_binding); and a port made centrally learns this
        region (central queues its shadows and routers by it)."""
        top = helper.central().get("port", port_id)
        if top is None:
            return {}
        before = top.get(bottom.PROFILE) or {}
        profile = before
        if port.get("binding:host_id"):
            profile = bottom.region_profile(top, helper.local_region()) or before
        profile = region_binding.with_report(profile, region_binding.report(port))
        return {bottom.PROFILE: profile} if profile != before else {}

    def _regrouped_port(self, context, port_id: str, body: dict) -> dict | None:
        """The port, if ``body`` sets the security groups of a port of a central network."""
        if not validators.is_attr_set(body.get(SECURITY_GROUPS)) \
                or not self._may_fetch(context):
            return None
        port = super().get_port(self._admin(), port_id, fields=[
            "network_id", "device_owner", "project_id", SECURITY_GROUPS])
        central = not bottom.is_shadow(port) and self._is_central_network(port["network_id"])
        return port if central else None

    def delete_port(self, context, id, l3_port_check=True):
        network_id = super().get_port(self._admin(), id, fields=["network_id"])["network_id"]
        super().delete_port(context, id, l3_port_check=l3_port_check)
        if not self._is_central_network(network_id):
            return
        try:
            top = helper.central().get("port", id)
            if top and bottom.created_here(top, helper.local_region()):
                self._delete_central_port(id)
        except RemoteError as exc:
            LOG.error("Port %s deleted here, but its top port may remain: %s", id, exc)

    def delete_network(self, context, id):
        # Shadows are xjob's stand-ins for ports of other regions: when the network
        # goes they go too, or they would hold the network's copy here forever.
        shadows = super().get_ports(self._admin(), {
            "network_id": [id], "device_owner": [constants.DEVICE_OWNER_SHADOW]}, ["id"])
        for shadow in shadows:
            try:
                super().delete_port(self._admin(), shadow["id"], l3_port_check=False)
            except n_exc.PortNotFound:
                pass  # xjob removed it meanwhile
        return super().delete_network(context, id)

    # bottom copies ----------------------------------------------------------

    @staticmethod
    def _admin():
        # A fresh session: the copy is committed before the caller reads it.
        return n_context.get_admin_context()

    @staticmethod
    def _may_fetch(context) -> bool:
        # Never call out over REST from inside a caller's database transaction.
        return not db_api.is_session_active(context.session)

    def _is_central_network(self, network_id: str) -> bool:
        known = self._central_networks.get(network_id)
        return self._bottom_network(network_id) if known is None else known

    def _bottom_network(self, network_id: str, context=None) -> bool:
        """Make sure the bottom copy of central network ``network_id`` exists.

        False when central Neutron does not have it for this region, or when
        the caller of ``context`` may not see it (bottom.network_verdict decides).
        """
        known = self._central_networks.get(network_id)
        # Tricircle itself may place a network beyond its hints (a floating IP's
        # port in the external network's region, a bridge network).
        by_tricircle = context is not None and helper.from_tricircle(context)
        if (known is False and not by_tricircle) or (known and self._has_network(network_id)):
            return known
        top = helper.central().get("network", network_id)
        verdict = bottom.network_verdict(top, context, helper.local_region(), helper.zones,
                                         lambda: self._holders(network_id),
                                         ignore_hints=by_tricircle)
        if verdict is Verdict.HIDDEN:
            return False  # not remembered: its owner may still use it here
        if verdict is Verdict.ABSENT:
            # Remember local-only networks; an unknown id may still appear later.
            if top is not None or self._has_network(network_id):
                self._central_networks[network_id] = False
            return False
        new = not self._has_network(network_id)
        if new:
            self._create_bottom("network", bottom.network_body(top))
        for subnet in helper.central().find("subnet", network_id=network_id):
            self._bottom_subnet(subnet)
        if new:  # the project's groups here now need rules for its subnets' CIDRs
            helper.queue_rule_sync(top["project_id"])
        self._central_networks[network_id] = True
        return True

    @staticmethod
    def _holders(network_id: str) -> set[str | None]:
        """The regions whose routings say they hold central network ``network_id``;
        none known when Tricircle cannot say (the network is then copied here)."""
        try:
            return {r["region_name"] for r in helper.routings(network_id, "network")}
        except RemoteError as exc:
            LOG.warning("Local network %s: cannot tell which region holds it; copied "
                        "here: %s", network_id, exc)
            return set()

    def _appears(self, network_id: str) -> bool:
        """Whether network ``network_id`` is here or shows up within a few seconds
        (another worker's create that took its segment may not have committed)."""
        for attempt in range(_APPEAR_TRIES):
            if self._has_network(network_id):
                return True
            if attempt + 1 < _APPEAR_TRIES:
                time.sleep(_APPEAR_PAUSE)
        return False

    def _has_network(self, network_id: str) -> bool:
        return bool(super().get_networks(self._admin(), {"id": [network_id]}, ["id"]))

    def _bottom_subnet(self, top: dict) -> None:
        if not super().get_subnets(self._admin(), {"id": [top["id"]]}, ["id"]):
            self._create_bottom("subnet", bottom.subnet_body(top))

    def _ensure_subnets(self, port: dict) -> None:
        given = port.get("fixed_ips")
        for ip in given if validators.is_attr_set(given) else []:
            if "subnet_id" not in ip:
                continue  # an address alone (a floating IP's): its network's subnets are here
            if not super().get_subnets(self._admin(), {"id": [ip["subnet_id"]]}, ["id"]):
                top = helper.central().get("subnet", ip["subnet_id"])
                if top is not None:
                    self._bottom_subnet(top)

    def _bottom_port(self, top: dict) -> None:
        self._ensure_subnets(top)
        body = bottom.port_body(top)
        if SECURITY_GROUPS in top:
            here = (self._bottom_group(id_) for id_ in top[SECURITY_GROUPS])
            body[SECURITY_GROUPS] = [id_ for id_ in here if id_]
        self._create_bottom("port", body)

    def _create_bottom(self, resource_type: str, body: dict) -> None:
        """Create with the central id; another worker doing the same first is fine."""
        create = {"network": plugin_utils.create_network,
                  "subnet": plugin_utils.create_subnet,
                  "port": plugin_utils.create_port}[resource_type]
        # Ports go to ML2's create_port directly: a copy must not go back to central.
        target = super() if resource_type == "port" else self
        created = functools.partial(create, target, self._admin(), {resource_type: body},
                                    check_allow_post=False)
        try:
            if resource_type == "port":
                self._create_addressed_port(created, body)
            else:
                created()
        except db_exc.DBDuplicateEntry:
            LOG.info("%s %s was copied by another worker", resource_type, body["id"])
        except _SEGMENT_TAKEN:
            # The copy keeps the central segment; a worker copying the same network
            # at the same time takes it first, and this one fails on the segment
            # before it reaches the duplicate id. Any other holder is a real clash.
            if resource_type != "network" or not self._appears(body["id"]):
                raise
            LOG.info("network %s was copied by another worker", body["id"])
        LOG.info("Copied %s %s from %s", resource_type, body["id"], helper.central_region())
        self._record_bottom(resource_type, body["id"], body["project_id"])

    @staticmethod
    def _record_bottom(resource_type: str, id_: str, project_id: str) -> None:
        """Tell Tricircle this region holds a bottom copy of ``id_``: xjob's
        bottom_delete and resource_recycle find copies by these routings."""
        try:
            helper.record_routing(id_, resource_type, project_id, helper.local_region())
        except RemoteError as exc:
            # Networks, subnets and groups are still deleted in every region; a
            # port copy without a routing is missed by bottom_delete.
            LOG.warning("No routing recorded for the copy of %s %s: %s", resource_type,
                        id_, exc)

    def _delete_central_port(self, port_id: str) -> None:
        try:
            helper.central().delete("port", port_id)
        except RemoteError as exc:
            LOG.error("Top port of port %s not deleted: %s", port_id, exc)
