"""The compute and volume gateway against fake Nova and Cinder regions on 127.0.0.1.

Each fake region is a real HTTP server in a thread (tests/unit/gateway/fakes.py),
so forwarding, keep-alive, time-outs and refused connections are real.
"""

import time
import uuid

import pytest

from tests.unit.gateway.fakes import FakeRegion, stop_all
from tricircle.common import config
from tricircle.gateway import lists, proxy, regions, store

GW = "http://localhost/compute"


@pytest.fixture
def fakes():
    """Nova and Cinder of RegionOne (az1) and RegionTwo (az2)."""
    made = {("compute", "RegionOne"): FakeRegion("RegionOne", "compute", "2.96", "az1"),
            ("compute", "RegionTwo"): FakeRegion("RegionTwo", "compute", "2.90", "az2"),
            ("volume", "RegionOne"): FakeRegion("RegionOne", "volume", "3.70", "az1"),
            ("volume", "RegionTwo"): FakeRegion("RegionTwo", "volume", "3.66", "az2")}
    yield made
    stop_all(made)


@pytest.fixture
def gw(api, pods, fakes):
    """The app with both regions' endpoints given through the test seam."""
    conf = config.CONF
    conf.set_override("connect_timeout", 0.5, "gateway")
    conf.set_override("list_timeout", 1.0, "gateway")
    conf.set_override("read_timeout", 2.0, "gateway")
    conf.set_override("default_region", "RegionOne", "gateway")
    for (service, region), fake in fakes.items():
        regions.set_endpoint(region, "compute" if service == "compute" else "volumev3",
                             fake.url)
    proxy.BREAKER.reset()
    store.clear_cache()  # each test starts from its own database
    yield api
    regions.TABLE.invalidate()
    proxy.BREAKER.reset()


def nova(fakes, region):
    return fakes[("compute", region)]


def cinder(fakes, region):
    return fakes[("volume", region)]


def boot(client, name="vm", az=None, **extra):
    server = {"name": name, "flavorRef": "1", "imageRef": "img", **extra}
    if az:
        server["availability_zone"] = az
    return client.post("/compute/v2.1/servers", {"server": server})


def routings(api, resource_type):
    resp = api.get(f"/v1.0/routings?resource_type={resource_type}")
    return {r["top_id"]: r for r in resp.json["routings"]}


# -- create, routing by id -----------------------------------------------------

def test_create_in_az1_lands_in_region_one_and_is_routed(gw, pods, fakes):
    alice = gw.as_user("alice", "demo")
    resp = boot(alice, az="az1", key_name="k", user_data="c2VjcmV0")
    assert resp.status_int == 202, resp.text
    server_id = resp.json["server"]["id"]
    assert server_id in nova(fakes, "RegionOne").items["servers"]
    assert not nova(fakes, "RegionTwo").items["servers"]
    # Fields the gateway knows nothing about reach the region untouched.
    stored = nova(fakes, "RegionOne").items["servers"][server_id]
    assert stored["key_name"] == "k" and stored["user_data"] == "c2VjcmV0"
    assert stored["availability_zone"] == "az1"  # rewritten to pod_az_name
    routing = routings(gw, "server")[server_id]
    assert routing["pod_id"] == pods["RegionOne"]["pod_id"]
    assert routing["project_id"] == "demo"
    assert resp.headers["Location"] == f"{GW}/v2.1/servers/{server_id}"
    assert resp.json["server"]["links"][0]["href"].startswith(GW + "/")
    # The project is now bound to RegionOne in az1.
    bindings = gw.get("/v1.0/bindings?tenant_id=demo").json["bindings"]
    assert [(b["pod_id"], b["is_binding"]) for b in bindings] == [
        (pods["RegionOne"]["pod_id"], True)]


def test_az_may_name_a_region_and_no_az_uses_binding_or_default(gw, fakes):
    alice = gw.as_user("alice", "demo")
    first = boot(alice, az="RegionTwo").json["server"]["id"]
    assert first in nova(fakes, "RegionTwo").items["servers"]
    second = boot(alice).json["server"]["id"]  # no binding yet → default region
    assert second in nova(fakes, "RegionOne").items["servers"]
    boot(alice, az="az2")  # binds demo to RegionTwo
    third = boot(alice).json["server"]["id"]
    assert third in nova(fakes, "RegionTwo").items["servers"]
    bad = boot(alice, az="nowhere")
    assert bad.status_int == 400 and "nowhere" in bad.json["badRequest"]["message"]


