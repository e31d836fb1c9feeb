"""Routings the gateway records for Cinder's groups, group snapshots, transfers,
attachments and messages are listed, filtered and written through the admin API
like any other routing."""

import uuid

import pytest

from tricircle.gateway import store

GATEWAY_TYPES = ("group", "group_snapshot", "transfer", "attachment", "message")


@pytest.mark.parametrize("resource_type", GATEWAY_TYPES)
def test_a_routing_the_gateway_recorded_is_listed_by_its_type(api, pods, resource_type):
    pod_id = pods["RegionTwo"]["pod_id"]
    top_id = str(uuid.uuid4())
    store.record(resource_type, top_id, pod_id, "demo")  # what a create through it does
    store.record("volume", str(uuid.uuid4()), pod_id, "demo")  # another type, not listed

    resp = api.get(f"/v1.0/routings?resource_type={resource_type}")

    assert resp.status_int == 200, resp.text
    assert [(r["top_id"], r["pod_id"], r["project_id"]) for r in resp.json["routings"]] == [
        (top_id, pod_id, "demo")]


@pytest.mark.parametrize("resource_type", GATEWAY_TYPES)
def test_an_admin_writes_a_routing_of_each_gateway_type(api, pods, resource_type):
    top_id = str(uuid.uuid4())
    body = {"routing": {"top_id": top_id, "bottom_id": top_id, "project_id": "demo",
                        "pod_id": pods["RegionOne"]["pod_id"],
                        "resource_type": resource_type}}
    created = api.post("/v1.0/routings", body)
    assert created.status_int == 200, created.text
    routing_id = created.json["routing"]["id"]
    moved = api.put(f"/v1.0/routings/{routing_id}",
                    {"routing": {"pod_id": pods["RegionTwo"]["pod_id"]}})
    assert moved.status_int == 200, moved.text
    assert moved.json["routing"]["resource_type"] == resource_type


def test_a_type_nobody_records_is_still_a_400_naming_the_field(api, pods):
    listed = api.get("/v1.0/routings?resource_type=consistencygroup")
    assert listed.status_int == 400
    assert "resource_type" in listed.json["badRequest"]["message"]
