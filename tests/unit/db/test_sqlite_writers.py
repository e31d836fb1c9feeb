"""On the embedded SQLite default, writers that read first do not fail each other.

Two transactions that both read and then write used to deadlock, and SQLite
answered one of them "database is locked" at once. Write transactions now take
the write lock when they begin, so the second waits its turn; readers still
read while a writer works.
"""

import threading
import time

import sqlalchemy as sa

from tricircle.db import api as db_api
from tricircle.db import models


@db_api.writer
def _count_then_add(session, region: str, started: threading.Event) -> None:
    count = session.scalar(sa.select(sa.func.count()).select_from(models.Pod))
    started.set()
    time.sleep(0.3)  # the other writer starts meanwhile
    session.add(models.Pod(pod_id=f"pod-{region}", region_name=region,
                           az_name=f"az{count}"))


@db_api.reader
def _regions(session) -> list[str]:
    return sorted(session.scalars(sa.select(models.Pod.region_name)))


def test_two_writers_that_read_first_both_commit(db):
    errors, threads = [], []
    for region in ("RegionOne", "RegionTwo"):
        started = threading.Event()

        def write(region=region, started=started):
            try:
                _count_then_add(region, started)
            except Exception as exc:  # noqa: BLE001 - what the other thread saw
                errors.append(exc)
        threads.append(threading.Thread(target=write))
        threads[-1].start()
        started.wait(5)
    for thread in threads:
        thread.join(10)
    assert errors == []
    assert _regions() == ["RegionOne", "RegionTwo"]


def test_a_reader_does_not_wait_for_a_writer(db):
    started, done = threading.Event(), threading.Event()
    writer = threading.Thread(target=lambda: (_count_then_add("RegionOne", started),
                                              done.set()))
    writer.start()
    started.wait(5)
    assert _regions() == []  # read while the writer holds the write lock
    assert not done.is_set()
    writer.join(10)
    assert _regions() == ["RegionOne"]