def test_show_action_delete_reach_the_right_region(gw, fakes):
    alice = gw.as_user("alice", "demo")
    server_id = boot(alice, az="az2").json["server"]["id"]
    two = nova(fakes, "RegionTwo")
    two.requests.clear()
    shown = alice.get(f"/compute/v2.1/servers/{server_id}",
                      headers={"OpenStack-API-Version": "compute 2.79",
                               "X-OpenStack-Nova-API-Version": "2.79"})
    assert shown.status_int == 200
    assert shown.json["server"]["links"][0]["href"] == f"{GW}/v2.1/servers/{server_id}"
    sent = two.requests[-1]["headers"]
    assert sent["x-auth-token"] == "alice:demo"
    assert sent["openstack-api-version"] == "compute 2.79"
    assert sent["x-openstack-nova-api-version"] == "2.79"
    assert "x-roles" not in sent and "x-project-id" not in sent

    action = alice.post(f"/compute/v2.1/servers/{server_id}/action", {"reboot": {
        "type": "SOFT"}})
    assert action.status_int == 202
    assert two.items["servers"][server_id]["actions"] == [{"reboot": {"type": "SOFT"}}]
    attachments = alice.get(f"/compute/v2.1/demo/servers/{server_id}/os-volume_attachments")
    assert attachments.status_int == 200 and attachments.json == {"volumeAttachments": []}
    assert alice.delete(f"/compute/v2.1/servers/{server_id}").status_int == 204
    assert server_id not in two.items["servers"]
    assert not nova(fakes, "RegionOne").requests[1:]  # only the version-less create...
    gone = alice.get(f"/compute/v2.1/servers/{server_id}")
    assert gone.status_int == 404 and "itemNotFound" in gone.json
    assert server_id not in routings(gw, "server")


def test_routed_calls_reuse_one_keep_alive_connection(gw, fakes):
    alice = gw.as_user("alice", "demo")
    server_id = boot(alice, az="az1").json["server"]["id"]
    one = nova(fakes, "RegionOne")
    one.requests.clear()
    for _ in range(5):
        assert alice.get(f"/compute/v2.1/servers/{server_id}").status_int == 200
    assert len({r["client_port"] for r in one.requests}) == 1


def test_server_created_directly_in_a_region_is_adopted(gw, pods, fakes):
    direct = nova(fakes, "RegionTwo").add("servers", "demo", name="direct")
    alice = gw.as_user("alice", "demo")
    resp = alice.get(f"/compute/v2.1/servers/{direct['id']}")
    assert resp.status_int == 200 and resp.json["server"]["name"] == "direct"
    routing = routings(gw, "server")[direct["id"]]
    assert routing["pod_id"] == pods["RegionTwo"]["pod_id"]
    assert routing["project_id"] == "demo"


def test_other_project_can_neither_see_nor_adopt(gw, fakes):
    alice = gw.as_user("alice", "demo")
    server_id = boot(alice, az="az1").json["server"]["id"]
    direct = nova(fakes, "RegionTwo").add("servers", "demo")
    bob = gw.as_user("bob", "other")
    for target in (server_id, direct["id"]):
        resp = bob.get(f"/compute/v2.1/servers/{target}")
        assert resp.status_int == 404 and resp.json["itemNotFound"]["code"] == 404
    assert direct["id"] not in routings(gw, "server")
    assert bob.get("/compute/v2.1/servers").json["servers"] == []


def test_unknown_id_is_404_in_nova_format(gw):
    # Not an id a region could hold: the gateway's own 404, worded as Nova's.
    resp = gw.as_user("alice", "demo").get("/compute/v2.1/servers/nope")
    assert resp.status_int == 404
    assert resp.json == {"itemNotFound": {"code": 404,
                                          "message": "Instance nope could not be found."}}


def test_an_id_no_region_holds_gets_the_regions_own_404(gw):
    unknown = str(uuid.uuid4())
    alice = gw.as_user("alice", "demo")
    resp = alice.get(f"/compute/v2.1/servers/{unknown}")
    assert resp.status_int == 404
    assert resp.json["itemNotFound"]["message"] == f"Instance {unknown} could not be found."
    resp = alice.delete(f"/compute/v2.1/os-server-groups/{unknown}")
    assert resp.status_int == 404
    assert resp.json["itemNotFound"]["message"] == (
        f"Instance group {unknown} could not be found.")


