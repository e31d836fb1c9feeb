"""Cinder's families through the gateway, against fake regions on 127.0.0.1:
summaries and counts summed, transfers, attachments, groups, messages and admin
views across regions, and Cinder's own answers for bad markers."""

import json
import uuid

import pytest

from tests.functional import test_gateway
from tests.functional.test_gateway import cinder, routings
from tests.unit.gateway.fakes import FakeCinder, FakeRegion, stop_all
from tricircle.gateway import store

gw = test_gateway.gw  # the app with both regions' endpoints, on every database
V3 = "/volume/v3/demo"


@pytest.fixture
def fakes():
    """Nova and Cinder of RegionOne (az1) and RegionTwo (az2); Cinder serves every
    family this module tries."""
    made = {("compute", "RegionOne"): FakeRegion("RegionOne", "compute", "2.96", "az1"),
            ("compute", "RegionTwo"): FakeRegion("RegionTwo", "compute", "2.90", "az2"),
            ("volume", "RegionOne"): FakeCinder("RegionOne", "3.70", "az1"),
            ("volume", "RegionTwo"): FakeCinder("RegionTwo", "3.66", "az2")}
    yield made
    stop_all(made)


def make_volume(client, az, size=1, **extra):
    resp = client.post(f"{V3}/volumes", {"volume": {"name": "v", "size": size,
                                                    "availability_zone": az, **extra}})
    assert resp.status_int == 202, resp.text
    return resp.json["volume"]["id"]


def test_summary_adds_every_region_up_and_records_no_routing(gw, fakes):
    alice = gw.as_user("alice", "demo")
    make_volume(alice, "az1", 2, metadata={"tier": "gold"})
    make_volume(alice, "az2", 5, metadata={"tier": "silver"})
    make_volume(alice, "az2", 1)
    resp = alice.get(f"{V3}/volumes/summary",
                     headers={"OpenStack-API-Version": "volume 3.36"})
    assert resp.status_int == 200, resp.text
    summary = resp.json["volume-summary"]
    assert (summary["total_count"], summary["total_size"]) == (3, 8)
    assert sorted(summary["metadata"]["tier"]) == ["gold", "silver"]
    assert "summary" not in routings(gw, "volume")


def test_summary_names_a_down_region_and_keeps_the_others(gw, fakes):
    alice = gw.as_user("alice", "demo")
    make_volume(alice, "az1", 3)
    cinder(fakes, "RegionTwo").stop()
    resp = alice.get(f"{V3}/volumes/summary")
    assert resp.status_int == 200
    assert resp.json["volume-summary"]["total_size"] == 3
    assert resp.headers["X-Tricircle-Partial"] == "RegionTwo"


def test_with_count_is_the_count_of_every_region(gw, fakes):
    alice = gw.as_user("alice", "demo")
    for az in ("az1", "az2", "az2"):
        make_volume(alice, az)
    resp = alice.get(f"{V3}/volumes/detail?with_count=true&limit=1")
    assert resp.status_int == 200, resp.text
    assert resp.json["count"] == 3 and len(resp.json["volumes"]) == 1
    assert "count" not in alice.get(f"{V3}/volumes/detail").json


@pytest.mark.parametrize("collection", ["volumes", "snapshots"])
def test_a_marker_that_names_nothing_is_cinders_404(gw, collection):
    alice = gw.as_user("alice", "demo")
    for marker in (str(uuid.uuid4()), "not-an-id"):
        resp = alice.get(f"{V3}/{collection}/detail?marker={marker}")
        assert resp.status_int == 404, resp.text
        assert "could not be found" in resp.json["itemNotFound"]["message"]


def test_trailing_slash_list_and_version_document(gw, fakes):
    alice = gw.as_user("alice", "demo")
    volume_id = make_volume(alice, "az2")
    listed = alice.get(f"{V3}/volumes/")
    assert listed.status_int == 200
    assert [v["id"] for v in listed.json["volumes"]] == [volume_id]
    # Cinder answers its /v3/ only with a token, with the list of versions (200).
    version = alice.get("/volume/v3/")
    assert version.status_int == 200, version.text
    assert [v["id"] for v in version.json["versions"]] == ["v3"]
    assert version.json["versions"][0]["links"][0]["href"].startswith(
        "http://localhost/volume/v3")


def _transfer(client, volume_id, url="volume-transfers"):
    resp = client.post(f"{V3}/{url}", {"transfer": {"volume_id": volume_id,
                                                    "name": "to-bob"}})
    assert resp.status_int == 202, resp.text
    return resp.json["transfer"]


