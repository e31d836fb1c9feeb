"""Batch claims on real databases: workers scanning at once take different jobs.

MariaDB and PostgreSQL lock the batch a worker claims ``FOR UPDATE SKIP
LOCKED``, so another worker's scan passes those jobs by instead of waiting for
them or losing the race for them. SQLite has one writer at a time.
"""

import collections
import threading

import pytest
import sqlalchemy as sa

from tricircle.db import api as db_api
from tricircle.db import models
from tricircle.objects import job as job_obj
from tricircle.xjob import jobs

PORT_DELETE = ("port_delete",)


def _queue(count: int) -> list[str]:
    return [job_obj.create("demo", "port_delete", {"pod_id": "p", "port_id": f"x{i}"})["id"]
            for i in range(count)]


def test_workers_claiming_at_once_each_take_different_jobs(clean_database):
    queued = _queue(60)
    barrier = threading.Barrier(6)
    won: collections.Counter = collections.Counter()
    lock = threading.Lock()

    def scan() -> None:
        barrier.wait()
        for _ in range(5):
            for run in jobs.claim_due(PORT_DELETE, 4):
                with lock:
                    won[run.job.id] += 1

    threads = [threading.Thread(target=scan) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(won) <= set(queued)
    assert max(won.values()) == 1  # no job claimed twice
    assert len(won) == len(queued)  # 6 x 5 scans of 4 were enough: nothing was lost


def test_a_batch_being_claimed_is_skipped_not_waited_for(clean_database):
    if sa.engine.make_url(clean_database).get_backend_name() == "sqlite":
        pytest.skip("SQLite has one writer at a time: a second claim waits by design")
    queued = _queue(6)
    engine = db_api.get_engine()
    with engine.connect() as holder:
        for job_id in queued[:3]:  # one primary-key lock each, as a claim holds them
            holder.execute(sa.select(models.AsyncJob.id).where(models.AsyncJob.id == job_id)
                           .with_for_update())
        # Another worker's scan, while the first three are held: it takes the rest.
        claimed = [run.job.id for run in jobs.claim_due(PORT_DELETE, 6)]
        holder.rollback()
    assert sorted(claimed) == sorted(queued[3:])
    assert sorted(run.job.id for run in jobs.claim_due(PORT_DELETE, 6)) == sorted(queued[:3])
