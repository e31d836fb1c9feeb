"""Two tenants: B (bob of project 'other') uses everything it can learn of A's
(alice of project 'demo'): A's ids in every path, as a marker, as the parent of
a create, A's project in quota, limit, usage, routing and job requests.

B must never get a 200 that shows A's data, no body may carry an id or a name
of A's it did not type itself, no routing may be made for A's ids on B's
behalf, and nothing of A's may change. The fake regions check tenancy as Nova
and Cinder do for what they serve (tests/unit/gateway/fakes.py).
"""

import json

import pytest
import webob

from tests.adversarial.conftest import expect_no_leak, expect_refused
from tricircle.gateway import app as gateway_app

A_PROJECT, B_PROJECT = "demo", "other"
COMPUTE, VOLUME_A, VOLUME_B = "/compute/v2.1", f"/volume/v3/{A_PROJECT}", f"/volume/v3/{B_PROJECT}"


@pytest.fixture
def tenant_a(gw, fakes):
    """A's resources, by kind: made through the gateway (routed) and directly in
    RegionTwo behind its back (not yet adopted). Names are secrets B must not see."""
    alice = gw.as_user("alice", A_PROJECT)
    made: dict[str, list[str]] = {"server": [], "volume": [], "snapshot": [], "backup": []}
    made["server"].append(alice.post(f"{COMPUTE}/servers", {"server": {
        "name": "a-secret-server", "flavorRef": "1", "imageRef": "i",
        "availability_zone": "az1"}}).json["server"]["id"])
    volume = alice.post(f"{VOLUME_A}/volumes", {"volume": {
        "name": "a-secret-volume", "size": 1, "availability_zone": "az1"}}).json["volume"]
    made["volume"].append(volume["id"])
    made["snapshot"].append(alice.post(f"{VOLUME_A}/snapshots", {"snapshot": {
        "name": "a-secret-snapshot", "volume_id": volume["id"]}}).json["snapshot"]["id"])
    made["backup"].append(alice.post(f"{VOLUME_A}/backups", {"backup": {
        "name": "a-secret-backup", "volume_id": volume["id"]}}).json["backup"]["id"])
    two_nova, two_cinder = fakes[("compute", "RegionTwo")], fakes[("volume", "RegionTwo")]
    made["server"].append(two_nova.add("servers", A_PROJECT, name="a-secret-direct")["id"])
    for collection in ("volumes", "snapshots", "backups"):
        item = two_cinder.add(collection, A_PROJECT, name=f"a-secret-direct-{collection}")
        made[collection[:-1]].append(item["id"])
    return made


def _secrets(made: dict, typed: str = "") -> list[str]:
    """What no answer to B may hold: A's ids (but the one B typed) and names."""
    ids = [i for ids in made.values() for i in ids if i != typed]
    return ids + ["a-secret-"]


def _routings(gw) -> list[dict]:
    return gw.get("/v1.0/routings").json["routings"]


def _assert_no_routing_for_a_by_b(gw, made: dict, before: list[dict]) -> None:
    a_ids = {i for ids in made.values() for i in ids}
    after = _routings(gw)
    new = [r for r in after if r not in before]
    assert not [r for r in new if r["top_id"] in a_ids], "B's probes routed A's ids"
    assert all(r["project_id"] == A_PROJECT for r in after if r["top_id"] in a_ids)


def _probe(resp, made, what, typed=""):
    expect_refused(resp, what)
    expect_no_leak(resp.text, _secrets(made, typed), what)


# (collection, service prefix for A and B, kind of the fake)
BY_ID = {"server": ("servers", COMPUTE, COMPUTE),
         "volume": ("volumes", VOLUME_A, VOLUME_B),
         "snapshot": ("snapshots", VOLUME_A, VOLUME_B),
         "backup": ("backups", VOLUME_A, VOLUME_B)}
ACTIONS = {"server": {"reboot": {"type": "HARD"}}, "volume": {"os-extend": {"new_size": 9}},
           "snapshot": {"os-reset_status": {"status": "error"}},
           "backup": {"os-force_delete": {}}}