@pytest.mark.parametrize("url", ["volume-transfers", "os-volume-transfer"])
def test_transfer_is_made_in_the_volumes_region_and_accepted_there(gw, fakes, url):
    alice, bob = gw.as_user("alice", "demo"), gw.as_user("bob", "other")
    volume_id = make_volume(alice, "az2")
    transfer = _transfer(alice, volume_id, url)
    assert transfer["id"] in cinder(fakes, "RegionTwo").items["transfers"]
    assert not cinder(fakes, "RegionOne").items["transfers"]
    listed = alice.get(f"{V3}/{url}/detail").json["transfers"]
    assert [t["id"] for t in listed] == [transfer["id"]]

    wrong = bob.post(f"/volume/v3/other/{url}/{transfer['id']}/accept",
                     {"accept": {"auth_key": "guess"}})
    assert wrong.status_int == 400  # RegionTwo's own answer, passed through
    accepted = bob.post(f"/volume/v3/other/{url}/{transfer['id']}/accept",
                        {"accept": {"auth_key": transfer["auth_key"]}})
    assert accepted.status_int == 202, accepted.text
    assert cinder(fakes, "RegionTwo").items["volumes"][volume_id]["tenant_id"] == "other"
    # Bob's calls are routed to RegionTwo at once, and Alice no longer reaches it.
    shown = bob.get(f"/volume/v3/other/volumes/{volume_id}")
    assert shown.status_int == 200
    assert routings(gw, "volume")[volume_id]["project_id"] == "other"
    assert alice.get(f"{V3}/volumes/{volume_id}").status_int == 404


def test_accepting_an_unknown_or_malformed_transfer_is_404(gw):
    bob = gw.as_user("bob", "other")
    for transfer_id in (str(uuid.uuid4()), "x" * 300):
        resp = bob.post(f"/volume/v3/other/volume-transfers/{transfer_id}/accept",
                        {"accept": {"auth_key": "k"}})
        assert resp.status_int == 404, resp.text


def test_attachment_is_made_in_the_volumes_region_and_routed(gw, fakes):
    alice = gw.as_user("alice", "demo")
    volume_id = make_volume(alice, "az2")
    server = alice.post("/compute/v2.1/servers", {"server": {
        "name": "vm", "flavorRef": "1", "imageRef": "i", "availability_zone": "az2"}})
    made = alice.post(f"{V3}/attachments", {"attachment": {
        "volume_uuid": volume_id, "instance_uuid": server.json["server"]["id"]}})
    assert made.status_int == 202, made.text
    attachment_id = made.json["attachment"]["id"]
    assert attachment_id in cinder(fakes, "RegionTwo").items["attachments"]
    assert alice.get(f"{V3}/attachments/{attachment_id}").status_int == 200
    assert [a["id"] for a in alice.get(f"{V3}/attachments").json["attachments"]] == [
        attachment_id]


def test_attaching_to_a_server_of_another_region_is_409_naming_both(gw, fakes):
    alice = gw.as_user("alice", "demo")
    volume_id = make_volume(alice, "az2")
    server = alice.post("/compute/v2.1/servers", {"server": {
        "name": "vm", "flavorRef": "1", "imageRef": "i", "availability_zone": "az1"}})
    server_id = server.json["server"]["id"]
    resp = alice.post(f"{V3}/attachments", {"attachment": {
        "volume_uuid": volume_id, "instance_uuid": server_id}})
    assert resp.status_int == 409
    message = resp.json["conflictingRequest"]["message"]
    assert "RegionTwo" in message and "RegionOne" in message
    assert not cinder(fakes, "RegionTwo").items["attachments"]


def test_groups_and_group_snapshots_live_where_they_were_made(gw, fakes):
    alice = gw.as_user("alice", "demo")
    made = alice.post(f"{V3}/groups", {"group": {
        "name": "g", "group_type": "t", "volume_types": ["x"], "availability_zone": "az2"}})
    assert made.status_int == 202, made.text
    group_id = made.json["group"]["id"]
    assert group_id in cinder(fakes, "RegionTwo").items["groups"]
    snap = alice.post(f"{V3}/group_snapshots", {"group_snapshot": {
        "name": "s", "group_id": group_id}})
    assert snap.status_int == 202, snap.text
    assert snap.json["group_snapshot"]["id"] in cinder(
        fakes, "RegionTwo").items["group_snapshots"]
    assert alice.get(f"{V3}/groups/{group_id}").status_int == 200
    # A volume made in the group goes to the group's region, whatever the default.
    volume = alice.post(f"{V3}/volumes", {"volume": {"name": "in-g", "size": 1,
                                                     "group_id": group_id}})
    assert volume.json["volume"]["id"] in cinder(fakes, "RegionTwo").items["volumes"]
    assert [g["id"] for g in alice.get(f"{V3}/groups/detail").json["groups"]] == [
        group_id]


def test_messages_are_merged_and_found_by_id_in_any_region(gw, fakes):
    alice = gw.as_user("alice", "demo")
    first = cinder(fakes, "RegionOne").add("messages", "demo", name="m1")
    second = cinder(fakes, "RegionTwo").add("messages", "demo", name="m2")
    listed = alice.get(f"{V3}/messages").json["messages"]
    assert {m["id"] for m in listed} == {first["id"], second["id"]}
    shown = alice.get(f"{V3}/messages/{second['id']}")
    assert shown.status_int == 200 and shown.json["message"]["name"] == "m2"


