"""Pods: an operator registers regions, lists, changes and removes them."""


def test_versions_need_no_token(api):
    anonymous = api.as_user("", "")
    anonymous.token = ""
    resp = anonymous.get("/")
    assert resp.status_int == 200
    version = resp.json["versions"][0]
    assert version["id"] == "v1.0" and version["status"] == "CURRENT"
    assert version["links"][0]["href"].endswith("/v1.0/")


def test_everything_else_needs_a_token(api):
    anonymous = api.as_user("", "")
    anonymous.token = ""
    resp = anonymous.get("/v1.0/pods")
    assert resp.status_int == 401
    assert "unauthorized" in resp.json


def test_create_show_list_update_delete_pod(api):
    created = api.post("/v1.0/pods", {"pod": {"region_name": "RegionOne", "az_name": "az1",
                                              "pod_az_name": "nova", "dc_name": "dc1"}})
    assert created.status_int == 200
    pod = created.json["pod"]
    assert pod["region_name"] == "RegionOne" and pod["pod_az_name"] == "nova"

    assert api.get(f"/v1.0/pods/{pod['pod_id']}").json["pod"] == pod
    assert api.get("/v1.0/pods").json["pods"] == [pod]

    updated = api.put(f"/v1.0/pods/{pod['pod_id']}", {"pod": {"dc_name": "dc2"}})
    assert updated.status_int == 200 and updated.json["pod"]["dc_name"] == "dc2"

    assert api.delete(f"/v1.0/pods/{pod['pod_id']}").status_int == 204
    assert api.get(f"/v1.0/pods/{pod['pod_id']}").status_int == 404


def test_region_name_is_unique(api, pods):
    resp = api.post("/v1.0/pods", {"pod": {"region_name": "RegionOne", "az_name": "az9"}})
    assert resp.status_int == 409
    assert "RegionOne" in resp.json["conflictingRequest"]["message"]


def test_only_one_central_pod(api, pods):
    resp = api.post("/v1.0/pods", {"pod": {"region_name": "RegionThree"}})
    assert resp.status_int == 409
    assert "CentralRegion" in resp.json["conflictingRequest"]["message"]
    # Nor may an update turn a regional pod into a second central one.
    region_one = pods["RegionOne"]["pod_id"]
    assert api.put(f"/v1.0/pods/{region_one}", {"pod": {"az_name": ""}}).status_int == 409


def test_list_filters_and_pages_in_region_order(api, pods):
    az1 = api.get("/v1.0/pods?az_name=az1").json["pods"]
    assert [p["region_name"] for p in az1] == ["RegionOne"]

    first = api.get("/v1.0/pods?limit=2").json
    assert [p["region_name"] for p in first["pods"]] == ["CentralRegion", "RegionOne"]
    next_href = first["pods_links"][0]["href"]
    assert "marker=" in next_href
    second = api.get(next_href.replace("http://localhost", "")).json
    assert [p["region_name"] for p in second["pods"]] == ["RegionTwo"]


def test_pod_with_routings_is_deleted_only_by_force(api, pods):
    pod_id = pods["RegionOne"]["pod_id"]
    api.post("/v1.0/routings", {"routing": {
        "top_id": "net-1", "bottom_id": "net-1", "pod_id": pod_id,
        "project_id": "demo", "resource_type": "network"}})

    refused = api.delete(f"/v1.0/pods/{pod_id}")
    assert refused.status_int == 409
    assert "force=true" in refused.json["conflictingRequest"]["message"]

    assert api.delete(f"/v1.0/pods/{pod_id}?force=true").status_int == 204
    assert api.get("/v1.0/routings").json["routings"] == []


def test_members_may_not_manage_pods(api, pods):
    member = api.as_user("alice", "demo")
    assert member.get("/v1.0/pods").status_int == 403
    resp = member.post("/v1.0/pods", {"pod": {"region_name": "X", "az_name": "x"}})
    assert resp.status_int == 403
    assert "tricircle:pods:create" in resp.json["forbidden"]["message"]
