"""Admin API latency with 100,000 routings: paginated list and show.

Runs tricircle-api's WSGI app in a real HTTP server (cheroot, as tricircle-api
does) on 127.0.0.1 and calls it over a keep-alive connection, once per
database: SQLite always, MariaDB and PostgreSQL when they answer.

    .venv/bin/python benchmarks/admin_api.py [--routings 100000] [--requests 300]
"""

import argparse
import datetime
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid

import requests
import sqlalchemy as sa
from cheroot import wsgi

sys.path.insert(0, __file__.rsplit("/benchmarks/", 1)[0])

from tests import databases  # noqa: E402
from tests.functional.conftest import configure  # noqa: E402
from tricircle.api import app as api_app  # noqa: E402
from tricircle.db import api as db_api  # noqa: E402
from tricircle.db import migration, models  # noqa: E402

PROJECTS = [f"project-{i}" for i in range(50)]
TYPES = ["network", "subnet", "port", "server", "volume"]


def fill(count: int, pod_ids: list[str]) -> float:
    """Insert ``count`` routings in batches; returns the seconds it took."""
    started = time.perf_counter()
    now = datetime.datetime(2026, 11, 24)
    with db_api.get_engine().begin() as connection:
        connection.execute(sa.insert(models.Pod), [
            {"pod_id": pod_id, "region_name": f"Region{i}", "az_name": f"az{i}",
             "pod_az_name": "", "dc_name": ""} for i, pod_id in enumerate(pod_ids)])
        for start in range(0, count, 5000):
            rows = []
            for i in range(start, min(start + 5000, count)):
                top = str(uuid.UUID(int=i))
                rows.append({"top_id": top, "bottom_id": top,
                             "pod_id": pod_ids[i % len(pod_ids)],
                             "project_id": PROJECTS[i % len(PROJECTS)],
                             "resource_type": TYPES[i % len(TYPES)], "created_at": now})
            connection.execute(sa.insert(models.ResourceRouting), rows)
    return time.perf_counter() - started


def serve(app) -> tuple[wsgi.Server, str]:
    server = wsgi.Server(("127.0.0.1", 0), app, numthreads=4)
    server.prepare()
    threading.Thread(target=server.serve, daemon=True).start()
    host, port = server.bind_addr
    return server, f"http://{host}:{port}"


def measure(session: requests.Session, urls: list[str]) -> tuple[float, float]:
    """p50 and p95 latency in milliseconds over ``urls`` (each must answer 200)."""
    timings = []
    for url in urls:
        started = time.perf_counter()
        response = session.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code, response.text)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def run_backend(backend: str, count: int, requests_per_case: int) -> list[tuple] | None:
    workdir = tempfile.mkdtemp(prefix="tricircle-bench-")
    try:
        url = databases.create_database(backend, workdir)
    except BaseException as exc:  # pytest.skip raises a BaseException subclass
        print(f"{backend}: skipped ({exc})")
        return None
    try:
        configure(url, workdir)
        migration.upgrade()
        fill_seconds = fill(count, [str(uuid.uuid4()) for _ in range(3)])
        server, base = serve(api_app.build_app())
        session = requests.Session()
        session.headers["X-Auth-Token"] = "admin:admin"
        rand = random.Random(42)
        markers = [rand.randrange(1, count - 200) for _ in range(requests_per_case)]
        cases = {
            "list limit=100 (marker)": [f"{base}/v1.0/routings?limit=100&marker={m}"
                                        for m in markers],
            "list project filter limit=100": [
                f"{base}/v1.0/routings?project_id={rand.choice(PROJECTS)}&limit=100"
                f"&marker={m}" for m in markers],
            "show": [f"{base}/v1.0/routings/{rand.randrange(1, count)}"
                     for _ in range(requests_per_case)],
        }
        measure(session, cases["show"][:20])  # warm the connection and caches
        results = [(backend, name, *measure(session, urls)) for name, urls in cases.items()]
        print(f"{backend}: filled {count} routings in {fill_seconds:.1f} s")
        server.stop()
        return results
    finally:
        db_api.get_engine().dispose()
        databases.drop_database(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--routings", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    rows = []
    for backend in databases.BACKENDS:
        rows += run_backend(backend, args.routings, args.requests) or []
    print(f"\n{'database':<11} {'request':<31} {'p50 ms':>8} {'p95 ms':>8}")
    for backend, name, p50, p95 in rows:
        print(f"{backend:<11} {name:<31} {p50:>8.2f} {p95:>8.2f}")


if __name__ == "__main__":
    main()