def test_admin_views_of_services_and_pools_show_every_region(gw):
    services = gw.get("/volume/v3/admin/os-services").json["services"]
    assert sorted(s["host"] for s in services) == ["RegionOne@lvm", "RegionTwo@lvm"]
    pools = gw.get("/volume/v3/admin/scheduler-stats/get_pools").json["pools"]
    assert len(pools) == 2


def test_restore_with_a_body_no_region_could_read_is_400(gw, fakes):
    alice = gw.as_user("alice", "demo")
    volume_id = make_volume(alice, "az2")
    backup = alice.post(f"{V3}/backups", {"backup": {"name": "b", "volume_id": volume_id}})
    backup_id = backup.json["backup"]["id"]
    resp = alice.post(f"{V3}/backups/{backup_id}/restore", raw=b'{"restore": NaN}')
    assert resp.status_int == 400 and "Malformed" in resp.json["badRequest"]["message"]
    restored = alice.post(f"{V3}/backups/{backup_id}/restore", {"restore": {}})
    assert restored.status_int == 202
    assert restored.json["restore"]["volume_id"] in routings(gw, "volume")


def test_a_group_made_from_a_snapshot_or_a_group_stays_in_its_sources_region(gw, pods,
                                                                           fakes):
    alice = gw.as_user("alice", "demo")
    made = alice.post(f"{V3}/groups", {"group": {
        "name": "g", "group_type": "t", "volume_types": ["x"], "availability_zone": "az2"}})
    group_id = made.json["group"]["id"]
    snap = alice.post(f"{V3}/group_snapshots", {"group_snapshot": {
        "name": "s", "group_id": group_id}}).json["group_snapshot"]["id"]
    for source in ({"group_snapshot_id": snap}, {"source_group_id": group_id}):
        copy = alice.post(f"{V3}/groups/action", {"create-from-src": source})
        assert copy.status_int == 202, copy.text
        copy_id = copy.json["group"]["id"]
        assert copy_id in cinder(fakes, "RegionTwo").items["groups"]
        # Group routings are the gateway's own (the admin API lists no such type).
        assert store.find("group", copy_id, None)["pod_id"] == pods["RegionTwo"]["pod_id"]
    assert not cinder(fakes, "RegionOne").items["groups"]
    unknown = alice.post(f"{V3}/groups/action", {"create-from-src": {
        "source_group_id": str(uuid.uuid4())}})
    assert unknown.status_int == 404


def test_a_service_action_goes_to_the_region_running_the_host(gw, fakes):
    resp = gw.put("/volume/v3/admin/os-services/disable",
                  {"host": "RegionTwo@lvm", "binary": "cinder-volume"})
    assert resp.status_int == 200, resp.text
    assert resp.json["status"] == "disable"
    puts = {name: [r for r in cinder(fakes, name).requests if r["method"] == "PUT"]
            for name in ("RegionOne", "RegionTwo")}
    assert not puts["RegionOne"] and len(puts["RegionTwo"]) == 1
    # A host no region runs: the default region's own answer (the fake's 404).
    assert gw.put("/volume/v3/admin/os-services/enable",
                  {"host": "nowhere", "binary": "cinder-volume"}).status_int == 404
    assert len([r for r in cinder(fakes, "RegionOne").requests if r["method"] == "PUT"]) == 1
    assert gw.put("/volume/v3/admin/os-services/enable", {"binary": "x"}).status_int == 400


def test_log_levels_are_read_and_set_in_every_region(gw, fakes):
    levels = gw.put("/volume/v3/admin/os-services/get-log", {})
    assert levels.status_int == 200, levels.text
    assert [entry["host"] for entry in levels.json["log_levels"]] == [
        "RegionOne@lvm", "RegionTwo@lvm"]
    assert gw.put("/volume/v3/admin/os-services/set-log",
                  {"level": "DEBUG"}).status_int == 202
    for name in ("RegionOne", "RegionTwo"):
        assert [r["path"].rsplit("/", 1)[1] for r in cinder(fakes, name).requests
                if r["method"] == "PUT"] == ["get-log", "set-log"]


def test_a_body_sent_to_every_region_reaches_each_whole(gw, fakes):
    body = {"level": "DEBUG", "prefix": "cinder." + "x" * 5000}
    assert gw.put("/volume/v3/admin/os-services/set-log", body).status_int == 202
    for name in ("RegionOne", "RegionTwo"):
        sent = [r["body"] for r in cinder(fakes, name).requests if r["method"] == "PUT"]
        assert [json.loads(b) for b in sent] == [body]


def test_a_backends_capabilities_come_from_the_region_running_it(gw, fakes):
    two = cinder(fakes, "RegionTwo")
    two.canned["capabilities/RegionTwo@lvm"] = (200, {"volume_backend_name": "lvm-two"})
    resp = gw.get("/volume/v3/admin/capabilities/RegionTwo@lvm")
    assert resp.status_int == 200, resp.text
    assert resp.json["volume_backend_name"] == "lvm-two"
    assert not [r for r in cinder(fakes, "RegionOne").requests
                if "capabilities" in r["path"]]
