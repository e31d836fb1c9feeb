"""Pod bindings: a tenant has one current pod per AZ."""

import threading


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


def test_parallel_first_binds_of_a_project_leave_one_current_binding_per_az(api, pods):
    """What a project's first creates in an AZ do at once through the gateway
    (tricircle.gateway.scheduler binds it): each bind is made or a 409, never a
    server error, and the project ends with one current binding per AZ."""
    second_az1 = api.post("/v1.0/pods", {"pod": {"region_name": "RegionThree",
                                                 "az_name": "az1"}}).json["pod"]
    targets = [pods["RegionOne"]["pod_id"], second_az1["pod_id"]] * 4
    start = threading.Barrier(len(targets))
    statuses = []

    def bind(pod_id: str) -> None:
        start.wait()
        statuses.append(_bind(api, "racer", pod_id).status_int)

    threads = [threading.Thread(target=bind, args=(pod_id,)) for pod_id in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert set(statuses) <= {200, 409}, statuses
    made = api.get("/v1.0/bindings?tenant_id=racer").json["bindings"]
    assert statuses.count(200) == len(made)
    assert sorted(b["pod_id"] for b in made) == sorted(set(b["pod_id"] for b in made))
    assert len([b for b in made if b["is_binding"]]) == 1