def test_project_in_url_must_be_the_tokens(gw):
    resp = gw.as_user("alice", "demo").get("/compute/v2.1/other/servers")
    assert resp.status_int == 403 and "forbidden" in resp.json
    resp = gw.as_user("alice", "demo").get("/volume/v3/other/volumes")
    assert resp.status_int == 403
    assert gw.get("/volume/v3/other/volumes").status_int == 200  # admin may


def test_malformed_body_is_400_and_region_errors_pass_through(gw, fakes):
    alice = gw.as_user("alice", "demo")
    resp = alice.post("/compute/v2.1/servers", raw=b"{not json")
    assert resp.status_int == 400 and resp.json["badRequest"]["code"] == 400
    resp = alice.post("/compute/v2.1/servers", {"server": {"flavorRef": "1"}})
    assert resp.status_int == 400
    assert resp.json["badRequest"]["message"] == "Invalid input for field/attribute server."
    resp = alice.post("/compute/v2.1/servers", {"nothing": {}})
    assert resp.status_int == 400  # forwarded to the default region, its own answer


# -- lists -----------------------------------------------------------------------

def _boot_many(client, fakes):
    ids = {"RegionOne": [], "RegionTwo": []}
    for i in range(3):
        ids["RegionOne"].append(boot(client, f"a{i}", az="RegionOne").json["server"]["id"])
        ids["RegionTwo"].append(boot(client, f"b{i}", az="RegionTwo").json["server"]["id"])
    for region in ids:  # each region's own order
        stored = nova(fakes, region).items["servers"]
        ids[region].sort(key=lambda i, s=stored: (s[i]["created"], i))
    return ids["RegionOne"] + ids["RegionTwo"]


def test_list_merges_regions_with_limit_and_marker_across_the_boundary(gw, fakes):
    alice = gw.as_user("alice", "demo")
    expected = _boot_many(alice, fakes)
    whole = alice.get("/compute/v2.1/servers")  # (detail is newest first: see lists.py)
    assert [s["id"] for s in whole.json["servers"]] == expected
    assert lists.PARTIAL_HEADER not in whole.headers
    seen, path = [], "/compute/v2.1/servers?limit=4"
    while path:
        page = alice.get(path).json
        seen += [s["id"] for s in page["servers"]]
        links = page.get("servers_links")
        path = links[0]["href"].removeprefix("http://localhost") if links else None
        if links:
            assert links[0]["href"].startswith(f"{GW}/v2.1/servers?")
    assert seen == expected
    page = alice.get(f"/compute/v2.1/servers?limit=2&marker={expected[2]}").json
    assert [s["id"] for s in page["servers"]] == expected[3:5]
    for server in whole.json["servers"]:
        assert all(link["href"].startswith(GW + "/") for link in server["links"])


def test_list_sorted_by_name_merges_by_key(gw, fakes):
    alice = gw.as_user("alice", "demo")
    _boot_many(alice, fakes)
    page = alice.get("/compute/v2.1/servers/detail?sort_key=display_name&sort_dir=asc"
                     "&limit=4").json
    assert [s["name"] for s in page["servers"]] == ["a0", "a1", "a2", "b0"]
    marker = page["servers"][-1]["id"]
    rest = alice.get("/compute/v2.1/servers/detail?sort_key=display_name&sort_dir=asc"
                     f"&limit=4&marker={marker}").json
    assert [s["name"] for s in rest["servers"]] == ["b1", "b2"]


def test_unknown_marker_is_400(gw):
    resp = gw.as_user("alice", "demo").get("/compute/v2.1/servers?marker=nope")
    assert resp.status_int == 400 and "nope" in resp.json["badRequest"]["message"]


