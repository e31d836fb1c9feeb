"""Managers: the request each call makes and what it returns."""

import pytest

from tests.unit.client.fakes import TableHTTP
from tricircleclient.v1 import bindings, jobs, pods, routings, usages


class FakeHTTP(TableHTTP):
    """Records requests; answers each with the next queued body."""

    def __init__(self, *answers):
        super().__init__({})
        self.queued = list(answers)

    def _answer(self, *call):
        self.calls.append(call)
        return self.queued.pop(0) if self.queued else None


POD = {"pod_id": "p1", "region_name": "RegionOne", "az_name": "az1"}


def test_pod_crud():
    http = FakeHTTP({"pod": POD}, {"pod": POD}, {"pod": POD}, None, None)
    manager = pods.PodManager(http)
    assert manager.create("RegionOne", az_name="az1") == POD
    assert manager.get("p1") == POD
    assert manager.update("p1", dc_name="dc2") == POD
    manager.delete("p1")
    manager.delete("p1", force=True)
    assert http.calls == [
        ("POST", "/pods", {"pod": {"region_name": "RegionOne", "az_name": "az1"}}),
        ("GET", "/pods/p1", None),
        ("PUT", "/pods/p1", {"pod": {"dc_name": "dc2"}}),
        ("DELETE", "/pods/p1", None),
        ("DELETE", "/pods/p1", {"force": "true"}),
    ]


def test_pod_health_is_read_below_the_pod():
    health = {"pod_id": "p/1", "region_name": "RegionOne", "services": {}}
    http = FakeHTTP({"health": health})
    assert pods.PodManager(http).health("p/1") == health
    assert http.calls == [("GET", "/pods/p%2F1/health", None)]


def test_an_id_is_one_path_segment():
    http = FakeHTTP({"pod": POD})
    pods.PodManager(http).get("../jobs")
    assert http.calls[0][1] == "/pods/..%2Fjobs"


def test_list_sends_filters_limit_marker_and_reports_the_next_marker():
    page = {"routings": [{"id": 3}, {"id": 4}], "routings_links": [
        {"rel": "next", "href": "http://h/v1.0/routings?pod_id=p1&limit=2&marker=4"}]}
    http = FakeHTTP(page)
    result = routings.RoutingManager(http).list(limit=2, marker=2, pod_id="p1", top_id=None)
    assert result == [{"id": 3}, {"id": 4}]
    assert result.next_marker == "4"
    assert http.calls == [("GET", "/routings", {"pod_id": "p1", "limit": "2", "marker": "2"})]


def test_last_page_has_no_next_marker():
    result = jobs.JobManager(FakeHTTP({"jobs": []})).list()
    assert result == [] and result.next_marker is None


def test_unknown_filter_is_refused_before_any_request():
    http = FakeHTTP()
    with pytest.raises(TypeError, match="unknown routings filter"):
        routings.RoutingManager(http).list(top="x")
    assert http.calls == []


def test_iterate_follows_next_links_until_the_last_page():
    def link(marker):
        return [{"rel": "next", "href": f"http://h/v1.0/pods?limit=1&marker={marker}"}]
    http = FakeHTTP({"pods": [{"pod_id": "a"}], "pods_links": link("a")},
                    {"pods": [{"pod_id": "b"}], "pods_links": link("b")},
                    {"pods": []})
    assert [p["pod_id"] for p in pods.PodManager(http).iterate(az_name="az1")] == ["a", "b"]
    assert [call[2] for call in http.calls] == [
        {"az_name": "az1"}, {"az_name": "az1", "marker": "a"},
        {"az_name": "az1", "marker": "b"}]


def test_routing_create_always_sends_bottom_id_and_update_only_what_is_given():
    http = FakeHTTP({"routing": {"id": 1}}, {"routing": {"id": 1}}, {"routing": {"id": 1}})
    manager = routings.RoutingManager(http)
    manager.create("t", None, "p1", "proj", "port")
    manager.update(1, bottom_id="b", top_id=None)
    assert manager.get(1) == {"id": 1}
    assert http.calls == [
        ("POST", "/routings", {"routing": {"top_id": "t", "bottom_id": None, "pod_id": "p1",
                                           "project_id": "proj", "resource_type": "port"}}),
        ("PUT", "/routings/1", {"routing": {"bottom_id": "b"}}),
        ("GET", "/routings/1", None),
    ]


def test_job_create_redo_schemas_delete_and_status_filter():
    job = {"id": "j1", "status": "NEW"}
    http = FakeHTTP({"job": job}, {"job": job}, {"schemas": [{"type": "t", "resource": []}]},
                    None, {"jobs": [job]})
    manager = jobs.JobManager(http)
    assert manager.create("port_delete", "proj", {"pod_id": "p", "port_id": "x"}) == job
    assert manager.redo("j1") == job
    assert manager.schemas() == [{"type": "t", "resource": []}]
    manager.delete("j1")
    assert manager.list(status="FAIL", type="port_delete") == [job]
    assert http.calls == [
        ("POST", "/jobs", {"job": {"type": "port_delete", "project_id": "proj",
                                   "resource": {"pod_id": "p", "port_id": "x"}}}),
        ("PUT", "/jobs/j1", None),
        ("GET", "/jobs/schemas", None),
        ("DELETE", "/jobs/j1", None),
        ("GET", "/jobs", {"status": "FAIL", "type": "port_delete"}),
    ]


def test_binding_crud_and_boolean_filter():
    binding = {"id": "b1"}
    http = FakeHTTP({"binding": binding}, {"binding": binding}, {"bindings": [binding]})
    manager = bindings.BindingManager(http)
    assert manager.create("proj", "p1", is_binding=False) == binding
    assert manager.update("b1", pod_id="p2") == binding
    assert manager.list(is_binding=True) == [binding]
    assert http.calls == [
        ("POST", "/bindings", {"binding": {"tenant_id": "proj", "pod_id": "p1",
                                           "is_binding": False}}),
        ("PUT", "/bindings/b1", {"binding": {"pod_id": "p2"}}),
        ("GET", "/bindings", {"is_binding": "true"}),
    ]


def test_usage_get_asks_for_the_project():
    usage = {"project_id": "proj", "total": {"server": 2}}
    http = FakeHTTP({"usage": usage})
    assert usages.UsageManager(http).get("proj") == usage
    assert http.calls == [("GET", "/usages/proj", None)]
