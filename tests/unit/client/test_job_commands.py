"""openstack multiregion networking job create|list|show|redo|delete|schemas."""

import json

import pytest

from tests.unit.client.fakes import make_client, run
from tricircleclient.commands import jobs

JOB = {"id": "j1", "type": "port_delete", "project_id": "proj", "status": "FAIL",
       "resource": {"pod_id": "p1", "port_id": "port-1"}, "timestamp": "2026-01-01T00:00:00",
       "attempts": 3, "error": "region down"}


def test_list_columns_and_long():
    client = make_client({("GET", "/jobs"): {"jobs": [JOB]}})
    assert json.loads(run(jobs.ListJobs, ["-f", "json"], client)) == [
        {"ID": "j1", "Project": "proj", "Status": "FAIL", "Timestamp": "2026-01-01T00:00:00",
         "Type": "port_delete"}]
    row = json.loads(run(jobs.ListJobs, ["-f", "json", "--long"], client))[0]
    assert row["Resource"] == {"pod_id": "p1", "port_id": "port-1"}
    assert (row["Attempts"], row["Error"]) == (3, "region down")
    table = run(jobs.ListJobs, ["--long"], client)
    assert "pod_id='p1', port_id='port-1'" in table


def test_list_filters_with_status_in_any_case():
    client = make_client({("GET", "/jobs"): {"jobs": []}})
    run(jobs.ListJobs, ["--status", "fail", "--type", "port_delete", "--project-id", "proj",
                        "--limit", "2", "--marker", "j0"], client)
    assert client.http.calls == [("GET", "/jobs", {
        "project_id": "proj", "status": "FAIL", "type": "port_delete", "limit": "2",
        "marker": "j0"})]


def test_list_refuses_an_unknown_status():
    with pytest.raises(SystemExit):
        run(jobs.ListJobs, ["--status", "sleeping"], make_client({}))


def test_create_merges_resource_pairs_and_retired_options():
    client = make_client({("POST", "/jobs"): {"job": JOB}})
    out = run(jobs.CreateJob, ["--type", "port_delete", "--project_id", "proj",
                               "--pod_id", "p1", "--resource", "port_id=port-1",
                               "-f", "json"], client)
    assert json.loads(out)["resource"] == {"pod_id": "p1", "port_id": "port-1"}
    assert client.http.calls == [("POST", "/jobs", {"job": {
        "type": "port_delete", "project_id": "proj",
        "resource": {"pod_id": "p1", "port_id": "port-1"}}})]


def test_create_accepts_dashed_options_too():
    client = make_client({("POST", "/jobs"): {"job": JOB}})
    run(jobs.CreateJob, ["--type", "sync_qos_rule", "--project-id", "proj",
                         "--rule-id", "r1"], client)
    assert client.http.calls[0][2]["job"]["resource"] == {"rule_id": "r1"}


def test_create_needs_type_and_project():
    with pytest.raises(SystemExit):
        run(jobs.CreateJob, ["--type", "port_delete"], make_client({}))


def test_show_and_redo_print_the_job():
    client = make_client({("GET", "/jobs/j1"): {"job": JOB},
                          ("PUT", "/jobs/j1"): {"job": dict(JOB, status="NEW")}})
    assert run(jobs.ShowJob, ["j1", "-f", "value", "-c", "status"], client).strip() == "FAIL"
    assert run(jobs.RedoJob, ["j1", "-f", "value", "-c", "status"], client).strip() == "NEW"
    assert client.http.calls[1] == ("PUT", "/jobs/j1", None)


def test_delete_several():
    client = make_client({("DELETE", "/jobs/j1"): None, ("DELETE", "/jobs/j2"): None})
    run(jobs.DeleteJob, ["j1", "j2"], client)
    assert len(client.http.calls) == 2


def test_schemas_keep_the_server_order_of_resource_fields():
    client = make_client({("GET", "/jobs/schemas"): {"schemas": [
        {"type": "router_setup", "resource": ["pod_id", "router_id", "network_id"],
         "handled": False}]}})
    assert "| router_setup | pod_id, router_id, network_id | False   |" in run(
        jobs.ListJobSchemas, [], client)
    assert json.loads(run(jobs.ListJobSchemas, ["-f", "json"], client))[0]["Resource"] == [
        "pod_id", "router_id", "network_id"]
