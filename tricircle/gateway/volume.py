"""The volume gateway's rule table (paths below /volume/v3/{project_id}).

First match wins; the last rule forwards anything else to the default region.
"""

import webob

from tricircle.gateway import (
    admin_views,
    attachments,
    cinder_lists,
    create,
    default,
    global_names,
    lists,
    quota,
    quota_classes,
    quota_growth,
    quota_lease,
    routed,
    transfers,
    zones,
)
from tricircle.gateway.call import Call, parse_json
from tricircle.gateway.rules import CreateCheck, Service, rule

DEFAULT_NOTE = "forwarded to [gateway]/default_region"


def restore(call: Call) -> webob.Response:
    """POST /backups/{id}/restore. Without a volume_id Cinder makes a new volume of
    the backup's size in the backup's region: it is checked against the central
    quota and its routing recorded. With one, it is a backup action like any other."""
    body = parse_json(call.req.body)
    asked = body.get("restore") if isinstance(body, dict) else None
    if not isinstance(asked, dict) or asked.get("volume_id") is not None:
        return routed.by_id(call)
    region, _ = routed.locate(call, "backup", call.args["id"])
    quota.check_restore(call, region, call.args["id"])
    return create.send_and_record(call, region, "volume", "restore", "volume_id")


def group_from_source(call: Call) -> webob.Response:
    """POST /groups/action {"create-from-src": {...}}: the new group is made in the
    region of its group snapshot or source group (a copy stays beside its source)
    and its routing recorded; a body naming neither gets the default region's own
    answer (Cinder's 400)."""
    body = parse_json(call.req.body)
    asked = body.get("create-from-src") if isinstance(body, dict) else None
    region = create.parent_region(call, asked) if isinstance(asked, dict) else None
    if region is None:
        return default.forward(call)
    return create.send_and_record(call, region, "group", "group")


def _resource_rules(collection: str, resource_type: str, placed: str,
                    parents: tuple = (), check: CreateCheck | None = None,
                    key: str | None = None, serialized: bool = False) -> tuple:
    """List, detail list, create and by-id rules of one Cinder resource under the
    URL ``collection``, whose lists' JSON key is ``key`` (default: the same) and
    whose create's is ``resource_type``; ``serialized`` runs the create under the
    project's quota lease."""
    key = key or collection
    create_rule = create.placed
    if serialized:
        create_rule = quota_lease.serialized(create.placed, beside_placement=True)
    merged = dict(resource_type=resource_type, collection=key,
                  note="every region at once, merged")
    return (
        rule("GET", f"/{collection}", cinder_lists.merge, **merged),
        rule("GET", f"/{collection}/detail", cinder_lists.merge, **merged),
        rule("POST", f"/{collection}", create_rule, resource_type=resource_type,
             collection=resource_type,
             parents=parents, check=check, note=placed),
        rule(None, f"/{collection}/{{id}}", routed.by_id, resource_type=resource_type,
             note=f"the region of the {resource_type}'s routing (adopted when unknown)"),
        rule(None, f"/{collection}/{{id}}/*", routed.by_id, resource_type=resource_type,
             note=f"actions of a {resource_type}: as /{collection}/{{id}}"),
    )


def _merged(collection: str, key: str, note: str = "every region at once, merged "
            "(admin views)") -> tuple:
    """GET of a list that has no routed resources behind it, from every region."""
    return (rule("GET", f"/{collection}", lists.merge, collection=key, note=note),)


def _global_rules(collection: str, what: str, resource_type: str) -> tuple:
    """Rules of a global resource: lists and shows from the default region (its
    ids), writes to every region by name (tricircle.gateway.global_names)."""
    write_note = (f"the default region first, then every other region by the {what}'s "
                  "name; a region that misses it: X-Tricircle-Partial and a "
                  "global_sync job")
    return (
        rule("GET", f"/{collection}", global_names.listed, note=DEFAULT_NOTE
             + "; for an admin X-Tricircle-Drift names regions whose entries differ"),
        rule("POST", f"/{collection}", global_names.write, note=write_note),
        # resource_type names the show path (SERVICE.show_paths) the write reads
        # the name with; there is no routing of these.
        rule("POST PUT DELETE", f"/{collection}/{{id}}", global_names.write,
             resource_type=resource_type, note=write_note),
        rule("POST PUT DELETE", f"/{collection}/{{id}}/*", global_names.write,
             resource_type=resource_type, note=write_note),
        rule(None, f"/{collection}/*", default.forward, note=DEFAULT_NOTE),
    )


# Cinder's service actions about one host (or cluster): enable, disable, ...
_HOST_ACTIONS = ("enable", "disable", "disable-log-reason", "freeze", "thaw",
                 "failover_host", "failover")
_ZONE_NOTE = "availability_zone / project binding / default region"
_TRANSFER_NOTE = "the region of volume_id; the routing is recorded"
_ACCEPT_NOTE = ("the transfer's region whoever asks (Cinder checks the auth_key); the "
                "volume's routing then names the accepting project. With central quota "
                "the accepting project's volumes and gigabytes are checked first, under "
                "its lease (Cinder's 413 when over)")

