"""The compute gateway's multi-region behaviour against fake Nova and Cinder regions:
server groups, placement by every input of a create, availability zone names,
admin views summed or merged over regions, list order and microversions."""

# ruff: noqa: F811  (pytest fixtures imported by name, then requested by argument)
import uuid

from tests.functional.test_gateway import boot, cinder, fakes, gw, nova  # noqa: F401

SERVERS = "/compute/v2.1/servers"


def make_group(client, name="g"):
    return client.post("/compute/v2.1/os-server-groups",
                       {"server_group": {"name": name, "policies": ["anti-affinity"]}})


def boot_with(client, body_extra=None, **server):
    body = {"server": {"name": "vm", "flavorRef": "1", "imageRef": "img", **server},
            **(body_extra or {})}
    return client.post(SERVERS, body)


def message(resp) -> str:
    return next(iter(resp.json.values()))["message"]


# -- server groups ---------------------------------------------------------------

def test_server_group_is_made_where_the_project_creates_and_routed_by_id(gw, fakes):
    alice = gw.as_user("alice", "demo")
    boot(alice, az="az2")  # binds demo to RegionTwo
    made = make_group(alice)
    assert made.status_int == 200, made.text
    group_id = made.json["server_group"]["id"]
    assert group_id in nova(fakes, "RegionTwo").items["os-server-groups"]
    shown = alice.get(f"/compute/v2.1/os-server-groups/{group_id}")
    assert shown.status_int == 200 and shown.json["server_group"]["id"] == group_id
    assert alice.delete(f"/compute/v2.1/os-server-groups/{group_id}").status_int == 204
    assert group_id not in nova(fakes, "RegionTwo").items["os-server-groups"]


def test_server_groups_are_listed_from_every_region(gw, fakes):
    alice = gw.as_user("alice", "demo")
    one = nova(fakes, "RegionOne").add("os-server-groups", "demo", name="one")
    two = nova(fakes, "RegionTwo").add("os-server-groups", "demo", name="two")
    nova(fakes, "RegionTwo").add("os-server-groups", "other", name="theirs")
    listed = alice.get("/compute/v2.1/os-server-groups")
    assert listed.status_int == 200
    assert {g["id"] for g in listed.json["server_groups"]} == {one["id"], two["id"]}


def test_a_server_with_the_group_hint_goes_to_the_groups_region(gw, fakes):
    alice = gw.as_user("alice", "demo")
    # Made directly in RegionTwo: the hint finds (and adopts) it there.
    group = nova(fakes, "RegionTwo").add("os-server-groups", "demo", name="direct")
    hints = {"os:scheduler_hints": {"group": group["id"]}}
    resp = boot_with(alice, hints)
    assert resp.status_int == 202, resp.text
    assert resp.json["server"]["id"] in nova(fakes, "RegionTwo").items["servers"]
    again = boot_with(alice, hints, availability_zone="az2")
    assert again.status_int == 202
    conflict = boot_with(alice, hints, availability_zone="az1")
    assert conflict.status_int == 409
    assert "RegionTwo" in message(conflict) and "az1" in message(conflict)
    assert len(nova(fakes, "RegionOne").items["servers"]) == 0


def test_a_group_hint_that_is_no_group_is_a_400(gw, fakes):
    alice = gw.as_user("alice", "demo")
    for group in ("not-a-uuid", str(uuid.uuid4())):
        resp = boot_with(alice, {"os:scheduler_hints": {"group": group}})
        assert resp.status_int == 400, (group, resp.text)
        assert group in message(resp)
    assert not nova(fakes, "RegionOne").items["servers"]


# -- placement by volumes, snapshots, ports ----------------------------------------

def test_a_volume_never_seen_through_the_gateway_places_the_server(gw, fakes):
    alice = gw.as_user("alice", "demo")
    volume = cinder(fakes, "RegionTwo").add("volumes", "demo", size=1)
    bdm = [{"boot_index": 0, "source_type": "volume", "destination_type": "volume",
            "uuid": volume["id"]}]
    resp = boot_with(alice, block_device_mapping_v2=bdm)
    assert resp.status_int == 202, resp.text
    assert resp.json["server"]["id"] in nova(fakes, "RegionTwo").items["servers"]
    routed = gw.get("/v1.0/routings?resource_type=volume").json["routings"]
    assert [r["top_id"] for r in routed] == [volume["id"]]  # adopted


