"""Claiming and finishing jobs: one run per job, one running job per (type, resource)."""

import datetime

import sqlalchemy as sa

from tricircle.common import constants
from tricircle.db import api as db_api
from tricircle.db import models
from tricircle.objects import job as job_obj
from tricircle.xjob import jobs

PORT_DELETE = ("port_delete",)


def _new(port="port-1") -> dict:
    return job_obj.create("demo", "port_delete", {"pod_id": "pod-1", "port_id": port})


@db_api.reader
def _row(session, job_id):
    row = session.get(models.AsyncJob, job_id)
    return None if row is None else (row.status, row.attempts, row.timestamp, row.error,
                                      row.extra_id)


@db_api.reader
def _logged(session) -> list[str]:
    return list(session.scalars(sa.select(models.AsyncJobLog.id)))


@db_api.writer
def _age(session, job_id, seconds):
    row = session.get(models.AsyncJob, job_id)
    row.timestamp -= datetime.timedelta(seconds=seconds)


def test_a_job_is_claimed_once(db):
    job = _new()
    assert jobs.due(PORT_DELETE, 10) == [(job["id"], 0)]
    claimed = jobs.claim(job["id"], 0)
    assert claimed.job.resource == {"pod_id": "pod-1", "port_id": "port-1"}
    assert claimed.attempts == 1
    assert jobs.claim(job["id"], 0) is None  # a second worker with the same look
    assert _row(job["id"])[:2] == ("RUNNING", 1)
    assert jobs.due(PORT_DELETE, 10) == []


def test_one_running_job_per_type_and_resource(db):
    first = _new()
    claimed = jobs.claim(first["id"], 0)
    second = _new()  # the same work queued again while the first runs
    assert second["id"] != first["id"]
    assert jobs.claim(second["id"], 0) is None
    assert jobs.succeed(claimed)
    assert jobs.claim(second["id"], 0) is not None


def test_only_jobs_of_handled_types_due_now_are_offered(db):
    job = _new()
    job_obj.create("demo", "router_setup", {"pod_id": "p", "router_id": "r",
                                            "network_id": "n"})
    assert [j for j, _ in jobs.due(PORT_DELETE, 10)] == [job["id"]]
    assert jobs.due((), 10) == []
    assert [t for _, t in jobs.unhandled(PORT_DELETE)] == ["router_setup"]


def test_success_moves_the_job_to_the_log_and_drops_failed_jobs_of_the_same_work(db):
    failed = jobs.claim(_new()["id"], 0)
    assert jobs.fail(failed, "boom", None) == "FAIL"
    job = _new()
    assert jobs.succeed(jobs.claim(job["id"], 0))
    assert _row(job["id"]) is None and _row(failed.job.id) is None
    assert _logged() == [job["id"]]


def test_a_failed_attempt_waits_then_a_last_one_fails(db):
    job = _new()
    claimed = jobs.claim(job["id"], 0)
    assert jobs.fail(claimed, "RegionError: 503", retry_in=60) == "NEW"
    status, attempts, timestamp, error, _ = _row(job["id"])
    assert (status, attempts, error) == ("NEW", 1, "RegionError: 503")
    assert timestamp > models.utcnow() + datetime.timedelta(seconds=50)
    assert jobs.due(PORT_DELETE, 10) == []  # backing off

    _age(job["id"], 120)
    claimed = jobs.claim(job["id"], 1)
    assert jobs.fail(claimed, "still 503", retry_in=None) == "FAIL"
    assert _row(job["id"])[0::3] == ("FAIL", "still 503")
    assert _row(job["id"])[4] == job["id"]  # own extra_id: failed jobs may pile up


def test_a_failure_merges_into_the_same_work_queued_meanwhile(db):
    claimed = jobs.claim(_new()["id"], 0)
    queued = _new()
    assert jobs.fail(claimed, "boom", retry_in=1) == "merged"
    assert _row(claimed.job.id) is None
    assert _row(queued["id"])[0] == "NEW"


def test_an_abandoned_run_is_requeued_and_its_old_worker_cannot_finish_it(db):
    job = _new()
    old_run = jobs.claim(job["id"], 0)
    assert jobs.requeue_abandoned(expire=60) == []
    _age(job["id"], 120)
    jobs.heartbeat([old_run])  # a live worker: not abandoned
    assert jobs.requeue_abandoned(expire=60) == []

    _age(job["id"], 120)
    assert jobs.requeue_abandoned(expire=60) == [job["id"]]
    assert _row(job["id"])[0] == "NEW"
    new_run = jobs.claim(job["id"], 1)
    assert not jobs.succeed(old_run)
    assert jobs.succeed(new_run)


def test_old_failed_jobs_are_redone(db):
    job = _new()
    assert jobs.fail(jobs.claim(job["id"], 0), "boom", None) == constants.JOB_FAIL
    assert jobs.redo_failed(older_than=60) == []
    _age(job["id"], 120)
    assert jobs.redo_failed(older_than=60) == [job["id"]]
    assert _row(job["id"])[:2] == ("NEW", 1)


def test_the_loop_knows_when_the_next_retry_is_due(db):
    assert jobs.seconds_to_next_due(PORT_DELETE) is None
    job = _new()
    assert jobs.seconds_to_next_due(PORT_DELETE) is None  # due now: the scan takes it
    jobs.fail(jobs.claim(job["id"], 0), "boom", retry_in=30)
    assert 25 < jobs.seconds_to_next_due(PORT_DELETE) <= 30
    assert jobs.seconds_to_next_due(("trunk_sync",)) is None


def test_a_batch_claim_takes_the_oldest_due_jobs_up_to_the_limit(db):
    queued = [_new(f"port-{i}")["id"] for i in range(5)]
    for age, job_id in enumerate(reversed(queued)):
        _age(job_id, 10 + age)  # the first queued is the oldest
    claimed = jobs.claim_due(PORT_DELETE, 3)
    assert [run.job.id for run in claimed] == queued[:3]
    assert all(run.attempts == 1 and run.job.attempts == 1 for run in claimed)
    assert claimed[0].job.resource == {"pod_id": "pod-1", "port_id": "port-0"}
    assert [_row(job_id)[0] for job_id in queued] == ["RUNNING"] * 3 + ["NEW"] * 2
    assert [run.job.id for run in jobs.claim_due(PORT_DELETE, 10)] == queued[3:]
    assert jobs.claim_due(PORT_DELETE, 10) == []


def test_a_batch_claim_leaves_out_work_that_runs_and_jobs_backing_off(db):
    _new("busy")
    running = jobs.claim_due(PORT_DELETE, 1)[0]
    again = _new("busy")  # the same work queued again while it runs
    free = _new("free")
    waiting = _new("later")
    jobs.fail(jobs.claim(waiting["id"], 0), "boom", retry_in=60)
    assert [run.job.id for run in jobs.claim_due(PORT_DELETE, 10)] == [free["id"]]
    assert _row(again["id"])[0] == "NEW"
    assert jobs.succeed(running)
    claimed = jobs.claim_due(PORT_DELETE, 10)
    assert [run.job.id for run in claimed] == [again["id"]]


def test_a_job_claimed_in_a_batch_is_finished_and_requeued_like_any_run(db):
    _new()
    run = jobs.claim_due(PORT_DELETE, 1)[0]
    _age(run.job.id, 120)
    assert jobs.requeue_abandoned(expire=60) == [run.job.id]
    second = jobs.claim_due(PORT_DELETE, 1)[0]
    assert second.attempts == 2
    assert not jobs.succeed(run)  # the run that was taken from its worker
    assert jobs.succeed(second)
    assert _logged() == [run.job.id]
