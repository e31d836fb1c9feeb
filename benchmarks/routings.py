"""A routed call's cost with many pods and many routings, on SQLite, MariaDB and
PostgreSQL; and the admin API's list of a million routings, page by page.

    .venv/bin/python benchmarks/routings.py [--backends sqlite mysql postgresql]
        [--most 1000000] [--samples 200]

For each backend, in a scratch ``bench_`` database (dropped after): the pods
(1, 10, 100, 1,000, each with a compute endpoint) and the routings (10k, 100k,
1M, spread over 1,000 projects) are inserted directly with SQLAlchemy core;
every pod's endpoint is one simulated region (benchmarks/regionsim.py, 0 ms:
what is left is the gateway's own cost). The gateway is this tree's app in this
process (benchmarks/inprocess.py) with [gateway]/routing_cache_seconds = 0, so
every routed call queries the routing table (the default cache of 5 s would
answer repeated calls from memory). Printed: p50/p95 of GET /servers/{id}
through the gateway and directly, and the gateway's added cost (p50 difference).
Then GET /v1.0/routings pages of 1,000 ([api]/max_limit): the first, one in the
middle and the last (their markers taken from the table), p50 of 10 each.
"""

import argparse
import datetime
import random
import sys
import time
import uuid

import requests
import sqlalchemy as sa

sys.path.insert(0, __file__.rsplit("/benchmarks/", 1)[0])

from benchmarks import inprocess  # noqa: E402
from benchmarks.fanout import simulator  # noqa: E402
from benchmarks.regionsim import KINDS, Profile  # noqa: E402
from benchmarks.stats import percentiles, timed  # noqa: E402
from tricircle.db import api as db_api  # noqa: E402
from tricircle.db import models  # noqa: E402
from tricircle.gateway import proxy, regions, store  # noqa: E402

POD_COUNTS = (1, 10, 100, 1000)
ROUTING_COUNTS = (10_000, 100_000, 1_000_000)
BATCH = 20_000
PROJECTS = [uuid.uuid4().hex for _ in range(1000)]
TOKEN = {"X-Auth-Token": "demo:demo"}
ADMIN = {"X-Auth-Token": "admin:admin"}
PAGE = 1000


def add_pods(first: int, last: int, sim_root: str) -> list[str]:
    """Regional pods number ``first`` .. ``last - 1``, each with a compute endpoint."""
    if first >= last:
        return []
    pods, endpoints = [], []
    for index in range(first, last):
        pod_id = str(uuid.uuid4())
        pods.append({"pod_id": pod_id, "region_name": f"BenchPod{index:04d}",
                     "az_name": f"az{index:04d}", "pod_az_name": f"az{index:04d}",
                     "dc_name": ""})
        endpoints.append({"service_id": uuid.uuid4().hex, "pod_id": pod_id,
                          "service_type": "compute", "service_url": f"{sim_root}/compute"})
    with db_api.get_engine().begin() as connection:
        connection.execute(sa.insert(models.Pod.__table__), pods)
        connection.execute(sa.insert(models.CachedEndpoint.__table__), endpoints)
    regions.TABLE.invalidate()
    return [pod["pod_id"] for pod in pods]


def add_routings(count: int, pod_ids: list[str]) -> None:
    """``count`` server routings of random ids over the pods and PROJECTS, in batches."""
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    table = models.ResourceRouting.__table__
    engine = db_api.get_engine()
    done = 0
    while done < count:
        rows = []
        for _ in range(min(BATCH, count - done)):
            top_id = str(uuid.uuid4())
            rows.append({"top_id": top_id, "bottom_id": top_id,
                         "pod_id": random.choice(pod_ids), "project_id": random.choice(PROJECTS),
                         "resource_type": "server", "created_at": now, "updated_at": now})
        with engine.begin() as connection:
            connection.execute(sa.insert(table), rows)
        done += len(rows)