def test_b_reaches_none_of_a_s_resources_by_id(gw, fakes, tenant_a):
    bob = gw.as_user("bob", B_PROJECT)
    before = _routings(gw)
    for kind, ids in tenant_a.items():
        collection, _, prefix = BY_ID[kind]
        for resource_id in ids:
            base = f"{prefix}/{collection}/{resource_id}"
            for method, path, body in (
                    ("GET", base, None), ("PUT", base, {kind: {"name": "b-was-here"}}),
                    ("DELETE", base, None), ("POST", f"{base}/action", ACTIONS[kind]),
                    ("GET", f"{base}/metadata", None),
                    ("GET", f"{base}/os-volume_attachments", None),
                    ("POST", f"{base}/restore", {"restore": {}})):
                resp = bob.request(method, path, body)
                _probe(resp, tenant_a, f"B {method} {path}", typed=resource_id)
    _assert_no_routing_for_a_by_b(gw, tenant_a, before)
    # Nothing of A's changed: every resource is still there, untouched by B.
    for fake in fakes.values():
        for items in fake.items.values():
            for item in items.values():
                assert item["name"] != "b-was-here" and "actions" not in item


def test_a_s_ids_as_markers_show_b_nothing(gw, fakes, tenant_a):
    bob = gw.as_user("bob", B_PROJECT)
    bob.post(f"{COMPUTE}/servers", {"server": {"name": "b-own", "flavorRef": "1"}})
    before = _routings(gw)
    for kind, ids in tenant_a.items():
        collection, _, prefix = BY_ID[kind]
        for resource_id in ids:
            for listing in (collection, f"{collection}/detail"):
                path = f"{prefix}/{listing}?marker={resource_id}&limit=5"
                _probe(bob.get(path), tenant_a, f"B lists {path}", typed=resource_id)
    _assert_no_routing_for_a_by_b(gw, tenant_a, before)
    # B's own lists hold none of A's.
    for kind in tenant_a:
        collection, _, prefix = BY_ID[kind]
        resp = bob.get(f"{prefix}/{collection}/detail")
        assert resp.status_int == 200
        expect_no_leak(resp.text, _secrets(tenant_a), f"B's own {collection}")


def test_a_s_ids_as_parents_of_b_s_creates(gw, fakes, tenant_a):
    bob = gw.as_user("bob", B_PROJECT)
    before = _routings(gw)
    for snapshot in tenant_a["snapshot"]:
        _probe(bob.post(f"{VOLUME_B}/volumes", {"volume": {
            "name": "b", "size": 1, "snapshot_id": snapshot}}), tenant_a,
            "B's volume from A's snapshot", typed=snapshot)
    for volume_id in tenant_a["volume"]:
        for path, body in (
                ("volumes", {"volume": {"name": "b", "size": 1, "source_volid": volume_id}}),
                ("snapshots", {"snapshot": {"name": "b", "volume_id": volume_id}}),
                ("backups", {"backup": {"name": "b", "volume_id": volume_id}})):
            _probe(bob.post(f"{VOLUME_B}/{path}", body), tenant_a,
                   f"B's {path} of A's volume", typed=volume_id)
    for backup in tenant_a["backup"]:
        _probe(bob.post(f"{VOLUME_B}/volumes", {"volume": {
            "name": "b", "size": 1, "backup_id": backup}}), tenant_a,
            "B's volume from A's backup", typed=backup)
    for volume_id in tenant_a["volume"]:
        # The gateway cannot place by a volume B may not see; Nova judges the rest.
        resp = bob.post(f"{COMPUTE}/servers", {"server": {
            "name": "b", "flavorRef": "1", "block_device_mapping_v2": [
                {"uuid": volume_id, "source_type": "volume", "boot_index": 0}]}})
        assert resp.status_int < 500
        expect_no_leak(resp.text, _secrets(tenant_a), "B's server booting A's volume")
    _assert_no_routing_for_a_by_b(gw, tenant_a, before)


@pytest.mark.parametrize("central_quota", [False, True], ids=["region quota",
                                                              "central quota"])
def test_a_s_quota_and_limits_are_not_b_s_to_read(gw, fakes, tenant_a, central_quota,
                                                  request):
    if central_quota:
        request.getfixturevalue("keystone")
    bob = gw.as_user("bob", B_PROJECT)
    for path in (f"{COMPUTE}/os-quota-sets/{A_PROJECT}",
                 f"{COMPUTE}/os-quota-sets/{A_PROJECT}/detail",
                 f"{COMPUTE}/os-quota-sets/{A_PROJECT}?usage=true",
                 f"{VOLUME_B}/os-quota-sets/{A_PROJECT}",
                 f"{VOLUME_B}/os-quota-sets/{A_PROJECT}?usage=true"):
        _probe(bob.get(path), tenant_a, f"B reads {path}")
    # /limits names another project only for an admin: B gets a refusal or its own.
    for prefix, query in ((COMPUTE, "tenant_id"), (VOLUME_B, "project_id")):
        own = bob.get(f"{prefix}/limits").json
        resp = bob.get(f"{prefix}/limits?{query}={A_PROJECT}",
                       headers={"OpenStack-API-Version": "volume 3.39"})
        if resp.status_int == 200:
            assert resp.json == own, f"B's {prefix}/limits?{query}=A shows A's"
        else:
            expect_refused(resp, f"B {prefix}/limits?{query}=A")


