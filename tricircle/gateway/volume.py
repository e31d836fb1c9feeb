"""The volume gateway's rule table (paths below /volume/v3/{project_id}).

First match wins; the last rule forwards anything else to the default region.
"""

from tricircle.gateway import create, default, lists, quota, routed, zones
from tricircle.gateway.rules import CreateCheck, Service, rule

DEFAULT_NOTE = "forwarded to [gateway]/default_region"


def _resource_rules(collection: str, resource_type: str, placed: str,
                    parents: tuple = (), check: CreateCheck | None = None) -> tuple:
    """List, detail list, create and by-id rules of one Cinder resource."""
    return (
        rule("GET", f"/{collection}", lists.merge, resource_type=resource_type,
             collection=collection, note="every region at once, merged"),
        rule("GET", f"/{collection}/detail", lists.merge, resource_type=resource_type,
             collection=collection, note="every region at once, merged"),
        rule("POST", f"/{collection}", create.placed, resource_type=resource_type,
             collection=resource_type, parents=parents, check=check, note=placed),
        rule(None, f"/{collection}/{{id}}", routed.by_id, resource_type=resource_type,
             note=f"the region of the {resource_type}'s routing (adopted when unknown)"),
        rule(None, f"/{collection}/{{id}}/*", routed.by_id, resource_type=resource_type,
             note=f"actions of a {resource_type}: as /{collection}/{{id}}"),
    )


RULES = (
    *_resource_rules("volumes", "volume",
                     "the region of snapshot_id / source_volid / backup_id, else "
                     "availability_zone / project binding / default region; central quota "
                     "checked", (("snapshot_id", "snapshot"), ("source_volid", "volume"),
                                 ("backup_id", "backup")), quota.check_create),
    *_resource_rules("snapshots", "snapshot", "the region of volume_id; central quota "
                     "checked", (("volume_id", "volume"),), quota.check_create),
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