def test_volumes_snapshots_backups(gw, pods, fakes):
    alice = gw.as_user("alice", "demo")
    made = alice.post("/volume/v3/demo/volumes",
                      {"volume": {"name": "v", "size": 1, "availability_zone": "az2"}})
    assert made.status_int == 202, made.text
    volume_id = made.json["volume"]["id"]
    assert volume_id in cinder(fakes, "RegionTwo").items["volumes"]
    assert made.json["volume"]["links"][0]["href"].startswith("http://localhost/volume/v3/")
    snap = alice.post("/volume/v3/demo/snapshots",
                      {"snapshot": {"name": "s", "volume_id": volume_id}})
    assert snap.status_int == 202
    assert snap.json["snapshot"]["id"] in cinder(fakes, "RegionTwo").items["snapshots"]
    backup = alice.post("/volume/v3/demo/backups",
                        {"backup": {"name": "b", "volume_id": volume_id}})
    assert backup.json["backup"]["id"] in cinder(fakes, "RegionTwo").items["backups"]
    clone = alice.post("/volume/v3/demo/volumes",
                       {"volume": {"name": "c", "size": 1,
                                   "snapshot_id": snap.json["snapshot"]["id"]}})
    assert clone.json["volume"]["id"] in cinder(fakes, "RegionTwo").items["volumes"]
    cinder(fakes, "RegionOne").add("volumes", "demo", name="one")
    listed = alice.get("/volume/v3/demo/volumes/detail").json["volumes"]
    assert sorted(v["name"] for v in listed) == ["c", "one", "v"]
    shown = alice.get(f"/volume/v3/demo/volumes/{volume_id}")
    assert shown.json["volume"]["id"] == volume_id
    assert alice.get("/volume/v3/demo/snapshots").json["snapshots"][0]["name"] == "s"
    missing = alice.get("/volume/v3/demo/volumes/nope")
    assert missing.status_int == 404 and "itemNotFound" in missing.json
    assert volume_id in routings(gw, "volume")


def test_attaching_volumes_of_two_regions_is_409(gw, fakes):
    alice = gw.as_user("alice", "demo")
    one = alice.post("/volume/v3/demo/volumes", {"volume": {
        "name": "v1", "size": 1, "availability_zone": "az1"}}).json["volume"]["id"]
    bdm = [{"source_type": "volume", "uuid": one, "boot_index": 0}]
    resp = boot(alice, az="az2", block_device_mapping_v2=bdm)
    assert resp.status_int == 409 and "RegionOne" in resp.json["conflictingRequest"]["message"]
    resp = boot(alice, block_device_mapping_v2=bdm)
    assert resp.json["server"]["id"] in nova(fakes, "RegionOne").items["servers"]


# -- global resources and versions -------------------------------------------

def test_versions_advertise_the_lowest_max_and_gateway_links(gw):
    resp = gw.get("/compute/")
    version = resp.json["versions"][0]
    assert version["version"] == "2.90"
    assert version["links"][0]["href"] == f"{GW}/v2.1/"
    anonymous = gw.as_user("", "")
    anonymous.token = ""
    assert anonymous.get("/compute/v2.1").json["version"]["version"] == "2.90"
    assert anonymous.get("/volume/").json["versions"][0]["version"] == "3.66"
    # Nova's legacy v2.0 document, whose link its root document gives: ours.
    legacy = gw.get("/compute/v2/")
    assert legacy.status_int == 200, legacy.text
    assert legacy.json["version"]["links"][0]["href"] == f"{GW}/v2/"
    assert gw.get("/compute/v2/servers").status_int == 404  # the API is v2.1's only
    # Cinder's own /v3/ wants a token: answered from the root, narrowed alike.
    assert gw.get("/volume/v3/").json["versions"][0]["version"] == "3.66"


def test_availability_zones_and_default_region_resources(gw):
    alice = gw.as_user("alice", "demo")
    zones = alice.get("/compute/v2.1/os-availability-zone").json["availabilityZoneInfo"]
    assert [z["zoneName"] for z in zones] == ["az1", "az2"]
    volume_zones = alice.get("/volume/v3/demo/os-availability-zone").json
    assert [z["zoneName"] for z in volume_zones["availabilityZoneInfo"]] == ["az1", "az2"]
    flavors = alice.get("/compute/v2.1/flavors").json["flavors"]
    assert flavors == [{"id": "1", "name": "m1.RegionOne"}]


# -- a region that is down ----------------------------------------------------