def test_a_s_usages_routings_and_jobs_are_not_b_s(gw, pods, tenant_a):
    job = gw.post("/v1.0/jobs", {"job": {"type": "port_delete", "project_id": A_PROJECT,
                                         "resource": {"pod_id": pods["RegionOne"]["pod_id"],
                                                      "port_id": "a-secret-port"}}})
    assert job.status_int == 202
    job_id = job.json["job"]["id"]
    routing_id = _routings(gw)[0]["id"]
    bob = gw.as_user("bob", B_PROJECT)
    for method, path, body in (
            ("GET", f"/v1.0/usages/{A_PROJECT}", None),
            ("GET", f"/v1.0/routings?project_id={A_PROJECT}", None),
            ("GET", f"/v1.0/routings/{routing_id}", None),
            ("PUT", f"/v1.0/routings/{routing_id}", {"routing": {"project_id": B_PROJECT}}),
            ("DELETE", f"/v1.0/routings/{routing_id}", None),
            ("GET", f"/v1.0/jobs?project_id={A_PROJECT}", None),
            ("GET", f"/v1.0/jobs/{job_id}", None),
            ("PUT", f"/v1.0/jobs/{job_id}", None),
            ("DELETE", f"/v1.0/jobs/{job_id}", None)):
        resp = bob.request(method, path, body)
        _probe(resp, tenant_a, f"B {method} {path}")
        # A refusal may repeat the id B typed; nothing else of A's.
        secrets = [s for s in ("a-secret-port", job_id) if s not in path]
        expect_no_leak(resp.text, secrets, f"B {method} {path}")
    # B's own lists hold nothing of A's.
    for path in ("/v1.0/routings", "/v1.0/jobs"):
        resp = bob.get(path)
        assert resp.status_int == 200
        expect_no_leak(resp.text, _secrets(tenant_a) + ["a-secret-port"], f"B {path}")
    assert gw.get(f"/v1.0/jobs/{job_id}").status_int == 200  # still A's
    assert gw.get(f"/v1.0/routings/{routing_id}").json["routing"]["project_id"] == A_PROJECT


def _project_less(user: str, roles: str, token: str, **scope: str) -> dict:
    """The environ keystonemiddleware builds for a system- or domain-scoped token."""
    environ = {"HTTP_X_AUTH_TOKEN": token, "HTTP_X_USER_ID": user, "HTTP_X_ROLES": roles,
               "HTTP_X_IDENTITY_STATUS": "Confirmed"}
    environ.update({f"HTTP_{k.upper()}": v for k, v in scope.items()})
    return environ


@pytest.mark.parametrize("scope", [{"openstack_system_scope": "all"},
                                   {"x_domain_id": "default"}], ids=["system", "domain"])
def test_a_token_without_a_project_sees_no_project_s_resources(gw, fakes, tenant_a, scope):
    gateway = gateway_app.GatewayApp()
    for path in (f"{COMPUTE}/servers/{tenant_a['server'][0]}",
                 f"{COMPUTE}/servers/{tenant_a['server'][1]}", f"{COMPUTE}/servers/detail",
                 f"{VOLUME_A}/volumes/{tenant_a['volume'][0]}"):
        for fake in fakes.values():
            fake.requests.clear()
        req = webob.Request.blank(path)
        req.environ.update(_project_less("reader", "reader", "reader:", **scope))
        resp = req.get_response(gateway)
        _probe(resp, tenant_a, f"project-less reader {path}")
        assert resp.status_int == 403
        # Not even an existence oracle: no region was asked.
        assert not [r for fake in fakes.values() for r in fake.requests]


def test_an_admin_without_a_project_still_sees_every_project(gw, fakes, tenant_a):
    gateway = gateway_app.GatewayApp()
    req = webob.Request.blank(f"{COMPUTE}/servers/{tenant_a['server'][0]}")
    req.environ.update(_project_less("admin", "admin,member,reader", "admin:admin",
                                     openstack_system_scope="all"))
    resp = req.get_response(gateway)
    assert resp.status_int == 200
    assert json.loads(resp.body)["server"]["name"] == "a-secret-server"