def test_snapshot_sources_and_legacy_mappings_place_the_server(gw, fakes):
    alice = gw.as_user("alice", "demo")
    snapshot = cinder(fakes, "RegionTwo").add("snapshots", "demo")
    bdm = [{"boot_index": 0, "source_type": "snapshot", "destination_type": "volume",
            "uuid": snapshot["id"], "volume_size": 1}]
    first = boot_with(alice, block_device_mapping_v2=bdm)
    assert first.json["server"]["id"] in nova(fakes, "RegionTwo").items["servers"]
    volume = cinder(fakes, "RegionTwo").add("volumes", "demo", size=1)
    legacy = [{"device_name": "vda", "volume_id": volume["id"]}]
    second = boot_with(alice, block_device_mapping=legacy)
    assert second.json["server"]["id"] in nova(fakes, "RegionTwo").items["servers"]
    assert not nova(fakes, "RegionOne").items["servers"]


def test_inputs_of_two_regions_are_a_409_naming_both(gw, fakes):
    alice = gw.as_user("alice", "demo")
    volume = cinder(fakes, "RegionOne").add("volumes", "demo", size=1)
    group = nova(fakes, "RegionTwo").add("os-server-groups", "demo", name="g")
    bdm = [{"boot_index": 0, "source_type": "volume", "destination_type": "volume",
            "uuid": volume["id"]}]
    resp = boot_with(alice, {"os:scheduler_hints": {"group": group["id"]}},
                     block_device_mapping_v2=bdm)
    assert resp.status_int == 409
    text = message(resp)
    assert "RegionOne" in text and "RegionTwo" in text and volume["id"] in text
    assert not any(nova(fakes, r).items["servers"] for r in ("RegionOne", "RegionTwo"))


def test_a_missing_volume_is_a_400_not_a_server_elsewhere(gw, fakes):
    alice = gw.as_user("alice", "demo")
    missing = str(uuid.uuid4())
    bdm = [{"boot_index": 0, "source_type": "volume", "destination_type": "volume",
            "uuid": missing}]
    resp = boot_with(alice, block_device_mapping_v2=bdm)
    assert resp.status_int == 400 and missing in message(resp)


def test_a_port_bound_in_a_region_places_the_server(gw, pods, fakes):
    alice = gw.as_user("alice", "demo")
    port_id = str(uuid.uuid4())
    gw.post("/v1.0/routings", {"routing": {
        "top_id": port_id, "bottom_id": port_id, "pod_id": pods["RegionTwo"]["pod_id"],
        "project_id": "demo", "resource_type": "port"}})
    resp = boot_with(alice, networks=[{"port": port_id}])
    assert resp.status_int == 202, resp.text
    assert resp.json["server"]["id"] in nova(fakes, "RegionTwo").items["servers"]
    refused = boot_with(alice, networks=[{"port": port_id}], availability_zone="az1")
    assert refused.status_int == 409 and port_id in message(refused)


def test_attaching_a_volume_of_another_region_is_a_409_naming_it(gw, fakes):
    alice = gw.as_user("alice", "demo")
    server_id = boot(alice, az="az1").json["server"]["id"]
    there = cinder(fakes, "RegionTwo").add("volumes", "demo", size=1)
    here = cinder(fakes, "RegionOne").add("volumes", "demo", size=1)
    path = f"{SERVERS}/{server_id}/os-volume_attachments"
    refused = alice.post(path, {"volumeAttachment": {"volumeId": there["id"]}})
    assert refused.status_int == 409
    assert "RegionTwo" in message(refused) and there["id"] in message(refused)
    attached = alice.post(path, {"volumeAttachment": {"volumeId": here["id"]}})
    assert attached.status_int == 200, attached.text
    assert nova(fakes, "RegionOne").items["servers"][server_id]["attached"] == [here["id"]]


# -- instance actions of a deleted server -------------------------------------------

def test_instance_actions_of_a_deleted_server_are_still_found(gw, fakes):
    alice = gw.as_user("alice", "demo")
    server_id = boot(alice, az="az2").json["server"]["id"]
    actions = {"instanceActions": [{"action": "delete", "instance_uuid": server_id}]}
    two = nova(fakes, "RegionTwo")
    assert alice.delete(f"{SERVERS}/{server_id}").status_int == 204
    assert alice.get(f"{SERVERS}/{server_id}").status_int == 404  # routing forgotten
    two.canned[f"servers/{server_id}/os-instance-actions"] = (200, actions)
    resp = alice.get(f"{SERVERS}/{server_id}/os-instance-actions")
    assert resp.status_int == 200, resp.text
    assert resp.json == actions
    unknown = alice.get(f"{SERVERS}/{uuid.uuid4()}/os-instance-actions")
    assert unknown.status_int == 404