def test_down_region_fails_fast_with_503_and_lists_are_partial(gw, fakes):
    alice = gw.as_user("alice", "demo")
    ids = _boot_many(alice, fakes)
    nova(fakes, "RegionTwo").stop()
    started = time.monotonic()
    resp = alice.get(f"/compute/v2.1/servers/{ids[-1]}")
    assert resp.status_int == 503
    assert resp.json == {"computeFault": {"code": 503,
                                          "message": "region RegionTwo is unreachable"}}
    listed = alice.get("/compute/v2.1/servers")
    assert listed.status_int == 200
    assert listed.headers[lists.PARTIAL_HEADER] == "RegionTwo"
    assert [s["id"] for s in listed.json["servers"]] == ids[:3]
    down_cell = alice.get("/compute/v2.1/servers/detail",
                          headers={"OpenStack-API-Version": "compute 2.69"})
    unknown = [s for s in down_cell.json["servers"] if s["status"] == "UNKNOWN"]
    assert sorted(s["id"] for s in unknown) == sorted(ids[3:])
    assert unknown[0]["tenant_id"] == "demo"
    assert unknown[0]["links"][0]["href"].startswith(f"{GW}/v2.1/servers/")
    # The breaker is open now: no connection attempt at all.
    for _ in range(5):
        assert alice.get(f"/compute/v2.1/servers/{ids[-1]}").status_int == 503
    assert time.monotonic() - started < 5


def test_hanging_region_times_out(gw, fakes):
    config.CONF.set_override("read_timeout", 0.3, "gateway")
    config.CONF.set_override("list_timeout", 0.3, "gateway")
    alice = gw.as_user("alice", "demo")
    volume = alice.post("/volume/v3/demo/volumes", {"volume": {
        "name": "v", "size": 1, "availability_zone": "az2"}}).json["volume"]["id"]
    cinder(fakes, "RegionTwo").hang.set()
    started = time.monotonic()
    resp = alice.get(f"/volume/v3/demo/volumes/{volume}")
    assert resp.status_int == 503
    assert resp.json["serviceUnavailable"]["message"] == "region RegionTwo is unreachable"
    listed = alice.get("/volume/v3/demo/volumes")
    assert listed.status_int == 200 and listed.headers[lists.PARTIAL_HEADER] == "RegionTwo"
    assert time.monotonic() - started < 3


def test_create_in_a_down_region_is_503(gw, fakes):
    nova(fakes, "RegionTwo").stop()
    resp = boot(gw.as_user("alice", "demo"), az="az2")
    assert resp.status_int == 503 and "RegionTwo" in resp.json["computeFault"]["message"]


def test_tokens_and_secrets_never_reach_the_log(gw, fakes, caplog):
    caplog.set_level("DEBUG")
    alice = gw.as_user("alice", "s3cr3t-project")
    resp = boot(alice, az="az1", user_data="dXNlcmRhdGEtc2VjcmV0", adminPass="pw-secret")
    assert resp.json["server"]["adminPass"] == "secret-pass"
    alice.get(f"/compute/v2.1/servers/{resp.json['server']['id']}")
    nova(fakes, "RegionTwo").stop()
    alice.get("/compute/v2.1/servers/unknown")
    alice.get("/compute/v2.1/servers/detail?name=x")
    for secret in ("alice:s3cr3t-project", "dXNlcmRhdGEtc2VjcmV0", "pw-secret", "secret-pass"):
        assert secret not in caplog.text


def test_regions_log_the_callers_global_request_id(gw, fakes):
    alice = gw.as_user("alice", "demo")
    caller_id = f"req-{uuid.uuid4()}"
    alice.get("/compute/v2.1/servers/detail", headers={
        "X-OpenStack-Request-ID": caller_id, "User-Agent": "openstacksdk/4.1"})
    for region in ("RegionOne", "RegionTwo"):
        sent = nova(fakes, region).requests[-1]["headers"]
        assert sent["x-openstack-request-id"] == caller_id
        assert sent["user-agent"] == "openstacksdk/4.1"  # the caller's, not ours
    alice.get("/compute/v2.1/servers/detail")  # no id of the caller's: ours, once
    ours = {nova(fakes, r).requests[-1]["headers"]["x-openstack-request-id"]
            for r in ("RegionOne", "RegionTwo")}
    assert len(ours) == 1 and ours.pop().startswith("req-")


def test_debug_log_shows_calls_with_the_token_masked(gw, fakes, caplog):
    caplog.set_level("DEBUG")
    gw.as_user("alice", "s3cr3t-project").get("/compute/v2.1/servers/detail")
    calls = [r.getMessage() for r in caplog.records
             if r.name.startswith("keystoneauth") and "/servers/detail" in r.getMessage()]
    assert calls and all("{SHA256}" in message for message in calls)
    assert "alice:s3cr3t-project" not in caplog.text


