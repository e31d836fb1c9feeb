"""The rule tables: matching, project ids in paths, the generated documentation."""

import pathlib

import pytest

from tricircle.gateway import (
    admin_views,
    cinder_lists,
    compute,
    create,
    default,
    doc,
    global_names,
    lists,
    quota,
    quota_classes,
    quota_growth,
    routed,
    security_groups,
    tenant_networks,
    volume,
    zones,
)

TOP = pathlib.Path(__file__).parents[3]


def _unwrapped(handler):
    """The handler a rule runs, without quota_lease.serialized's lease around it."""
    return getattr(handler, "__wrapped__", handler)


@pytest.mark.parametrize("method, path, handler, args", [
    ("GET", "/servers", lists.merge, {}),
    ("GET", "/servers/detail", lists.merge, {}),
    ("POST", "/servers", create.placed, {}),
    ("GET", "/servers/abc", routed.by_id, {"id": "abc"}),
    ("DELETE", "/servers/abc", routed.by_id, {"id": "abc"}),
    # Security group actions are made ready for the region first; the others go on to
    # floating_ips.server_action (addFloatingIp / removeFloatingIp), then to
    # quota_growth.server_action (a resize's central quota), then by id.
    ("POST", "/servers/abc/action", security_groups.server_action, {"id": "abc"}),
    ("GET", "/servers/abc/os-volume_attachments/v1", routed.by_id,
     {"id": "abc", "rest": "/os-volume_attachments/v1"}),
    ("GET", "/os-availability-zone/detail", zones.detail, {}),
    ("GET", "/flavors/1", default.forward, {"rest": "/1"}),
    ("PUT", "/os-aggregates/1", admin_views.region_local, {"id": "1"}),
    ("GET", "/limits", quota.limits, {}),
    ("GET", "/os-quota-sets/p1/detail", quota.quota_sets, {"project": "p1"}),
    ("GET", "/os-quota-sets/p1/defaults", quota_classes.quota_defaults, {"project": "p1"}),
    ("GET", "/os-tenant-networks/n1", tenant_networks.show, {"id": "n1"}),
    ("PUT", "/os-services/disable", admin_views.by_host, {}),
])
def test_compute_rules(method, path, handler, args):
    rule, found = compute.SERVICE.find(method, path)
    assert _unwrapped(rule.handler) is handler
    assert {k: v for k, v in found.items() if v is not None} == args


@pytest.mark.parametrize("method, path, handler, resource", [
    ("GET", "/volumes/detail", cinder_lists.merge, "volume"),
    ("POST", "/snapshots", create.placed, "snapshot"),
    ("POST", "/backups", create.placed, "backup"),
    ("POST", "/backups/b1/restore", volume.restore, "backup"),
    # An extend is checked against the central quota first; the other actions by id.
    ("POST", "/volumes/v1/action", quota_growth.volume_action, "volume"),
    ("GET", "/types", global_names.listed, None),
    ("POST", "/groups/action", volume.group_from_source, None),
    ("PUT", "/os-services/freeze", admin_views.by_host, None),
    ("PUT", "/os-services/get-log", admin_views.every_region, None),
    ("GET", "/os-quota-sets/p1/defaults", quota_classes.quota_defaults, None),
])
def test_volume_rules(method, path, handler, resource):
    rule, _ = volume.SERVICE.find(method, path)
    assert _unwrapped(rule.handler) is handler and rule.resource_type == resource


def test_server_actions_pass_on_to_the_resize_check():
    # Each module handling some server actions passes the others to the next rule.
    handlers = [rule.handler.__module__ for rule in compute.SERVICE.rules
                if rule.match("POST", "/servers/abc/action") is not None]
    assert handlers == [f"tricircle.gateway.{name}" for name in (
        "security_groups", "floating_ips", "quota_growth", "routed", "default")]


def test_creates_of_quota_resources_are_checked_against_the_central_quota():
    # Quota resources (quota_resources.RESOURCES) are created as servers, volumes,
    # snapshots; a backup counts against none.
    for service, path in ((compute.SERVICE, "/servers"), (volume.SERVICE, "/volumes"),
                          (volume.SERVICE, "/snapshots")):
        rule, _ = service.find("POST", path)
        assert rule.check is quota.check_create
    rule, _ = volume.SERVICE.find("POST", "/backups")
    assert rule.check is None


def test_volume_creates_follow_their_source():
    rule, _ = volume.SERVICE.find("POST", "/volumes")
    assert ("snapshot_id", "snapshot") in rule.parents
    rule, _ = volume.SERVICE.find("POST", "/backups")
    assert rule.parents == (("volume_id", "volume"),)


@pytest.mark.parametrize("segment, token_project, more, expected", [
    ("demo", "demo", False, True),  # the caller's own project
    ("0123abcd", "demo", True, True),  # someone else's: the 403 check decides
    ("servers", "demo", True, False),
    ("os-hypervisors", "demo", True, False),
    ("flavors", "demo", True, False),
    ("whatever", "demo", False, False),  # a last segment is a resource name
])
def test_project_id_in_compute_paths(segment, token_project, more, expected):
    assert compute.SERVICE.is_project(segment, token_project, more) is expected


def test_every_resource_with_a_by_id_rule_has_a_show_path():
    for service in (compute.SERVICE, volume.SERVICE):
        for rule in service.rules:
            if rule.handler is routed.by_id:
                assert rule.resource_type in service.show_paths


def test_doc_has_the_current_routing_table():
    text = (TOP / "doc/gateway.md").read_text()
    assert doc.routing_table() in text, (
        "doc/gateway.md is stale; paste the output of "
        ".venv/bin/python -m tricircle.gateway.doc into its routing table")
