"""A server's security groups named by central id, made known to its region.

Horizon and ``openstack server create --security-group`` name groups by the
id central Neutron gave them. The region's Nova looks each one up in the
project's groups of its own Neutron, which holds a copy of a central group
only once something there used it, and never holds central's ``default``
(every Neutron has its own, doc/networking.md). Before a create is sent, each
group named by an id of the caller's project at central is therefore either
replaced by ``default`` (central's default group: the region's own stands for
it) or looked up by id in the region's Neutron, which makes the local plugin
copy it there. Names, and ids central does not show the caller, reach the
region as they were sent: its Nova answers for them.

The server actions ``addSecurityGroup`` and ``removeSecurityGroup`` name one
group the same way and get the same treatment (a non-default group is found
by Nova through a lookup by id, which copies it; central's default is not).
"""

import json
import logging

import webob

from tricircle.common.neutron import RemoteError
from tricircle.gateway import central_neutron, routed, rules
from tricircle.gateway.call import Call, GatewayError, parse_json, shown
from tricircle.objects.pod import Region

LOG = logging.getLogger(__name__)
DEFAULT = "default"  # the name of the group every Neutron makes per project


def central_group(group_id: str) -> dict | None:
    """The group as central Neutron has it ([client] account), None when it has none.
    Raises RemoteError when central Neutron cannot answer."""
    return central_neutron.central().get("security_group", group_id)


def copy_to_region(region: Region, group_id: str) -> None:
    """Look the group up by id in the region's Neutron: its local plugin copies a
    central group it lacks. A failure is logged; the region's Nova then answers."""
    try:
        central_neutron.of_region(region.region_name).get("security_group", group_id)
    except RemoteError as exc:
        LOG.warning("security group %s not copied to %s: %s", group_id,
                    region.region_name, exc)


def _standing_name(call: Call, region: Region, group_id: str) -> str | None:
    """What the region's Nova should be asked for instead of ``group_id`` (None:
    keep it), copying the group to the region on the way."""
    try:
        group = central_group(group_id)
    except RemoteError as exc:
        raise GatewayError(503, f"{exc.service} is unavailable: {shown(exc.detail)}"
                           ) from None
    if group is None or group.get("project_id") != call.context.project_id:
        return None  # not the caller's group at central: the region decides
    if group.get("name") == DEFAULT:
        return DEFAULT
    copy_to_region(region, group_id)
    return None


def prepare(call: Call, region: Region, groups: object) -> bool:
    """Make ``groups`` (a body's ``security_groups``: [{"name": name or id}]) ready
    for ``region``, in place; True when an item was changed."""
    changed = False
    for item in groups if isinstance(groups, list) else []:
        requested = item.get("name") if isinstance(item, dict) else None
        if not rules.is_routed_id(requested):
            continue  # a name: the region's Nova matches it itself
        standing = _standing_name(call, region, requested)
        if standing is not None:
            item["name"] = standing
            changed = True
    return changed


def prepare_server(call: Call, region: Region, entity: dict) -> bool:
    """A server create's groups (``entity`` is its ``server`` object); True when changed."""
    return prepare(call, region, entity.get("security_groups"))


GROUP_ACTIONS = ("addSecurityGroup", "removeSecurityGroup")


def _group_action(raw: bytes) -> tuple[dict, dict] | None:
    """(the body, its {"name": ...}) of a group action; None for any other action
    (or a body that is no JSON object: the region answers it as it comes)."""
    try:
        body = parse_json(raw)
    except GatewayError:
        return None
    if not isinstance(body, dict) or len(body) != 1:
        return None
    name, argument = next(iter(body.items()))
    if name in GROUP_ACTIONS and isinstance(argument, dict):
        return body, argument
    return None


def server_action(call: Call) -> webob.Response:
    """POST /servers/{id}/action: a group action's central id made ready for the
    server's region, then sent there; any other action goes on (``routed.onward``)."""
    raw = call.body if call.body is not None else call.req.body
    found = _group_action(raw)
    if found is None:
        return routed.onward(call)
    body, argument = found
    region, _ = routed.locate(call, "server", call.args["id"])
    if prepare(call, region, [argument]):
        raw = json.dumps(body).encode("utf-8")
    return call.respond(call.send(region, body=raw))


# Before the other rules of server actions in compute.py (they pass this one on).
RULES = tuple(
    rules.rule("POST", f"/{collection}/{{id}}/action", server_action, resource_type="server",
               note="addSecurityGroup / removeSecurityGroup: the server's region, central's "
               "default group named by id as the region's own default; other actions: "
               "the rules below")
    for collection in ("servers", "os-volumes_boot"))
