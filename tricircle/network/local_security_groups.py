"""The local plugin's security groups: bottom copies of central groups, made on demand.

Central Neutron is the truth (the rules are in tricircle.network.secgroups).
A region copies a central group, with the same id and rules, when something
there names it: a port's copy or a port created on a central network (their
groups are central ids), a ``get_security_group`` that misses, or a list by
id or by one name within one project (how Nova resolves a group name). A
list without those filters never asks central, so a region does not fill up
with every group of a project.

The project's ``default`` group is never copied: every Neutron makes its own,
and a second group named ``default`` would break every boot that asks for it
by name. The region's own default stands for central's, both ways.
"""

from neutron.extensions import securitygroup as ext_sg
from neutron_lib.api import validators
from neutron_lib.objects import exceptions as obj_exc
from oslo_db import exception as db_exc
from oslo_log import log as logging

from tricircle.network import errors, helper, secgroups
from tricircle.network.bottom import SECURITY_GROUPS

LOG = logging.getLogger(__name__)


class SecurityGroupMixin:
    """Security-group lookups of the local plugin, in front of ML2.

    The plugin class it is mixed into (before ML2) provides ``_admin()``,
    ``_may_fetch(context)`` and ``_record_bottom(resource_type, id, project_id)``.
    """

    @errors.central_errors
    def get_security_group(self, context, id, fields=None, project_id=None):
        try:
            return super().get_security_group(context, id, fields=fields,
                                              project_id=project_id)
        except ext_sg.SecurityGroupNotFound:
            if not self._may_fetch(context) or self._bottom_group(id) != id:
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
        if not any(self._bottom_group(central["id"]) == central["id"]
                   for central in self._central_groups(filters or {})):
            return result
        return super().get_security_groups(context, *args)

    def _central_groups(self, filters: dict) -> list[dict]:
        """Central groups a list missed: by id, or by name (and project); never default."""
        if filters.get("id"):
            found = (helper.central().get("security_group", id_) for id_ in filters["id"])
            return [group for group in found if group and not secgroups.is_default(group)]
        names = [name for name in filters.get("name") or [] if name != secgroups.DEFAULT]
        projects = filters.get("project_id") or filters.get("tenant_id") or []
        if len(names) != 1 or len(projects) != 1:
            return []  # no broad lists: they would copy every group everywhere
        return helper.central().find("security_group", name=names[0],
                                     project_id=projects[0])

    def _bottom_group(self, central_id: str, copying: frozenset = frozenset()) -> str | None:
        """The id of the group standing here for central group ``central_id``.

        The bottom copy (same id), made now if missing; the region's default
        group for central's default; None when central does not have it.
        """
        if central_id in copying or super().get_security_groups(
                self._admin(), {"id": [central_id]}, ["id"], default_sg=True):
            return central_id
        central = helper.central().get("security_group", central_id)
        if central is None:
            return None
        if secgroups.is_default(central):
            return self._ensure_default_security_group(self._admin(), central["project_id"])
        self._create_bottom_group(central, copying | {central_id})
        return central_id

    def _create_bottom_group(self, central: dict, copying: frozenset) -> None:
        """Create the bottom copy of ``central`` and its rules (after the groups they name)."""
        try:
            self.create_security_group(self._admin(),
                                       {"security_group": secgroups.group_body(central)})
        except (db_exc.DBDuplicateEntry, obj_exc.NeutronDbObjectDuplicateEntry):
            LOG.info("security group %s was copied by another worker", central["id"])
            return
        rules = central.get("security_group_rules") or []
        remote_ids = {id_: self._bottom_group(id_, copying)
                      for id_ in secgroups.remote_groups(rules, central["id"])}
        rules = [rule for rule in rules
                 if not rule.get("remote_group_id") or rule["remote_group_id"] == central["id"]
                 or remote_ids.get(rule["remote_group_id"])]
        present = super().get_security_group_rules(
            self._admin(), {"security_group_id": [central["id"]]})
        missing, extra = secgroups.diff_rules(rules, present, remote_ids)
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
        self._record_bottom("security_group", central["id"], central["project_id"])
        helper.queue_rule_sync(central["project_id"])  # expansions of its remote groups

    def _port_groups(self, port: dict) -> tuple[list[str] | None, list[str] | None]:
        """(bottom ids, central ids) of the groups a port created here asks for.

        Unset: (None, None), so each side applies its own default. A central
        group is copied here first; the region's default group and central's
        default stand for each other; a group only this region has stays out
        of central (central cannot refer to it).
        """
        requested = port.get(SECURITY_GROUPS)
        if not validators.is_attr_set(requested):
            return None, None
        here, central = [], []
        for id_ in requested:
            held = super().get_security_groups(self._admin(), {"id": [id_]}, ["id", "name"],
                                               default_sg=True)
            if not held:
                standing = self._bottom_group(id_)
                here.append(standing or id_)  # unknown: ML2 refuses it as usual
                central.extend([id_] if standing else [])
            elif secgroups.is_default(held[0]):
                here.append(id_)
                project = port.get("project_id") or port.get("tenant_id")
                central.extend(group["id"] for group in helper.central().find(
                    "security_group", name=secgroups.DEFAULT, project_id=project)[:1])
            else:
                here.append(id_)
                if helper.central().get("security_group", id_):
                    central.append(id_)
                else:
                    LOG.warning("Security group %s is not central: left out of the port's "
                                "top port", id_)
        return here, central
