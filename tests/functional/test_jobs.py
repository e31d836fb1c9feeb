"""Jobs: queued once per (type, resource), listed with the finished ones, redone."""

import datetime

from tricircle.common import constants
from tricircle.db import api as db_api
from tricircle.db import models
from tricircle.xjob import handlers


def _job(job_type="port_delete", project="demo", **resource):
    resource = resource or {"pod_id": "pod-1", "port_id": "port-1"}
    return {"job": {"type": job_type, "project_id": project, "resource": resource}}


@db_api.writer
def _set_status(session, job_id, status):
    job = session.get(models.AsyncJob, job_id)
    job.status = status
    job.extra_id = job_id


@db_api.writer
def _log_success(session, job_id, project="demo"):
    session.add(models.AsyncJobLog(
        id=job_id, project_id=project, type="configure_route", resource_id="router-9",
        timestamp=datetime.datetime(2026, 1, 1)))


def test_schemas_list_every_job_type(api):
    schemas = api.get("/v1.0/jobs/schemas").json["schemas"]
    assert {s["type"] for s in schemas} == set(constants.JOB_TYPES)
    router_setup = next(s for s in schemas if s["type"] == "router_setup")
    assert router_setup["resource"] == ["pod_id", "router_id", "network_id"]


def test_create_is_accepted_and_queued(api):
    resp = api.post("/v1.0/jobs", _job())
    assert resp.status_int == 202
    job = resp.json["job"]
    assert job["status"] == "NEW"
    assert job["resource"] == {"pod_id": "pod-1", "port_id": "port-1"}
    assert api.get(f"/v1.0/jobs/{job['id']}").json["job"] == job


def test_the_same_work_is_queued_once(api):
    first = api.post("/v1.0/jobs", _job()).json["job"]
    second = api.post("/v1.0/jobs", _job()).json["job"]
    assert second["id"] == first["id"]
    other = api.post("/v1.0/jobs", _job(pod_id="pod-1", port_id="port-2")).json["job"]
    assert other["id"] != first["id"]


def test_resource_must_hold_the_fields_of_its_type(api):
    resp = api.post("/v1.0/jobs", _job("router_setup", pod_id="p", router_id="r"))
    assert resp.status_int == 400
    message = resp.json["badRequest"]["message"]
    assert "job/resource" in message and "network_id" in message

    resp = api.post("/v1.0/jobs", _job("no_such_type", router_id="r"))
    assert resp.status_int == 400 and "job/type" in resp.json["badRequest"]["message"]


def test_list_merges_finished_jobs_newest_first_and_pages(api):
    queued = [api.post("/v1.0/jobs", _job(pod_id="p", port_id=f"port-{i}")).json["job"]
              for i in range(3)]
    _log_success("11111111-1111-4111-8111-111111111111")

    jobs = api.get("/v1.0/jobs").json["jobs"]
    assert [j["status"] for j in jobs] == ["NEW", "NEW", "NEW", "SUCCESS"]
    assert {j["id"] for j in jobs[:3]} == {j["id"] for j in queued}

    page = api.get("/v1.0/jobs?limit=2").json
    rest = api.get(page["jobs_links"][0]["href"].replace("http://localhost", "")).json
    assert [j["id"] for j in page["jobs"] + rest["jobs"]] == [j["id"] for j in jobs]

    success = api.get("/v1.0/jobs?status=success").json["jobs"]
    assert [j["resource"] for j in success] == [{"router_id": "router-9"}]
    assert api.get("/v1.0/jobs/detail?type=configure_route").json["jobs"] == success


def test_redo_a_failed_job_and_refuse_a_running_one(api):
    job = api.post("/v1.0/jobs", _job()).json["job"]
    _set_status(job["id"], constants.JOB_FAIL)

    redone = api.put(f"/v1.0/jobs/{job['id']}")
    assert redone.status_int == 200 and redone.json["job"]["status"] == "NEW"

    _set_status(job["id"], constants.JOB_RUNNING)
    assert api.put(f"/v1.0/jobs/{job['id']}").status_int == 409
    assert api.delete(f"/v1.0/jobs/{job['id']}").status_int == 409


def test_redo_merges_into_work_queued_meanwhile(api):
    failed = api.post("/v1.0/jobs", _job()).json["job"]
    _set_status(failed["id"], constants.JOB_FAIL)
    queued = api.post("/v1.0/jobs", _job()).json["job"]
    assert queued["id"] != failed["id"]

    redone = api.put(f"/v1.0/jobs/{failed['id']}").json["job"]
    assert redone["id"] == queued["id"]
    assert api.get(f"/v1.0/jobs/{failed['id']}").status_int == 404


def test_redo_of_a_finished_job_is_a_conflict(api):
    _log_success("22222222-2222-4222-8222-222222222222")
    resp = api.put("/v1.0/jobs/22222222-2222-4222-8222-222222222222")
    assert resp.status_int == 409


def test_delete(api):
    job = api.post("/v1.0/jobs", _job()).json["job"]
    assert api.delete(f"/v1.0/jobs/{job['id']}").status_int == 204
    assert api.get(f"/v1.0/jobs/{job['id']}").status_int == 404
    assert api.delete(f"/v1.0/jobs/{job['id']}").status_int == 404


def test_members_see_their_own_jobs_only(api):
    mine = api.post("/v1.0/jobs", _job(project="demo")).json["job"]
    theirs = api.post("/v1.0/jobs", _job("seg_rule_setup", project="other",
                                         project_id="other")).json["job"]
    member = api.as_user("alice", "demo")
    assert [j["id"] for j in member.get("/v1.0/jobs").json["jobs"]] == [mine["id"]]
    assert member.get(f"/v1.0/jobs/{theirs['id']}").status_int == 404
    assert member.post("/v1.0/jobs", _job()).status_int == 403


def test_a_type_no_worker_handles_is_refused_naming_the_handled_ones(api, monkeypatch):
    # Every type has a handler today: take one away, as a worker of an older
    # release would run without it.
    unhandled = "sfc_sync"
    monkeypatch.delitem(handlers.HANDLERS._handlers, unhandled)
    resource = {key: f"{key}-1" for key in constants.JOB_TYPES[unhandled]}
    resp = api.post("/v1.0/jobs", _job(unhandled, **resource))
    assert resp.status_int == 400
    message = resp.json["badRequest"]["message"]
    assert "job/type" in message and unhandled in message
    assert all(job_type in message for job_type in handlers.HANDLERS.types())
    assert api.get("/v1.0/jobs").json["jobs"] == []  # nothing left to stay NEW forever


def test_schemas_say_which_types_post_accepts(api):
    schemas = api.get("/v1.0/jobs/schemas").json["schemas"]
    handled = {s["type"] for s in schemas if s["handled"]}
    assert handled == set(handlers.HANDLERS.types())
    for schema in schemas:
        resource = {field: f"{field}-1" for field in schema["resource"]}
        status = api.post("/v1.0/jobs", _job(schema["type"], **resource)).status_int
        assert status == (202 if schema["handled"] else 400), schema["type"]
