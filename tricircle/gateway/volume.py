"""The volume gateway's rule table (paths below /volume/v3/{project_id}).

First match wins; the last rule forwards anything else to the default region.
"""

from tricircle.gateway import handlers as h
from tricircle.gateway import lists, quota
from tricircle.gateway.rules import Service, rule

DEFAULT_NOTE = "forwarded to [gateway]/default_region"


def _resource_rules(collection: str, resource: str, placed: str,
                    parents: tuple = (), create=h.create) -> tuple:
    """List, detail list, create and by-id rules of one Cinder resource."""
    return (
        rule("GET", f"/{collection}", lists.merge, resource=resource,
             collection=collection, note="every region at once, merged"),
        rule("GET", f"/{collection}/detail", lists.merge, resource=resource,
             collection=collection, note="every region at once, merged"),
        rule("POST", f"/{collection}", create, resource=resource, collection=resource,
             parents=parents, note=placed),
        rule(None, f"/{collection}/{{id}}", h.by_id, resource=resource,
             note=f"the region of the {resource}'s routing (adopted when unknown)"),
        rule(None, f"/{collection}/{{id}}/*", h.by_id, resource=resource,
             note=f"actions of a {resource}: as /{collection}/{{id}}"),
    )


RULES = (
    *_resource_rules("volumes", "volume",
                     "the region of snapshot_id / source_volid / backup_id, else "
                     "availability_zone / tenant binding / default region; central quota "
                     "checked", (("snapshot_id", "snapshot"), ("source_volid", "volume"),
                                 ("backup_id", "backup")), quota.create),
    *_resource_rules("snapshots", "snapshot", "the region of volume_id; central quota "
                     "checked", (("volume_id", "volume"),), quota.create),
    *_resource_rules("backups", "backup", "the region of volume_id",
                     (("volume_id", "volume"),)),
    rule("GET", "/os-availability-zone", h.zones,
         note="one zone per az_name of the pods table"),
    rule(None, "/types", h.default_region, note=DEFAULT_NOTE),
    rule(None, "/types/*", h.default_region, note=DEFAULT_NOTE),
    rule(None, "/limits", quota.limits, note=DEFAULT_NOTE + "; with central quota its "
         "volumes, gigabytes and snapshots are the central limits and usage"),
    rule(None, "/os-quota-sets/{project}", quota.quota_sets,
         note=DEFAULT_NOTE + "; with central quota a GET shows the central limits (and "
         "usage) of volumes, gigabytes and snapshots"),
    rule(None, "/*", h.default_region, note="anything else: " + DEFAULT_NOTE),
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
