"""The compute gateway's rule table (paths below /compute/v2.1[/{project_id}]).

First match wins; the last rule forwards anything else to the default region.
"""

from tricircle.gateway import (
    admin_views,
    create,
    default,
    everywhere,
    floating_ips,
    lists,
    placement,
    quota,
    quota_classes,
    quota_growth,
    quota_lease,
    routed,
    security_groups,
    tenant_networks,
    tenant_usage,
    zones,
)
from tricircle.gateway.rules import Service, rule

DEFAULT_NOTE = "forwarded to [gateway]/default_region"
EVERYWHERE_NOTE = ("the default region first (its answer is the caller's), then every "
                   "other region; one that misses it is named in X-Tricircle-Partial")
QUOTA_NOTE = ("a GET: every region's quota summed (per-item quotas: the least); with "
              "central quota the central limits (and usage) of instances, cores and RAM, "
              "and an admin's PUT or DELETE is a 400 pointing at openstack limit set "
              "(a member's gets the region's 403); without "
              "it a PUT or DELETE goes to every region (the default one first) and a "
              "PUT answers with the sum")

def _server_rules(collection: str, alias_note: str = "") -> tuple:
    """List, create and by-id rules of servers under ``collection`` (``servers``, or
    Nova's alias ``os-volumes_boot``, which serves exactly the same requests)."""
    return (
        rule("GET", f"/{collection}", lists.merge, resource_type="server",
             collection="servers", note=alias_note
             + "every region at once, merged; limit/marker/sort_key across regions"),
        rule("GET", f"/{collection}/detail", lists.merge, resource_type="server",
             collection="servers", note=alias_note + "as GET /servers"),
        rule("POST", f"/{collection}",
             quota_lease.serialized(create.placed, beside_placement=True),
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
        rule("POST", f"/{collection}/{{id}}/action", quota_growth.server_action,
             resource_type="server", note=alias_note + "the server's region; with "
             "central quota a resize to a larger flavor is checked first for the "
             "growth of cores and RAM, under the project's lease"),
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


MERGED_NOTE = ("every region at once, concatenated; limit bounds the whole, a marker is "
               "refused (ids are region-local)")
SEARCHED_NOTE = ("every region at once, the hypervisors of those that have one of "
                 "that name concatenated; 404 when none has")
LOCAL_NOTE = ("the one region that shows the id; an id two regions show is a 409 "
              "naming them")


def _admin_rules() -> tuple:
    """Region-local admin views (admin_views.py) and usage (tenant_usage.py)."""
    return (
        rule("GET", "/os-simple-tenant-usage", tenant_usage.all_tenants,
             note="every region, summed per tenant_id; server_usages concatenated"),
        rule("GET", "/os-simple-tenant-usage/{project}", tenant_usage.one_tenant,
             note="every region, summed"),
        rule("GET", "/os-hypervisors", admin_views.merged, collection="hypervisors",
             note=MERGED_NOTE),
        rule("GET", "/os-hypervisors/detail", admin_views.merged,
             collection="hypervisors", note=MERGED_NOTE),
        rule("GET", "/os-hypervisors/statistics", admin_views.summed,
             collection="hypervisor_statistics", note="every region, each number summed"),
        rule("GET", "/os-hypervisors/{id}/search", admin_views.searched,
             collection="hypervisors", note="(before 2.53) " + SEARCHED_NOTE),
        rule("GET", "/os-hypervisors/{id}/servers", admin_views.searched,
             collection="hypervisors", note="(before 2.53) " + SEARCHED_NOTE),
        rule("GET", "/os-hypervisors/{id}", admin_views.region_local,
             resource_type="hypervisor", note=LOCAL_NOTE),
        rule("GET", "/os-hypervisors/{id}/*", admin_views.region_local,
             resource_type="hypervisor", note=LOCAL_NOTE),
        rule("GET", "/os-services", admin_views.merged, collection="services",
             note=MERGED_NOTE),
        rule("PUT", "/os-services/enable", admin_views.by_host,
             note="(before 2.53) the one region running services on the body's host"),
        rule("PUT", "/os-services/disable", admin_views.by_host, note="as above"),
        rule("PUT", "/os-services/disable-log-reason", admin_views.by_host,
             note="as above"),
        rule("PUT", "/os-services/force-down", admin_views.by_host, note="as above"),
        rule(None, "/os-services/{id}", admin_views.by_uuid, note="(2.53+, a UUID) "
             "every region; the one that has the service answers"),
        rule("GET", "/os-aggregates", admin_views.merged, collection="aggregates",
             note=MERGED_NOTE),
        rule("POST", "/os-aggregates", default.forward, note=DEFAULT_NOTE
             + " (an aggregate belongs to one region's hosts)"),
        rule(None, "/os-aggregates/{id}", admin_views.region_local,
             resource_type="aggregate", note=LOCAL_NOTE),
        rule(None, "/os-aggregates/{id}/*", admin_views.region_local,
             resource_type="aggregate", note=LOCAL_NOTE),
        rule("GET", "/os-migrations", admin_views.merged, collection="migrations",
             note=MERGED_NOTE),
    )


RULES = (
    *security_groups.RULES,  # its server actions pass the others on to the next rule
    *floating_ips.RULES,  # its server actions come before the server rules
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
         note="one zone per az_name of the pods table (which every body shows)"),
    rule("GET", "/os-availability-zone/detail", zones.detail,
         note="admins: every region's zones and hosts, named by the pods table"),
    rule("POST PUT DELETE", "/flavors", everywhere.write, note=EVERYWHERE_NOTE
         + "; a flavor created without an id gets one id for every region"),
    rule("POST PUT DELETE", "/flavors/*", everywhere.write, note=EVERYWHERE_NOTE),
    rule(None, "/flavors", default.forward, note=DEFAULT_NOTE),
    rule(None, "/flavors/*", default.forward, note=DEFAULT_NOTE),
    rule(None, "/limits", quota.limits, note="every region's limits and usage summed "
         "(per-item limits: the least); with central quota the default region's, its "
         "instances, cores and RAM the central limits and usage"),
    rule(None, "/os-quota-sets/{project}", quota.quota_sets, note=QUOTA_NOTE),
    rule(None, "/os-quota-sets/{project}/detail", quota.quota_sets, note=QUOTA_NOTE),
    *quota_classes.COMPUTE_RULES,
    rule("POST PUT DELETE", "/os-keypairs", everywhere.write, note=EVERYWHERE_NOTE
         + "; a generated key pair is imported into the other regions"),
    rule("POST PUT DELETE", "/os-keypairs/*", everywhere.write, note=EVERYWHERE_NOTE),
    rule(None, "/os-keypairs", default.forward, note=DEFAULT_NOTE),
    rule(None, "/os-keypairs/*", default.forward, note=DEFAULT_NOTE),
    rule("GET", "/os-tenant-networks", tenant_networks.index,
         note="(before 2.36) central Neutron's networks the caller sees, in Nova's "
         "shape (a region's Neutron lacks those not used there yet)"),
    rule("GET", "/os-tenant-networks/{id}", tenant_networks.show,
         note="(before 2.36) as above, one network"),
    *_admin_rules(),
    rule(None, "/*", default.forward, note="anything else: " + DEFAULT_NOTE),
)

# Top-level names Nova serves without a project id in front (besides os-*).
KNOWN_NAMES = frozenset({"servers", "flavors", "images", "limits", "extensions"})

SERVICE = Service(
    name="compute", service_type="compute", version="v2.1", rules=RULES,
    unavailable_key="computeFault", microversion_name="compute",
    legacy_microversion_header="X-OpenStack-Nova-API-Version",
    show_paths={"server": "/servers/{id}",
                "server_group": "/os-server-groups/{id}",
                "hypervisor": "/os-hypervisors/{id}", "aggregate": "/os-aggregates/{id}"},
    known_names=KNOWN_NAMES,
    # Nova's root document lists v2.0 (its legacy API) first, with a link clients
    # follow; only that document is answered, the API is v2.1's.
    other_versions=frozenset({"v2"}))
