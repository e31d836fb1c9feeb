"""The volume gateway's rule table (paths below /volume/v3/{project_id}).

First match wins; the last rule forwards anything else to the default region.
"""

import json

import webob

from tricircle.gateway import create, default, lists, quota, routed, store, zones
from tricircle.gateway.call import Call, GatewayError
from tricircle.gateway.rules import CreateCheck, Service, rule

DEFAULT_NOTE = "forwarded to [gateway]/default_region"


def restore(call: Call) -> webob.Response:
    """POST /backups/{id}/restore. Without a volume_id Cinder makes a new volume of
    the backup's size in the backup's region: it is checked against the central
    quota and its routing recorded. With one, it is a backup action like any other."""
    try:
        body = json.loads(call.req.body or b"null")
    except ValueError:
        body = None  # the region answers with its own validation error
    asked = body.get("restore") if isinstance(body, dict) else None
    if not isinstance(asked, dict) or asked.get("volume_id") is not None:
        return routed.by_id(call)
    region, _ = routed.locate(call, "backup", call.args["id"])
    quota.check_restore(call, region, call.args["id"])
    reply = call.send(region)
    data = reply.json()
    made = data.get("restore") if isinstance(data, dict) else None
    if 200 <= reply.status < 300 and isinstance(made, dict) and isinstance(
            made.get("volume_id"), str):
        store.record("volume", made["volume_id"], region.pod_id, call.context.project_id)
    return call.respond(reply)


def transfer_accept(call: Call) -> webob.Response:
    """POST .../{id}/accept of a volume transfer: the accepting project gains the
    volume and its gigabytes. Its size cannot be read before the accept (the
    transfer and its volume are the giving project's), so with central quota on
    the gateway refuses rather than let a volume past the limit; without, it is
    forwarded to the default region."""
    if not quota.enabled():
        return default.forward(call)
    raise GatewayError(403, "Volume transfers cannot be accepted through the gateway "
                       "while central quota is on: the size of the volume is not known "
                       "before it is accepted. Ask an administrator to accept it in "
                       "its region.")


def _resource_rules(collection: str, resource_type: str, placed: str,
                    parents: tuple = (), check: CreateCheck | None = None) -> tuple:
    """List, detail list, create and by-id rules of one Cinder resource."""
    return (
        rule("GET", f"/{collection}", lists.merge, resource_type=resource_type,
             collection=collection, note="every region at once, merged"),
        rule("GET", f"/{collection}/detail", lists.merge, resource_type=resource_type,
             collection=collection, note="every region at once, merged"),
        rule("POST", f"/{collection}", quota.serialized(create.placed) if check else
             create.placed, resource_type=resource_type, collection=resource_type,
             parents=parents, check=check, note=placed),
        rule(None, f"/{collection}/{{id}}", routed.by_id, resource_type=resource_type,
             note=f"the region of the {resource_type}'s routing (adopted when unknown)"),
        rule(None, f"/{collection}/{{id}}/*", routed.by_id, resource_type=resource_type,
             note=f"actions of a {resource_type}: as /{collection}/{{id}}"),
    )


RULES = (
    *_resource_rules("volumes", "volume",
                     "the region of snapshot_id / source_volid / backup_id, else "
                     "availability_zone / project binding / default region; central quota "
                     "checked under the project's lease",
                     (("snapshot_id", "snapshot"), ("source_volid", "volume"),
                      ("backup_id", "backup")), quota.check_create),
    *_resource_rules("snapshots", "snapshot", "the region of volume_id; central quota "
                     "checked under the project's lease", (("volume_id", "volume"),),
                     quota.check_create),
    rule("POST", "/backups/{id}/restore", quota.serialized(restore),
         resource_type="backup", note="the backup's region; without a volume_id a new "
         "volume: central quota checked under the project's lease, its routing recorded"),
    *(rule("POST", f"/{transfers}/{{id}}/accept", transfer_accept,
           note="with central quota refused (403): the volume's size is unknown before "
           "the accept; else " + DEFAULT_NOTE)
      for transfers in ("os-volume-transfer", "volume-transfers")),
    *_resource_rules("backups", "backup", "the region of volume_id",
                     (("volume_id", "volume"),)),
    rule("GET", "/os-availability-zone", zones.availability_zones,
         note="one zone per az_name of the pods table"),
    rule(None, "/types", default.forward, note=DEFAULT_NOTE),
    rule(None, "/types/*", default.forward, note=DEFAULT_NOTE),
    rule(None, "/limits", quota.limits, note=DEFAULT_NOTE + "; with central quota its "
         "volumes, gigabytes and snapshots are the central limits and usage"),
    rule(None, "/os-quota-sets/{project}", quota.quota_sets,
         note=DEFAULT_NOTE + "; with central quota a GET shows the central limits (and "
         "usage) of volumes, gigabytes and snapshots"),
    rule(None, "/*", default.forward, note="anything else: " + DEFAULT_NOTE),
)

# Top-level names Cinder serves without a project id in front (besides os-*).
KNOWN_NAMES = frozenset({
    "volumes", "snapshots", "backups", "types", "limits", "extensions", "attachments",
    "messages", "groups", "group_types", "group_snapshots", "qos-specs", "workers",
    "clusters", "manageable_volumes", "manageable_snapshots", "scheduler-stats",
    "capabilities", "consistencygroups", "cgsnapshots", "default-types"})

SERVICE = Service(
    name="volume", service_type="volumev3", version="v3", rules=RULES,
    unavailable_key="serviceUnavailable", microversion_name="volume",
    show_paths={"volume": "/volumes/{id}", "snapshot": "/snapshots/{id}",
                "backup": "/backups/{id}"}, known_names=KNOWN_NAMES)