def test_endpoints_come_from_the_catalog_once_and_are_cached(api, pods, monkeypatch):
    asked = []

    def endpoint_for(session, region, service_type):
        asked.append((region, service_type))
        if service_type == "compute":
            return f"http://{region.lower()}:8774/v2.1"
        if service_type == "block-storage":
            return f"http://{region.lower()}/volume/v3/service-project"
        return None

    monkeypatch.setattr(regions.client, "is_configured", lambda: True)
    monkeypatch.setattr(regions.client, "get_session", object)
    monkeypatch.setattr(regions.client, "endpoint_for", endpoint_for)
    table = regions.RegionTable()
    found = {r.region_name: r.endpoints for r in table.regions()}
    assert found == {
        "RegionOne": {"compute": "http://regionone:8774", "volumev3": "http://regionone/volume"},
        "RegionTwo": {"compute": "http://regiontwo:8774", "volumev3": "http://regiontwo/volume"}}
    assert len(asked) == 6  # compute, volumev3, block-storage per region
    table.invalidate()
    assert {r.region_name: r.endpoints for r in table.regions()} == found
    assert len(asked) == 6  # the second time from cached_endpoints


def test_sorted_pages_interleave_regions_without_loss_or_repeat(gw, fakes):
    alice = gw.as_user("alice", "demo")
    for i, name in enumerate("acegikmo"):
        boot(alice, name, az="RegionOne" if i % 3 else "RegionTwo")
    for name in "bdfh":
        boot(alice, name, az="RegionTwo")
    seen, marker = [], None
    for _ in range(10):
        query = "sort_key=display_name&sort_dir=desc&limit=3"
        page = alice.get(f"/compute/v2.1/servers/detail?{query}"
                         + (f"&marker={marker}" if marker else "")).json
        seen += [s["name"] for s in page["servers"]]
        if "servers_links" not in page:
            break
        marker = page["servers"][-1]["id"]
    assert seen == sorted("acegikmobdfh", reverse=True)


# -- the routing cache follows the admin API ---------------------------------------

def _move(fakes, server_id, source, target):
    """The server now lives in ``target`` (as after a migration an operator did)."""
    nova(fakes, target).items["servers"][server_id] = nova(fakes, source).items[
        "servers"].pop(server_id)


def test_routing_cache_follows_an_admin_put_and_delete_at_once(gw, pods, fakes):
    alice = gw.as_user("alice", "demo")
    server_id = boot(alice, az="az1").json["server"]["id"]
    assert alice.get(f"/compute/v2.1/servers/{server_id}").status_int == 200  # cached
    routing_id = routings(gw, "server")[server_id]["id"]

    _move(fakes, server_id, "RegionOne", "RegionTwo")
    moved = gw.put(f"/v1.0/routings/{routing_id}",
                   {"routing": {"pod_id": pods["RegionTwo"]["pod_id"]}})
    assert moved.status_int == 200
    nova(fakes, "RegionOne").requests.clear()
    assert alice.get(f"/compute/v2.1/servers/{server_id}").status_int == 200
    assert not nova(fakes, "RegionOne").requests  # straight to RegionTwo

    _move(fakes, server_id, "RegionTwo", "RegionOne")
    assert gw.delete(f"/v1.0/routings/{routing_id}").status_int == 204
    # Without its routing the server is looked for everywhere and adopted again.
    assert alice.get(f"/compute/v2.1/servers/{server_id}").status_int == 200
    assert routings(gw, "server")[server_id]["pod_id"] == pods["RegionOne"]["pod_id"]


def test_other_processes_follow_within_routing_cache_seconds(gw, pods, fakes):
    from tricircle.objects import routing as routing_obj

    config.CONF.set_override("routing_cache_seconds", 1, "gateway")
    try:
        alice = gw.as_user("alice", "demo")
        server_id = boot(alice, az="az1").json["server"]["id"]
        assert alice.get(f"/compute/v2.1/servers/{server_id}").status_int == 200
        _move(fakes, server_id, "RegionOne", "RegionTwo")
        # Another tricircle-api process's PUT: the database changes, this process's
        # cache is not told.
        routing_id = routings(gw, "server")[server_id]["id"]
        routing_obj.update(routing_id, {"pod_id": pods["RegionTwo"]["pod_id"]})
        time.sleep(1.2)  # past the configured bound
        nova(fakes, "RegionOne").requests.clear()
        assert alice.get(f"/compute/v2.1/servers/{server_id}").status_int == 200
        assert not nova(fakes, "RegionOne").requests
    finally:
        config.CONF.clear_override("routing_cache_seconds", "gateway")
