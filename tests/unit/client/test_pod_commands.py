"""openstack multiregion networking pod create|list|show|set|delete."""

import json

import pytest
from osc_lib import exceptions as osc_exceptions

from tests.unit.client.fakes import make_client, run
from tricircleclient import exceptions
from tricircleclient.commands import pods

CENTRAL = {"pod_id": "p0", "region_name": "CentralRegion", "az_name": "", "pod_az_name": "",
           "dc_name": ""}
REGION_ONE = {"pod_id": "p1", "region_name": "RegionOne", "az_name": "az1",
              "pod_az_name": "nova", "dc_name": "dc1"}


def test_list_shows_id_and_region_and_long_adds_the_zones():
    client = make_client({("GET", "/pods"): {"pods": [CENTRAL, REGION_ONE]}})
    assert json.loads(run(pods.ListPods, ["-f", "json"], client)) == [
        {"ID": "p0", "Region Name": "CentralRegion"}, {"ID": "p1", "Region Name": "RegionOne"}]
    out = json.loads(run(pods.ListPods, ["-f", "json", "--long"], client))
    assert out[1] == {"ID": "p1", "Region Name": "RegionOne", "Availability Zone": "az1",
                      "Pod Availability Zone": "nova", "Data Center": "dc1"}


def test_list_filters_and_one_page_with_limit():
    client = make_client({("GET", "/pods"): {"pods": [REGION_ONE]}})
    run(pods.ListPods, ["--availability-zone", "az1", "--region-name", "RegionOne",
                        "--limit", "1", "--marker", "p0"], client)
    assert client.http.calls == [("GET", "/pods", {"az_name": "az1", "region_name": "RegionOne",
                                                   "limit": "1", "marker": "p0"})]


def test_list_without_limit_follows_every_page():
    pages = iter([{"pods": [CENTRAL], "pods_links": [
        {"rel": "next", "href": "http://h/v1.0/pods?marker=p0"}]}, {"pods": [REGION_ONE]}])
    client = make_client({("GET", "/pods"): lambda params: next(pages)})
    out = run(pods.ListPods, ["-f", "value", "-c", "ID"], client)
    assert out.split() == ["p0", "p1"]


def test_create_sends_only_the_given_fields_and_shows_the_pod():
    client = make_client({("POST", "/pods"): {"pod": REGION_ONE}})
    out = run(pods.CreatePod, ["--region-name", "RegionOne", "--availability-zone", "az1",
                               "--pod-availability-zone", "nova", "--data-center", "dc1",
                               "-f", "json"], client)
    assert json.loads(out) == REGION_ONE
    assert client.http.calls == [("POST", "/pods", {"pod": {
        "region_name": "RegionOne", "az_name": "az1", "pod_az_name": "nova",
        "dc_name": "dc1"}})]


def test_create_needs_a_region_name():
    with pytest.raises(SystemExit):
        run(pods.CreatePod, ["--availability-zone", "az1"], make_client({}))


def test_show_prints_fields_alphabetically():
    client = make_client({("GET", "/pods/p1"): {"pod": REGION_ONE}})
    out = run(pods.ShowPod, ["p1", "-f", "value"], client)
    assert out.split() == ["az1", "dc1", "nova", "p1", "RegionOne"]


def test_show_of_an_unknown_pod_raises_the_server_message():
    client = make_client({("GET", "/pods/nope"): exceptions.NotFound(
        "Pod nope could not be found.", http_status=404)})
    with pytest.raises(exceptions.NotFound, match="Pod nope could not be found"):
        run(pods.ShowPod, ["nope"], client)


def test_set_sends_the_changed_fields_and_prints_nothing():
    client = make_client({("PUT", "/pods/p1"): {"pod": REGION_ONE}})
    assert run(pods.SetPod, ["p1", "--data-center", "dc2"], client) == ""
    assert client.http.calls == [("PUT", "/pods/p1", {"pod": {"dc_name": "dc2"}})]


def test_delete_several_with_force():
    client = make_client({("DELETE", "/pods/p1"): None, ("DELETE", "/pods/p2"): None})
    run(pods.DeletePod, ["p1", "p2", "--force"], client)
    assert client.http.calls == [("DELETE", "/pods/p1", {"force": "true"}),
                                 ("DELETE", "/pods/p2", {"force": "true"})]


def test_delete_tries_every_pod_and_reports_the_failures():
    client = make_client({
        ("DELETE", "/pods/p1"): exceptions.Conflict("Pod p1 has routings.", http_status=409),
        ("DELETE", "/pods/p2"): None})
    with pytest.raises(osc_exceptions.CommandError, match="1 of 2 pods failed to delete: p1"):
        run(pods.DeletePod, ["p1", "p2"], client)
    assert [call[1] for call in client.http.calls] == ["/pods/p1", "/pods/p2"]


HEALTH = {"pod_id": "p1", "region_name": "RegionOne", "services": {
    "volumev3": {"state": "closed", "failures": 0, "since": "2026-12-02T20:05:00",
                 "reported_at": "2026-12-02T20:05:00", "last_error": "ConnectFailure",
                 "reported_by": "api1:41"},
    "compute": {"state": "open", "failures": 3, "since": "2026-12-02T20:01:00",
                "reported_at": "2026-12-02T20:01:15", "last_error": "ConnectTimeout",
                "reported_by": "api1:42"}}}


def test_health_lists_each_service_breaker_and_long_adds_who_reported_it():
    client = make_client({("GET", "/pods/p1/health"): {"health": HEALTH}})
    out = json.loads(run(pods.ShowPodHealth, ["p1", "-f", "json"], client))
    assert out == [
        {"Service": "compute", "State": "open", "Failures": 3,
         "Since": "2026-12-02T20:01:00", "Last Error": "ConnectTimeout"},
        {"Service": "volumev3", "State": "closed", "Failures": 0,
         "Since": "2026-12-02T20:05:00", "Last Error": "ConnectFailure"}]
    out = json.loads(run(pods.ShowPodHealth, ["p1", "--long", "-f", "json"], client))
    assert out[0]["Reported By"] == "api1:42"
    assert out[0]["Reported At"] == "2026-12-02T20:01:15"


def test_health_of_a_pod_whose_breakers_never_opened_is_empty():
    client = make_client({("GET", "/pods/p1/health"): {"health": {
        "pod_id": "p1", "region_name": "RegionOne", "services": {}}}})
    assert json.loads(run(pods.ShowPodHealth, ["p1", "-f", "json"], client)) == []
