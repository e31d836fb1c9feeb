"""The compute gateway's rule table (paths below /compute/v2.1[/{project_id}]).

First match wins; the last rule forwards anything else to the default region.
"""

from tricircle.gateway import (
    create,
    default,
    everywhere,
    lists,
    placement,
    quota,
    routed,
    zones,
)
from tricircle.gateway.rules import Service, rule

DEFAULT_NOTE = "forwarded to [gateway]/default_region"
EVERYWHERE_NOTE = ("the default region first (its answer is the caller's), then every "
                   "other region; one that misses it is named in X-Tricircle-Partial")
QUOTA_NOTE = (DEFAULT_NOTE + "; with central quota a GET shows the central limits "
              "(and usage) of instances, cores and RAM")


def _server_rules(collection: str, alias_note: str = "") -> tuple:
    """List, create and by-id rules of servers under ``collection`` (``servers``, or
    Nova's alias ``os-volumes_boot``, which serves exactly the same requests)."""
    return (
        rule("GET", f"/{collection}", lists.merge, resource_type="server",
             collection="servers", note=alias_note
             + "every region at once, merged; limit/marker/sort_key across regions"),
        rule("GET", f"/{collection}/detail", lists.merge, resource_type="server",
             collection="servers", note=alias_note + "as GET /servers"),
        rule("POST", f"/{collection}", quota.serialized(create.placed),
             resource_type="server", collection="server", check=quota.check_create,
             note=alias_note + "the one region of its volumes, snapshots, server "
             "group (the group hint) and bound ports, which must agree with "
             "availability_zone (else 409 naming the regions); else availability_zone "
             "/ project binding / default region; central quota checked under the "
             "project's lease; the routing is recorded"),
        rule(None, f"/{collection}/{{id}}", routed.by_id, resource_type="server",
             note=alias_note + "the region of the server's routing (adopted when "
             "unknown)"),
        rule("POST", f"/{collection}/{{id}}/os-volume_attachments",
             placement.attach_volume, resource_type="server", note=alias_note
             + "the server's region; a volume of another region is a 409 naming it"),
        rule("GET", f"/{collection}/{{id}}/os-instance-actions", routed.instance_actions,
             resource_type="server", note=alias_note + "the server's region; once the "
             "server is deleted (no routing), the region that has its actions"),
        rule("GET", f"/{collection}/{{id}}/os-instance-actions/*",
             routed.instance_actions, resource_type="server", note=alias_note
             + "as /servers/{id}/os-instance-actions"),
        rule(None, f"/{collection}/{{id}}/*", routed.by_id, resource_type="server",
             note=alias_note + "actions, os-volume_attachments, metadata, ips, ...: as "
             "/servers/{id}"),
    )


RULES = (
    *_server_rules("servers"),
    *_server_rules("os-volumes_boot", "Nova's alias of /servers, handled as it: "),
    rule("GET", "/os-server-groups", lists.merge, resource_type="server_group",
         collection="server_groups", note="every region at once, merged"),
    rule("POST", "/os-server-groups", create.placed, resource_type="server_group",
         collection="server_group", note="region from the project binding / default "
         "region (a group is made before the servers that use it); the routing is "
         "recorded"),
    rule(None, "/os-server-groups/{id}", routed.by_id, resource_type="server_group",
         note="the region of the group's routing (adopted when unknown)"),
    rule("GET", "/os-availability-zone", zones.availability_zones,
         note="one zone per az_name of the pods table"),
    rule("GET", "/os-availability-zone/detail", zones.availability_zones, note="as above"),
    rule("POST PUT DELETE", "/flavors", everywhere.write, note=EVERYWHERE_NOTE
         + "; a flavor created without an id gets one id for every region"),
    rule("POST PUT DELETE", "/flavors/*", everywhere.write, note=EVERYWHERE_NOTE),
    rule(None, "/flavors", default.forward, note=DEFAULT_NOTE),
    rule(None, "/flavors/*", default.forward, note=DEFAULT_NOTE),
    rule(None, "/limits", quota.limits, note=DEFAULT_NOTE + "; with central quota its "
         "instances, cores and RAM are the central limits and usage"),
    rule(None, "/os-quota-sets/{project}", quota.quota_sets, note=QUOTA_NOTE),
    rule(None, "/os-quota-sets/{project}/detail", quota.quota_sets, note=QUOTA_NOTE),
    rule("POST PUT DELETE", "/os-keypairs", everywhere.write, note=EVERYWHERE_NOTE
         + "; a generated key pair is imported into the other regions"),
    rule("POST PUT DELETE", "/os-keypairs/*", everywhere.write, note=EVERYWHERE_NOTE),
    rule(None, "/os-keypairs", default.forward, note=DEFAULT_NOTE),
    rule(None, "/os-keypairs/*", default.forward, note=DEFAULT_NOTE),
    rule(None, "/*", default.forward, note="anything else: " + DEFAULT_NOTE),
)

# Top-level names Nova serves without a project id in front (besides os-*).
KNOWN_NAMES = frozenset({"servers", "flavors", "images", "limits", "extensions"})

SERVICE = Service(
    name="compute", service_type="compute", version="v2.1", rules=RULES,
    unavailable_key="computeFault", microversion_name="compute",
    legacy_microversion_header="X-OpenStack-Nova-API-Version",
    show_paths={"server": "/servers/{id}",
                "server_group": "/os-server-groups/{id}"}, known_names=KNOWN_NAMES)
