"""openstack multiregion region status and resource locate."""

import json
from types import SimpleNamespace

import pytest
from keystoneauth1 import access
from osc_lib import exceptions as osc_exceptions

from tests.unit.client.fakes import make_client, run
from tricircleclient import exceptions
from tricircleclient.commands import regions, resources

PODS = {"pods": [
    {"pod_id": "p0", "region_name": "CentralRegion", "az_name": "", "dc_name": ""},
    {"pod_id": "p1", "region_name": "RegionOne", "az_name": "az1", "dc_name": "dc1"}]}


def _jobs(params):
    jobs = {"FAIL": [{"resource": {"pod_id": "p1", "port_id": "x"}},
                     {"resource": {"pod_id": "p1", "port_id": "y"}},
                     {"resource": {"router_id": "r"}}],
            "NEW": [{"resource": {"pod_id": "p0", "network_id": "n"}}]}
    return {"jobs": jobs[params["status"]]}


def _service(service_type, *regions):
    return {"type": service_type, "id": service_type, "endpoints": [
        {"id": f"{service_type}-{region}", "interface": "public", "region": region,
         "region_id": region, "url": f"http://{service_type}.{region}"}
        for region in regions]}


def _session_with_catalog():
    # A Keystone v3 token body, as the identity plugins keep it.
    token = {"token": {"methods": ["password"], "expires_at": "2099-01-01T00:00:00Z",
                       "catalog": [_service("compute", "RegionOne"),
                                   _service("network", "RegionOne", "CentralRegion"),
                                   _service("volumev3", "RegionOne")]}}
    access_info = access.create(body=token, auth_token="t")
    auth = SimpleNamespace(get_access=lambda session: access_info)
    return SimpleNamespace(auth=auth)


HEALTH = {
    "p0": {"health": {"pod_id": "p0", "services": {}}},
    "p1": {"health": {"pod_id": "p1", "services": {
        "compute": {"state": "open", "failures": 5, "last_error": "ConnectFailure"},
        "volumev3": {"state": "closed", "failures": 0, "last_error": None}}}},
}


def _with_health(answers: dict, health: dict = HEALTH) -> dict:
    return {**answers, **{("GET", f"/pods/{pod_id}/health"): answer
                          for pod_id, answer in health.items()}}


def test_status_reads_the_catalog_and_counts_failed_and_new_jobs_per_pod():
    client = make_client(_with_health({("GET", "/pods"): PODS, ("GET", "/jobs"): _jobs}),
                         session=_session_with_catalog())
    out = json.loads(run(regions.RegionStatus, ["-f", "json"], client))
    assert out == [
        {"Region": "CentralRegion", "Availability Zone": "", "Compute": "no",
         "Network": "yes", "Volume": "no", "Gateway": "not called", "Failed Jobs": 0,
         "New Jobs": 1},
        {"Region": "RegionOne", "Availability Zone": "az1", "Compute": "yes",
         "Network": "yes", "Volume": "yes", "Gateway": "compute open (5 failures)",
         "Failed Jobs": 2, "New Jobs": 0}]
    assert ("GET", "/jobs", {"status": "FAIL"}) in client.http.calls


def test_status_without_a_catalog_says_unknown_and_long_adds_pod_and_dc():
    closed = {"p0": HEALTH["p0"], "p1": {"health": {"pod_id": "p1", "services": {
        "compute": {"state": "closed", "failures": 0}}}}}
    client = make_client(_with_health({("GET", "/pods"): PODS, ("GET", "/jobs"): _jobs},
                                      closed), session=SimpleNamespace(auth=object()))
    out = json.loads(run(regions.RegionStatus, ["-f", "json", "--long"], client))
    assert out[1]["Compute"] == "-" and out[1]["Volume"] == "-"
    assert out[1]["Gateway"] == "closed"
    assert (out[1]["Pod ID"], out[1]["Data Center"]) == ("p1", "dc1")


def test_status_says_unknown_where_the_breakers_cannot_be_read():
    refused = {pod_id: exceptions.Forbidden("Policy doesn't allow that.")
               for pod_id in HEALTH}
    client = make_client(_with_health({("GET", "/pods"): PODS, ("GET", "/jobs"): _jobs},
                                      refused), session=SimpleNamespace(auth=object()))
    out = json.loads(run(regions.RegionStatus, ["-f", "json"], client))
    assert [row["Gateway"] for row in out] == ["-", "-"]


ROUTINGS = {
    "top_id": {"routings": [{"id": 1, "top_id": "port-1", "bottom_id": "b-1", "pod_id": "p1",
                             "project_id": "proj", "resource_type": "port"}]},
    "bottom_id": {"routings": [{"id": 2, "top_id": "port-9", "bottom_id": "port-1",
                                "pod_id": "gone", "project_id": "proj",
                                "resource_type": "port"}]},
}


def test_locate_searches_top_and_bottom_ids_and_names_the_region():
    client = make_client({
        ("GET", "/routings"): lambda params: ROUTINGS[next(iter(params))],
        ("GET", "/pods/p1"): {"pod": PODS["pods"][1]},
        ("GET", "/pods/gone"): exceptions.NotFound("Pod gone could not be found.")})
    out = json.loads(run(resources.LocateResource, ["port-1", "-f", "json"], client))
    assert out == [
        {"Routing ID": 1, "Region": "RegionOne", "Pod ID": "p1", "Resource Type": "port",
         "Top ID": "port-1", "Bottom ID": "b-1", "Project": "proj"},
        {"Routing ID": 2, "Region": "", "Pod ID": "gone", "Resource Type": "port",
         "Top ID": "port-9", "Bottom ID": "port-1", "Project": "proj"}]


def test_locate_of_an_unknown_id_is_an_error():
    client = make_client({("GET", "/routings"): {"routings": []}})
    with pytest.raises(osc_exceptions.CommandError, match="No routing has nothing"):
        run(resources.LocateResource, ["nothing"], client)