def route_sim_servers(sim: dict, pod_id: str) -> None:
    """Routings of the simulated region's servers (project demo) to ``pod_id``."""
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    with db_api.get_engine().begin() as connection:
        connection.execute(sa.insert(models.ResourceRouting.__table__), [
            {"top_id": sid, "bottom_id": sid, "pod_id": pod_id, "project_id": "demo",
             "resource_type": "server", "created_at": now, "updated_at": now}
            for sid in sim["servers"]])


def routed_cost(api: str, sim: dict, samples: int) -> str:
    http = requests.Session()
    http.headers.update(TOKEN)
    gateway, direct = [], []
    servers = sim["servers"]
    for block in range(max(1, samples // 20)):
        server = servers[block % len(servers)]
        through = f"{api}/compute/v2.1/servers/{server}"
        plain = f"{sim['root']}/compute/v2.1/servers/{server}"
        if block == 0:
            timed(http, through, 10)  # warm: region table, pools
        gateway += timed(http, through, 20)
        direct += timed(http, plain, 20)
    g50, g95 = percentiles(gateway)
    d50, d95 = percentiles(direct)
    return (f"gateway p50 {g50:6.2f} p95 {g95:6.2f} | direct p50 {d50:6.2f} p95 {d95:6.2f}"
            f" | added {g50 - d50:5.2f} ms")


def pages(api: str) -> str:
    """The first, a middle and the last page of 1,000 routings: p50 of 10 each (ms)."""
    with db_api.get_engine().connect() as connection:
        low, high = connection.execute(sa.select(sa.func.min(models.ResourceRouting.id),
                                                 sa.func.max(models.ResourceRouting.id))).one()
    http = requests.Session()
    http.headers.update(ADMIN)
    figures = []
    for label, marker in (("first", None), ("middle", (low + high) // 2),
                          ("last", high - PAGE)):
        url = f"{api}/v1.0/routings?limit={PAGE}" + (f"&marker={marker}" if marker else "")
        answer = http.get(url)
        size = len(answer.json().get("routings", []))
        figures.append(f"{label} {percentiles(timed(http, url, 10))[0]:6.1f} ms "
                       f"({size} rows)")
    return "list pages of 1000: " + ", ".join(figures)


def run(backend: str, most: int, samples: int, sim: dict) -> None:
    print(f"\n{backend}:")
    with inprocess.scratch_database(backend) as url:
        inprocess.configure(url, **{"gateway.routing_cache_seconds": 0,
                                    "gateway.default_region": "BenchPod0000"})
        store.clear_cache()
        with inprocess.served() as api:
            pod_ids = add_pods(0, 1, sim["root"])
            route_sim_servers(sim, pod_ids[0])
            add_routings(ROUTING_COUNTS[0], pod_ids)
            for count in POD_COUNTS:
                pod_ids += add_pods(len(pod_ids), count, sim["root"])
                print(f"  {count:5} pods, {ROUTING_COUNTS[0]:>9,} routings: "
                      f"{routed_cost(api, sim, samples)}", flush=True)
            done = ROUTING_COUNTS[0]
            for count in [c for c in ROUTING_COUNTS[1:] if c <= most]:
                started = time.perf_counter()
                add_routings(count - done, pod_ids)
                inserted = time.perf_counter() - started
                done = count
                print(f"  {len(pod_ids):5} pods, {count:>9,} routings: "
                      f"{routed_cost(api, sim, samples)} (inserted in {inserted:.0f} s)",
                      flush=True)
            print(f"  {pages(api)}", flush=True)
        proxy.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", nargs="+", default=list(inprocess.BACKENDS))
    parser.add_argument("--most", type=int, default=ROUTING_COUNTS[-1],
                        help="stop the routing counts at this many")
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    with simulator(1, Profile({kind: [0.0] for kind in KINDS})) as sims:
        sim = next(iter(sims.values()))
        for backend in args.backends:
            run(backend, args.most, args.samples, sim)


if __name__ == "__main__":
    main()