RULES = (
    rule("GET", "/volumes/summary", cinder_lists.summary,
         note="every region at once: total_count and total_size summed, metadata "
         "values joined"),
    rule("POST", "/volumes/{id}/action", quota_growth.volume_action, resource_type="volume",
         note="the volume's region; with central quota an os-extend is checked first "
         "for the gigabytes it adds, under the project's lease"),
    *_resource_rules("volumes", "volume",
                     "the region of snapshot_id / source_volid / backup_id / group_id, else "
                     "availability_zone / project binding / default region; central quota "
                     "checked under the project's lease",
                     (("snapshot_id", "snapshot"), ("source_volid", "volume"),
                      ("backup_id", "backup"), ("group_id", "group")), quota.check_create,
                     serialized=True),
    *_resource_rules("snapshots", "snapshot", "the region of volume_id; central quota "
                     "checked under the project's lease", (("volume_id", "volume"),),
                     quota.check_create, serialized=True),
    rule("POST", "/backups/{id}/restore", quota_lease.serialized(restore),
         resource_type="backup", note="the backup's region; without a volume_id a new "
         "volume: central quota checked under the project's lease, its routing recorded"),
    *_resource_rules("backups", "backup", "the region of volume_id",
                     (("volume_id", "volume"),)),
    *(rule("POST", f"/{url}/{{id}}/accept", transfers.accept, note=_ACCEPT_NOTE)
      for url in ("os-volume-transfer", "volume-transfers")),
    *_resource_rules("volume-transfers", "transfer", _TRANSFER_NOTE,
                     (("volume_id", "volume"),), key="transfers"),
    *_resource_rules("os-volume-transfer", "transfer", _TRANSFER_NOTE,
                     (("volume_id", "volume"),), key="transfers"),
    *_resource_rules("attachments", "attachment", "the region of volume_uuid; a server "
                     "(instance_uuid) routed to another region is a 409",
                     (("volume_uuid", "volume"),), attachments.same_region),
    rule("POST", "/groups/action", group_from_source,
         parents=(("group_snapshot_id", "group_snapshot"), ("source_group_id", "group")),
         note="create-from-src: the region of group_snapshot_id / source_group_id; the "
         "routing is recorded"),
    *_resource_rules("groups", "group", _ZONE_NOTE),
    *_resource_rules("group_snapshots", "group_snapshot", "the region of group_id",
                     (("group_id", "group"),)),
    *_resource_rules("messages", "message", "no create: Cinder makes messages itself"),
    *_merged("os-services", "services"),
    *(rule("PUT", f"/os-services/{action}", admin_views.by_host,
           note="the one region running services on the body's host (or cluster)")
      for action in _HOST_ACTIONS),
    rule("PUT", "/os-services/get-log", admin_views.every_region,
         collection="log_levels", note="every region at once, concatenated"),
    rule("PUT", "/os-services/set-log", admin_views.every_region,
         note="every region at once (the log levels of the whole cloud)"),
    *_merged("scheduler-stats/get_pools", "pools"),
    rule("GET", "/capabilities/{id}", admin_views.by_path_host,
         note="the one region running services on that host"),
    rule("GET", "/os-availability-zone", zones.availability_zones,
         note="one zone per az_name of the pods table"),
    *_global_rules("types", "volume type", "volume_type"),
    *_global_rules("group_types", "group type", "group_type"),
    *(rule("GET", f"/qos-specs/{{id}}/{action}", global_names.write,
           resource_type="qos_spec", note="a write (GET) in every region: the type by "
           "its name there")
      for action in ("associate", "disassociate", "disassociate_all")),
    *_global_rules("qos-specs", "QoS spec", "qos_spec"),
    rule("PUT DELETE", "/default-types/{project}", global_names.default_type,
         note="the default region, then every other region (the type by its name); "
         "a region that misses it: X-Tricircle-Partial and a global_sync job"),
    rule(None, "/limits", quota.limits, note=DEFAULT_NOTE + "; with central quota its "
         "volumes, gigabytes and snapshots are the central limits and usage"),
    rule(None, "/os-quota-sets/{project}", quota.quota_sets,
         note="a GET: every region's quota summed; with central quota the central "
         "limits (and usage) of volumes, gigabytes and snapshots, and an admin's PUT "
         "or DELETE is a 400 pointing at openstack limit set (a member's gets the "
         "region's 403); without it a PUT or DELETE goes to every region (the "
         "default one first) and a PUT answers with the sum"),
    *quota_classes.VOLUME_RULES,
    rule(None, "/*", default.forward, note="anything else: " + DEFAULT_NOTE),
)

# Top-level names Cinder serves without a project id in front (besides os-*).
KNOWN_NAMES = frozenset({
    "volumes", "snapshots", "backups", "types", "limits", "extensions", "attachments",
    "messages", "groups", "group_types", "group_snapshots", "qos-specs", "workers",
    "clusters", "manageable_volumes", "manageable_snapshots", "scheduler-stats",
    "capabilities", "consistencygroups", "cgsnapshots", "default-types",
    "volume-transfers", "resource_filters"})

SERVICE = Service(
    name="volume", service_type="volumev3", version="v3", rules=RULES,
    unavailable_key="serviceUnavailable", microversion_name="volume",
    show_paths={"volume": "/volumes/{id}", "snapshot": "/snapshots/{id}",
                "backup": "/backups/{id}", "transfer": "/os-volume-transfer/{id}",
                "attachment": "/attachments/{id}", "group": "/groups/{id}",
                "group_snapshot": "/group_snapshots/{id}", "message": "/messages/{id}",
                "volume_type": "/types/{id}", "group_type": "/group_types/{id}",
                "qos_spec": "/qos-specs/{id}"},
    known_names=KNOWN_NAMES, version_show_from_root=True)
