"""How fast tricircle-xjob workers drain a backlog of cheap jobs, and that none runs
twice, on MariaDB and PostgreSQL over RabbitMQ.

    .venv/bin/python benchmarks/xjob_drain.py [--jobs 10000] [--workers 1 2 4]
        [--backends mysql postgresql] [--transport rabbit://guest:guest@127.0.0.1:5672/]

For each backend, a scratch ``bench_`` database (dropped after) gets ``--jobs``
NEW resource_recycle jobs inserted directly; then 1, 2 and 4 worker processes
(tricircle.xjob.service.Worker, [xjob]/threads 4 each, RPC over RabbitMQ on a
topic of this run only) drain it. Their handler does nothing but append the
job's id to a file of its process, so what is measured is the claiming,
recording and waking of the worker loop against the database; the parent
casts run_job once, as tricircle-api does after queueing. Printed: jobs/s from
the cast until no job is NEW or RUNNING, the jobs run more than once (must be
0), the jobs logged as succeeded (must be all) and each worker's resident memory
(RSS) at rest and at most while draining.
"""

import argparse
import collections
import datetime
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, __file__.rsplit("/benchmarks/", 1)[0])

from benchmarks import inprocess  # noqa: E402
from benchmarks.stats import rss_mib  # noqa: E402
from tricircle.common import constants  # noqa: E402
from tricircle.db import api as db_api  # noqa: E402
from tricircle.db import models  # noqa: E402
from tricircle.objects import job as job_obj  # noqa: E402

JOB_TYPE = "resource_recycle"  # one resource field (project_id): cheap to make unique
DEFAULT_TRANSPORT = "rabbit://guest:guest@127.0.0.1:5672/"


# -- a worker process ------------------------------------------------------------------

def worker(database_url: str, transport: str, topic: str, ran_file: str) -> None:
    """One tricircle-xjob worker whose only handler records the job it ran; starts on
    'go' from stdin, stops when stdin closes."""
    from tricircle.xjob import registry, rpcapi, service

    inprocess.configure(database_url, migrate=False, transport_url=transport)
    rpcapi.TOPIC = topic  # this run's workers only, on a shared broker
    handlers = registry.Registry()
    record = os.open(ran_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT)

    @handlers.handler(JOB_TYPE)
    def ran(job: registry.Job) -> None:
        os.write(record, f"{job.id}\n".encode())  # one short write: atomic with O_APPEND

    print("ready", flush=True)
    sys.stdin.readline()
    running = service.Worker(handlers=handlers, name=f"bench-{os.getpid()}")
    running.start()
    sys.stdin.read()
    running.stop()


# -- the benchmark ---------------------------------------------------------------------

def queue_backlog(count: int) -> None:
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None) - datetime.timedelta(
        seconds=1)
    engine = db_api.get_engine()
    with engine.begin() as connection:
        connection.execute(sa.delete(models.AsyncJob.__table__))
        connection.execute(sa.delete(models.AsyncJobLog.__table__))
        for start in range(0, count, 5000):
            connection.execute(sa.insert(models.AsyncJob.__table__), [
                {"id": str(uuid.uuid4()), "project_id": "bench", "type": JOB_TYPE,
                 "timestamp": now, "status": constants.JOB_NEW,
                 "resource_id": f"bench-{index}", "extra_id": job_obj.SINGLETON_EXTRA_ID,
                 "attempts": 0}
                for index in range(start, min(count, start + 5000))])


def unfinished() -> int:
    with db_api.get_engine().connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(
            models.AsyncJob.__table__).where(models.AsyncJob.status.in_(
                (constants.JOB_NEW, constants.JOB_RUNNING)))).scalar_one()


def logged() -> int:
    with db_api.get_engine().connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(
            models.AsyncJobLog.__table__)).scalar_one()


def wake(transport: str, topic: str) -> None:
    """The cast tricircle-api sends after queueing: over RabbitMQ to this run's topic."""
    from tricircle.xjob import rpcapi

    rpcapi.reset()
    rpcapi.TOPIC = topic
    rpcapi.run_job("bench-wake")


def drain(url: str, transport: str, workers: int, jobs: int, timeout: float) -> str:
    queue_backlog(jobs)
    topic = f"tricircle-xjob-bench-{uuid.uuid4().hex[:8]}"
    files = []
    for _ in range(workers):
        with tempfile.NamedTemporaryFile(prefix="bench-xjob-ran-", delete=False) as made:
            files.append(made.name)
    argv = [sys.executable, __file__, "--worker", url, transport, topic]
    processes = [subprocess.Popen(argv + [path], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True) for path in files]
    try:
        for process in processes:
            if process.stdout.readline().strip() != "ready":
                raise SystemExit("a worker did not start")
        pids = [process.pid for process in processes]
        at_rest = peak = rss_mib(pids) / workers
        started = time.perf_counter()
        for process in processes:
            process.stdin.write("go\n")
            process.stdin.flush()
        wake(transport, topic)
        while unfinished() and time.perf_counter() - started < timeout:
            time.sleep(0.1)
            peak = max(peak, rss_mib(pids) / workers)
        elapsed = time.perf_counter() - started
        left = unfinished()
    finally:
        for process in processes:
            process.stdin.close()
        for process in processes:
            process.wait(60)
    runs = collections.Counter(line for path in files
                               for line in Path(path).read_text().split())
    for path in files:
        Path(path).unlink(missing_ok=True)
    twice = sum(1 for count in runs.values() if count > 1)
    done = jobs - left
    return (f"{workers} worker(s) x 4 threads: {done / elapsed:7.1f} jobs/s ({done} in "
            f"{elapsed:5.1f} s; left {left}); ran twice: {twice}; logged: {logged()}; "
            f"RSS per worker {at_rest:.0f} MiB at rest, {peak:.0f} MiB at most draining")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(*sys.argv[2:6])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--backends", nargs="+", default=["mysql", "postgresql"])
    parser.add_argument("--transport", default=DEFAULT_TRANSPORT)
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="seconds one drain may take before it is reported unfinished")
    args = parser.parse_args()
    for backend in args.backends:
        with inprocess.scratch_database(backend) as url:
            inprocess.configure(url, transport_url=args.transport)
            print(f"{backend}:", flush=True)
            for count in args.workers:
                print("  " + drain(url, args.transport, count, args.jobs, args.timeout),
                      flush=True)


if __name__ == "__main__":
    main()
