"""Pod bindings: a tenant has one current pod per AZ."""


def _bind(api, tenant, pod_id, **extra):
    return api.post("/v1.0/bindings", {"binding": {"tenant_id": tenant, "pod_id": pod_id,
                                                   **extra}})


def test_bind_show_list_delete(api, pods):
    resp = _bind(api, "demo", pods["RegionOne"]["pod_id"])
    assert resp.status_int == 200
    binding = resp.json["binding"]
    assert binding["az_name"] == "az1" and binding["is_binding"] is True

    assert api.get(f"/v1.0/bindings/{binding['id']}").json["binding"] == binding
    assert api.get("/v1.0/bindings?tenant_id=demo").json["bindings"] == [binding]
    assert api.get("/v1.0/bindings?az_name=az2").json["bindings"] == []

    assert api.delete(f"/v1.0/bindings/{binding['id']}").status_int == 204
    assert api.get(f"/v1.0/bindings/{binding['id']}").status_int == 404


def test_a_new_current_binding_replaces_the_old_one_in_the_same_az(api, pods):
    second_az1 = api.post("/v1.0/pods", {"pod": {"region_name": "RegionThree",
                                                 "az_name": "az1"}}).json["pod"]
    old = _bind(api, "demo", pods["RegionOne"]["pod_id"]).json["binding"]
    other_az = _bind(api, "demo", pods["RegionTwo"]["pod_id"]).json["binding"]
    new = _bind(api, "demo", second_az1["pod_id"]).json["binding"]

    current = api.get("/v1.0/bindings?tenant_id=demo&is_binding=true").json["bindings"]
    assert {b["id"] for b in current} == {new["id"], other_az["id"]}
    assert api.get(f"/v1.0/bindings/{old['id']}").json["binding"]["is_binding"] is False


def test_move_a_binding_to_another_pod(api, pods):
    binding = _bind(api, "demo", pods["RegionOne"]["pod_id"]).json["binding"]
    moved = api.put(f"/v1.0/bindings/{binding['id']}",
                    {"binding": {"pod_id": pods["RegionTwo"]["pod_id"]}})
    assert moved.status_int == 200
    assert moved.json["binding"]["az_name"] == "az2"


def test_cannot_bind_to_the_central_pod_or_twice_to_one_pod(api, pods):
    resp = _bind(api, "demo", pods["CentralRegion"]["pod_id"])
    assert resp.status_int == 400 and "central pod" in resp.json["badRequest"]["message"]
    _bind(api, "demo", pods["RegionOne"]["pod_id"])
    assert _bind(api, "demo", pods["RegionOne"]["pod_id"]).status_int == 409


def test_members_may_not_see_bindings(api, pods):
    assert api.as_user("alice", "demo").get("/v1.0/bindings").status_int == 403
