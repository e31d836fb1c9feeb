"""Routings: where each resource lives, listed with filters and pages."""

import pytest


def _routing(pod_id, top_id, project="demo", resource_type="network", bottom_id=None):
    return {"routing": {"top_id": top_id, "bottom_id": bottom_id or top_id,
                        "pod_id": pod_id, "project_id": project,
                        "resource_type": resource_type}}


@pytest.fixture
def region_one(pods):
    return pods["RegionOne"]["pod_id"]


def test_create_show_update_delete(api, region_one):
    created = api.post("/v1.0/routings", _routing(region_one, "net-a", bottom_id=None))
    assert created.status_int == 200
    routing = created.json["routing"]
    assert isinstance(routing["id"], int) and routing["created_at"]

    assert api.get(f"/v1.0/routings/{routing['id']}").json["routing"] == routing

    updated = api.put(f"/v1.0/routings/{routing['id']}",
                      {"routing": {"bottom_id": "bottom-a"}}).json["routing"]
    assert updated["bottom_id"] == "bottom-a" and updated["updated_at"]

    assert api.delete(f"/v1.0/routings/{routing['id']}").status_int == 204
    assert api.get(f"/v1.0/routings/{routing['id']}").status_int == 404


def test_bottom_id_may_be_null_while_creating(api, region_one):
    body = _routing(region_one, "port-1", resource_type="port")
    body["routing"]["bottom_id"] = None
    assert api.post("/v1.0/routings", body).json["routing"]["bottom_id"] is None


def test_same_top_id_pod_and_type_is_a_conflict(api, region_one, pods):
    api.post("/v1.0/routings", _routing(region_one, "net-a"))
    assert api.post("/v1.0/routings", _routing(region_one, "net-a")).status_int == 409
    # The same top id in another pod, or as another type, is fine.
    assert api.post("/v1.0/routings",
                    _routing(pods["RegionTwo"]["pod_id"], "net-a")).status_int == 200
    assert api.post("/v1.0/routings",
                    _routing(region_one, "net-a", resource_type="subnet")).status_int == 200


def test_unknown_pod_is_a_bad_request_naming_the_field(api, pods):
    resp = api.post("/v1.0/routings",
                    _routing("6d0b1a3c-0000-4000-8000-000000000000", "net-a"))
    assert resp.status_int == 400
    assert "routing/pod_id" in resp.json["badRequest"]["message"]


def test_filters_and_pagination_visit_every_routing_once(api, region_one):
    for i in range(7):
        api.post("/v1.0/routings", _routing(region_one, f"net-{i}",
                                            project="demo" if i % 2 else "other"))
    demo = api.get("/v1.0/routings?project_id=demo").json["routings"]
    assert sorted(r["top_id"] for r in demo) == ["net-1", "net-3", "net-5"]

    seen, url = [], "/v1.0/routings?limit=3"
    while url:
        page = api.get(url).json
        seen += [r["top_id"] for r in page["routings"]]
        links = page.get("routings_links")
        url = links[0]["href"].replace("http://localhost", "") if links else None
    assert seen == [f"net-{i}" for i in range(7)]


def test_time_filters_with_operators(api, region_one):
    routing = api.post("/v1.0/routings", _routing(region_one, "net-t")).json["routing"]
    created = routing["created_at"]
    assert len(api.get(f"/v1.0/routings?created_at=gte:{created}").json["routings"]) == 1
    assert api.get(f"/v1.0/routings?created_at=gt:{created}").json["routings"] == []
    assert api.get("/v1.0/routings?created_at=2026-13-45").status_int == 400


def test_members_see_only_their_own_project(api, region_one):
    api.post("/v1.0/routings", _routing(region_one, "mine", project="demo"))
    other = api.post("/v1.0/routings", _routing(region_one, "theirs", project="other"))
    member = api.as_user("alice", "demo")

    assert [r["top_id"] for r in member.get("/v1.0/routings").json["routings"]] == ["mine"]
    assert member.get("/v1.0/routings?project_id=other").status_int == 403
    # Another project's routing looks just like one that does not exist.
    assert member.get(f"/v1.0/routings/{other.json['routing']['id']}").status_int == 404
    assert member.post("/v1.0/routings", _routing(region_one, "x")).status_int == 403


def test_non_numeric_routing_id_is_not_found(api):
    assert api.get("/v1.0/routings/abc").status_int == 404
