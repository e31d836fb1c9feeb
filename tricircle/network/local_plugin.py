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
  with the same id, MAC and IPs. Its central twin records the region.

A central network of type ``local`` without zone hints lives in the first
region that copies it (its routing says which); the others treat it as absent.

Networks created directly in the region (no central twin) are plain ML2.

A shadow port (``device_owner`` ``compute:shadow``, made by xjob: the stand-in
for a VM port bound in another region) has no central twin of its own: it is
created here only, with the MAC and IPs it is given, and nothing about it is
forwarded to central Neutron.

Deleting a port here deletes its central twin only when this plugin created
that twin: its ``binding:profile`` says ``origin`` = ``local`` and ``region``
= this region. A port created centrally and only copied here stays in central.

Each copy, and each port created here on a central network, is recorded in
Tricircle as a routing (same id at the top and the bottom, this region's
pod): that is how central deletes and xjob's ``resource_recycle`` find every
copy.

Security groups follow central too (see tricircle.network.secgroups): a port's
copy, and a port created here on a central network, carry central's group ids
(also when they change later: a change made here, e.g. by Nova's
add-security-group, is forwarded to the central twin; one made centrally is
pushed here by the central plugin);
each group they name is copied here on demand with the same id and rules, as
is a group that ``get_security_group`` or a list by id or name misses. The
project's ``default`` group is never copied: the region's own default stands
for central's.
"""

from neutron.extensions import securitygroup as ext_sg
from neutron.plugins.ml2 import plugin as ml2_plugin
from neutron_lib import context as n_context
from neutron_lib import exceptions as n_exc
from neutron_lib.api import validators
from neutron_lib.db import api as db_api
from neutron_lib.objects import exceptions as obj_exc
from neutron_lib.plugins import utils as plugin_utils
from oslo_db import exception as db_exc
from oslo_log import log as logging

from tricircle.common import constants
from tricircle.network import errors, helper, secgroups

LOG = logging.getLogger(__name__)

PROFILE = "binding:profile"
REGION_KEY, ORIGIN_KEY, ORIGIN_LOCAL = "region", "origin", "local"
PROVIDER_KEYS = ("provider:network_type", "provider:physical_network",
                 "provider:segmentation_id")
NETWORK_KEYS = ("id", "name", "description", "admin_state_up", "shared", "project_id",
                "port_security_enabled") + PROVIDER_KEYS
SUBNET_KEYS = ("id", "name", "description", "network_id", "project_id", "cidr", "ip_version",
               "gateway_ip", "allocation_pools", "enable_dhcp", "dns_nameservers",
               "host_routes", "ipv6_ra_mode", "ipv6_address_mode")
PORT_KEYS = ("id", "name", "description", "network_id", "project_id", "mac_address",
             "admin_state_up", "device_id", "device_owner")
SECURITY_GROUPS = "security_groups"
# What a region learns about its port that central Neutron should show too.
FORWARDED_UPDATES = ("name", "description", "admin_state_up", "device_id", "device_owner",
                     "binding:host_id")


# --- pure helpers (unit-tested without a database) -----------------------------

def network_body(central: dict) -> dict:
    """The local copy of a central network: same id and segment, no AZ hints.

    Hints name regions, which no local agent serves; the copy lives here anyway.
    """
    body = {key: central[key] for key in NETWORK_KEYS if central.get(key) is not None}
    segments = central.get("segments")
    if segments and not central.get("provider:network_type"):
        body.update({key: segments[0].get(key) for key in PROVIDER_KEYS
                     if segments[0].get(key) is not None})
    return body


def subnet_body(central: dict) -> dict:
    return {key: central[key] for key in SUBNET_KEYS if key in central}


def fixed_ips(port: dict) -> list[dict]:
    return [{"subnet_id": ip["subnet_id"], "ip_address": ip["ip_address"]}
            for ip in port.get("fixed_ips", [])]


def port_copy_body(central: dict) -> dict:
    body = {key: central[key] for key in PORT_KEYS if central.get(key) is not None}
    body["fixed_ips"] = fixed_ips(central)
    return body


def central_port_body(local: dict, region: str, groups: list[str] | None = None) -> dict:
    """What to ask central Neutron for, for a port requested in ``region``.

    ``groups``: the central ids of the port's security groups; None lets central
    pick its default group (the region picks its own).
    """
    body = {key: local[key] for key in ("network_id", "name", "description",
                                        "admin_state_up", "device_id", "device_owner")
            if validators.is_attr_set(local.get(key))}
    body["project_id"] = local.get("project_id") or local.get("tenant_id")
    for key in ("mac_address", "fixed_ips"):
        if validators.is_attr_set(local.get(key)) and local[key]:
            body[key] = local[key]
    body[PROFILE] = {REGION_KEY: region, ORIGIN_KEY: ORIGIN_LOCAL}
    if groups is not None:
        body["security_groups"] = groups
    return body


def created_here(central_port: dict, region: str) -> bool:
    """Whether ``central_port`` was created by the local plugin of ``region``."""
    profile = central_port.get(PROFILE) or {}
    return profile.get(REGION_KEY) == region and profile.get(ORIGIN_KEY) == ORIGIN_LOCAL


def meant_for(network: dict, region: str, zones: dict[str, set[str]]) -> bool:
    """False for a central network whose AZ hints keep it out of ``region``.

    ``zones`` maps each hint name (region or AZ) to the regions it means; no
    hint means every region.
    """
    hinted = set().union(*(zones.get(hint, set())
                           for hint in network.get("availability_zone_hints") or []))
    return not hinted or region in hinted


def visible_to(context, central: dict) -> bool:
    """Whether the caller of ``context`` may see central network ``central``."""
    return bool(context.is_admin or central.get("shared")
                or central.get("project_id") == context.project_id)


# --- the plugin -----------------------------------------------------------------

class TricirclePlugin(ml2_plugin.Ml2Plugin):
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
        copied = [self._copy_network(id_, context) for id_ in wanted if id_ not in present]
        if not any(copied):
            return result
        return super().get_networks(context, filters, fields, sorts, limit, marker,
                                    page_reverse)

    @errors.central_errors
    def get_network(self, context, id, fields=None):
        try:
            return super().get_network(context, id, fields=fields)
        except n_exc.NetworkNotFound:
            if not self._may_fetch(context) or not self._copy_network(id, context):
                raise
            return super().get_network(self._admin(), id, fields=fields)

    @errors.central_errors
    def get_subnet(self, context, id, fields=None):
        try:
            return super().get_subnet(context, id, fields=fields)
        except n_exc.SubnetNotFound:
            if not self._may_fetch(context):
                raise
            central = helper.get(helper.central_region(), "subnet", id)
            if central is None or not self._copy_network(central["network_id"], context):
                raise
            return super().get_subnet(self._admin(), id, fields=fields)

    @errors.central_errors
    def get_port(self, context, id, fields=None):
        try:
            return super().get_port(context, id, fields=fields)
        except n_exc.PortNotFound:
            if not self._may_fetch(context):
                raise
            central = helper.get(helper.central_region(), "port", id)
            if central is None or not self._copy_network(central["network_id"], context):
                raise
            self._copy_port(central)
            return super().get_port(self._admin(), id, fields=fields)

    @errors.central_errors
    def get_security_group(self, context, id, fields=None, project_id=None):
        try:
            return super().get_security_group(context, id, fields=fields,
                                              project_id=project_id)
        except ext_sg.SecurityGroupNotFound:
            if not self._may_fetch(context) or self._local_group(id) != id:
                raise
            return super().get_security_group(self._admin(), id, fields=fields)

    @errors.central_errors
    def get_security_groups(self, context, filters=None, fields=None, sorts=None, limit=None,
                            marker=None, page_reverse=False, default_sg=False):
        args = (filters, fields, sorts, limit, marker, page_reverse, default_sg)
        result = super().get_security_groups(context, *args)
        if result or default_sg or not self._may_fetch(context):
            return result
        # Nova looks a group up by id, or by name within the project: a miss may
        # be a central group not copied yet.
        if not any(self._local_group(central["id"]) == central["id"]
                   for central in self._central_groups(filters or {})):
            return result
        return super().get_security_groups(context, *args)

    # ports -----------------------------------------------------------------

    @errors.central_errors
    def create_port(self, context, port):
        body = port["port"]
        if not self._is_central_network(body["network_id"]):
            return super().create_port(context, port)
        if body.get("device_owner") == constants.DEVICE_OWNER_SHADOW:
            # Its MAC and IPs are the real port's, allocated centrally already.
            self._ensure_subnets(body)
            return super().create_port(context, port)
        local_groups, central_groups = self._port_groups(body)
        twin = helper.create(helper.central_region(), "port",
                             central_port_body(body, helper.local_region(), central_groups))
        try:
            self._ensure_subnets(twin)
            local = dict(body, id=twin["id"], mac_address=twin["mac_address"],
                         fixed_ips=fixed_ips(twin))
            if local_groups is not None:
                local[SECURITY_GROUPS] = local_groups
            result = super().create_port(context, {"port": local})
        except Exception:
            # The local create failed: do not leave an IP taken in central IPAM.
            self._delete_twin(twin["id"])
            raise
        self._record_copy("port", twin["id"], twin["project_id"])
        return result

    @errors.central_errors
    def update_port(self, context, id, port):
        body = port["port"]
        central_groups = None
        current = self._regrouped_port(context, id, body)
        if current is not None:
            local_groups, central_groups = self._port_groups(
                dict(body, project_id=current["project_id"]))
            if set(local_groups) == set(current[SECURITY_GROUPS]):
                central_groups = None  # no change here (central pushing its own change)
            port = {"port": dict(body, security_groups=local_groups)}
        result = super().update_port(context, id, port)
        changes = {key: value for key, value in body.items() if key in FORWARDED_UPDATES}
        if central_groups is not None:
            changes[SECURITY_GROUPS] = central_groups
        shadow = result.get("device_owner") == constants.DEVICE_OWNER_SHADOW
        if changes and not shadow and self._is_central_network(result["network_id"]):
            try:
                helper.update(helper.central_region(), "port", id, changes)
            except helper.RemoteError as exc:
                # The port works here; central shows the old values until the next change.
                LOG.warning("Port %s: central twin not updated: %s", id, exc)
        return result

    def _regrouped_port(self, context, port_id: str, body: dict) -> dict | None:
        """The port, if ``body`` sets the security groups of a port of a central network."""
        if not validators.is_attr_set(body.get(SECURITY_GROUPS)) \
                or not self._may_fetch(context):
            return None
        port = super().get_port(self._admin(), port_id, fields=[
            "network_id", "device_owner", "project_id", SECURITY_GROUPS])
        central = (port["device_owner"] != constants.DEVICE_OWNER_SHADOW
                   and self._is_central_network(port["network_id"]))
        return port if central else None

    def delete_port(self, context, id, l3_port_check=True):
        network_id = super().get_port(self._admin(), id, fields=["network_id"])["network_id"]
        super().delete_port(context, id, l3_port_check=l3_port_check)
        if not self._is_central_network(network_id):
            return
        try:
            central = helper.get(helper.central_region(), "port", id)
            if central and created_here(central, helper.local_region()):
                self._delete_twin(id)
        except helper.RemoteError as exc:
            LOG.error("Port %s deleted here, but its central twin may remain: %s", id, exc)

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

    # copies ----------------------------------------------------------------

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
        return self._copy_network(network_id) if known is None else known

    def _copy_network(self, network_id: str, context=None) -> bool:
        """Make sure the local copy of central network ``network_id`` exists.

        False when central Neutron does not have it for this region, or when
        the caller of ``context`` may not see it.
        """
        known = self._central_networks.get(network_id)
        if known is False or (known and self._has_network(network_id)):
            return known
        central = helper.get(helper.central_region(), "network", network_id)
        if central is not None and context is not None and not visible_to(context, central):
            return False  # not remembered: its owner may still use it here
        if central is None or not meant_for(central, helper.local_region(),
                                            helper.zones()) or self._claimed_elsewhere(central):
            # Remember local-only networks; an unknown id may still appear later.
            if central is not None or self._has_network(network_id):
                self._central_networks[network_id] = False
            return False
        new = not self._has_network(network_id)
        if new:
            self._create_copy("network", network_body(central))
        for subnet in helper.find(helper.central_region(), "subnet", network_id=network_id):
            self._copy_subnet(subnet)
        if new:  # the project's groups here now need rules for its subnets' CIDRs
            helper.queue_rule_sync(central["project_id"])
        self._central_networks[network_id] = True
        return True

    @staticmethod
    def _claimed_elsewhere(central: dict) -> bool:
        """Whether another region already holds ``central``, a ``local`` network
        without hints: such a network lives in the first region that uses it."""
        if central.get("provider:network_type") != "local" \
                or central.get("availability_zone_hints"):
            return False
        try:
            holders = {r["region_name"] for r in helper.routings(central["id"], "network")}
        except helper.RemoteError as exc:
            LOG.warning("Local network %s: cannot tell which region holds it; copied "
                        "here: %s", central["id"], exc)
            return False
        return bool(holders - {helper.local_region(), None})

    def _has_network(self, network_id: str) -> bool:
        return bool(super().get_networks(self._admin(), {"id": [network_id]}, ["id"]))

    def _copy_subnet(self, central: dict) -> None:
        if not super().get_subnets(self._admin(), {"id": [central["id"]]}, ["id"]):
            self._create_copy("subnet", subnet_body(central))

    def _ensure_subnets(self, port: dict) -> None:
        for ip in port.get("fixed_ips", []):
            if not super().get_subnets(self._admin(), {"id": [ip["subnet_id"]]}, ["id"]):
                central = helper.get(helper.central_region(), "subnet", ip["subnet_id"])
                if central is not None:
                    self._copy_subnet(central)

    def _copy_port(self, central: dict) -> None:
        self._ensure_subnets(central)
        body = port_copy_body(central)
        if SECURITY_GROUPS in central:
            local = (self._local_group(id_) for id_ in central[SECURITY_GROUPS])
            body[SECURITY_GROUPS] = [id_ for id_ in local if id_]
        self._create_copy("port", body)

    # security groups -----------------------------------------------------------

    def _central_groups(self, filters: dict) -> list[dict]:
        """Central groups a list missed: by id, or by name (and project); never default."""
        central = helper.central_region()
        if filters.get("id"):
            found = (helper.get(central, "security_group", id_) for id_ in filters["id"])
            return [group for group in found if group and not secgroups.is_default(group)]
        names = [name for name in filters.get("name") or [] if name != secgroups.DEFAULT]
        projects = filters.get("project_id") or filters.get("tenant_id") or []
        if len(names) != 1 or len(projects) != 1:
            return []  # no broad lists: they would copy every group everywhere
        return helper.find(central, "security_group", name=names[0], project_id=projects[0])

    def _local_group(self, central_id: str, copying: frozenset = frozenset()) -> str | None:
        """The id of the group standing here for central group ``central_id``.

        The copy (same id), made now if missing; the region's default group for
        central's default; None when central does not have it.
        """
        if central_id in copying or super().get_security_groups(
                self._admin(), {"id": [central_id]}, ["id"], default_sg=True):
            return central_id
        central = helper.get(helper.central_region(), "security_group", central_id)
        if central is None:
            return None
        if secgroups.is_default(central):
            return self._ensure_default_security_group(self._admin(), central["project_id"])
        self._copy_group(central, copying | {central_id})
        return central_id

    def _copy_group(self, central: dict, copying: frozenset) -> None:
        """Create the copy of ``central`` and its rules (after the groups they name)."""
        try:
            self.create_security_group(self._admin(),
                                       {"security_group": secgroups.group_body(central)})
        except (db_exc.DBDuplicateEntry, obj_exc.NeutronDbObjectDuplicateEntry):
            LOG.info("security group %s was copied by another worker", central["id"])
            return
        rules = central.get("security_group_rules") or []
        remote_ids = {id_: self._local_group(id_, copying)
                      for id_ in secgroups.remote_groups(rules, central["id"])}
        rules = [rule for rule in rules
                 if not rule.get("remote_group_id") or rule["remote_group_id"] == central["id"]
                 or remote_ids.get(rule["remote_group_id"])]
        local = super().get_security_group_rules(
            self._admin(), {"security_group_id": [central["id"]]})
        missing, extra = secgroups.diff_rules(rules, local, remote_ids)
        for rule in extra:  # the rules Neutron's templates add to every new group
            super().delete_security_group_rule(self._admin(), rule["id"])
        for rule in missing:
            body = secgroups.rule_body(rule, central["id"], central["project_id"], remote_ids)
            try:
                super().create_security_group_rule(self._admin(),
                                                   {"security_group_rule": body})
            except ext_sg.SecurityGroupRuleExists:
                pass  # a concurrent copy made it
        LOG.info("Copied security group %s from %s", central["id"], helper.central_region())
        self._record_copy("security_group", central["id"], central["project_id"])
        helper.queue_rule_sync(central["project_id"])  # expansions of its remote groups

    def _port_groups(self, port: dict) -> tuple[list[str] | None, list[str] | None]:
        """(local ids, central ids) of the groups a port created here asks for.

        Unset: (None, None), so each side applies its own default. A central
        group is copied here first; the region's default group and central's
        default stand for each other; a group only this region has stays out
        of central (central cannot refer to it).
        """
        requested = port.get(SECURITY_GROUPS)
        if not validators.is_attr_set(requested):
            return None, None
        central_region, local, central = helper.central_region(), [], []
        for id_ in requested:
            here = super().get_security_groups(self._admin(), {"id": [id_]}, ["id", "name"],
                                               default_sg=True)
            if not here:
                standing = self._local_group(id_)
                local.append(standing or id_)  # unknown: ML2 refuses it as usual
                central.extend([id_] if standing else [])
            elif secgroups.is_default(here[0]):
                local.append(id_)
                project = port.get("project_id") or port.get("tenant_id")
                central.extend(group["id"] for group in helper.find(
                    central_region, "security_group", name=secgroups.DEFAULT,
                    project_id=project)[:1])
            else:
                local.append(id_)
                if helper.get(central_region, "security_group", id_):
                    central.append(id_)
                else:
                    LOG.warning("Security group %s is not central: left out of the port's "
                                "central twin", id_)
        return local, central

    def _create_copy(self, kind: str, body: dict) -> None:
        """Create with the central id; another worker doing the same first is fine."""
        create = {"network": plugin_utils.create_network,
                  "subnet": plugin_utils.create_subnet,
                  "port": plugin_utils.create_port}[kind]
        # Ports go to ML2's create_port directly: a copy must not go back to central.
        target = super() if kind == "port" else self
        try:
            create(target, self._admin(), {kind: body}, check_allow_post=False)
        except db_exc.DBDuplicateEntry:
            LOG.info("%s %s was copied by another worker", kind, body["id"])
        LOG.info("Copied %s %s from %s", kind, body["id"], helper.central_region())
        self._record_copy(kind, body["id"], body["project_id"])

    @staticmethod
    def _record_copy(kind: str, id_: str, project_id: str) -> None:
        """Tell Tricircle this region holds a copy of ``id_``: central deletes and
        resource_recycle find copies by these routings."""
        try:
            helper.record_routing(id_, kind, project_id, helper.local_region())
        except helper.RemoteError as exc:
            # Networks, subnets and groups are still deleted in every region; a
            # port copy is then found only through its twin's region.
            LOG.warning("No routing recorded for the copy of %s %s: %s", kind, id_, exc)

    def _delete_twin(self, port_id: str) -> None:
        try:
            helper.delete(helper.central_region(), "port", port_id)
        except helper.RemoteError as exc:
            LOG.error("Central twin of port %s not deleted: %s", port_id, exc)
