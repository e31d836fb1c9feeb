"""Throughput of one host: routed GETs through tricircle-api under uWSGI against the
same GETs made directly to the region, at 1, 10, 100 and 1,000 concurrent clients;
the knee; and the memory of tricircle-api and tricircle-xjob.

    flock ~/.cache/tricircle/lab.lock .venv/bin/python benchmarks/throughput.py \\
        [--clients 1 10 100 1000] [--duration 10] [--shapes 4x8]
    .venv/bin/python benchmarks/throughput.py --simulated [--latency-ms 40] \\
        [--backend mysql] [--shapes 2x8 4x8 4x16 8x8]

tricircle-api is this tree's, started beside the lab's (benchmarks/own_api.py:
uWSGI, processes x threads per ``--shapes``; the packaged
etc/tricircle/tricircle-api-uwsgi.ini has 4x8). Each client is a thread with
its own keep-alive session sending GET /compute/v2.1/servers/{id} back to back
for ``--duration`` seconds (from 100 clients on, the threads are spread over
``--client-processes`` processes), first through the gateway, then directly to the
region (the same client code, so the client's own cost is in both).

The region is the lab's RegionOne (one server is booted there for the run),
whose nova-api saturates at a few tens of requests/s on this machine; or, with
``--simulated``, one simulated region (benchmarks/regionsim.py, a benchmark
device) answering after ``--latency-ms`` (about what RegionOne's show takes at
rest) without saturating, so what gives out first is the gateway: its own
database is a scratch ``bench_`` one of ``--backend`` (noauth) with the one pod
and the server's routing, and the lab only lends its uWSGI (it need not run).

Printed per shape and client count: requests/s, p50 and p99 (ms) and errors of
both, and the ratio; the CPU time tricircle-api used per request it served (user
and system, all its processes: what sizes a fleet, whatever else shares the
host); the knee is the first count whose gateway p50 is at least
twice the one-client p50. RSS (MiB) of tricircle-api (uWSGI master, router and
workers) at rest and at the end of each load, and of the lab's tricircle-xjob
(its pid file) at rest. Only 127.0.0.1 is called; clients and duration are
bounded.
"""

import argparse
import contextlib
import dataclasses
import multiprocessing
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import requests

sys.path.insert(0, __file__.rsplit("/benchmarks/", 1)[0])

from benchmarks import inprocess, own_api, regionsim  # noqa: E402
from benchmarks.fanout import simulator  # noqa: E402
from benchmarks.routings import add_pods  # noqa: E402
from benchmarks.stats import percentile, rss_mib  # noqa: E402
from tricircle.gateway import store  # noqa: E402
from tricircle.lab import catalog  # noqa: E402
from tricircle.lab.infra import passwords  # noqa: E402
from tricircle.lab.layout import REGIONS, Layout  # noqa: E402

MAX_CLIENTS = 1000
MAX_DURATION = 60.0
CLIENT_TIMEOUT = 30.0


def tree(pid: int) -> list[int]:
    """``pid`` and its children (uWSGI's master, workers and HTTP router)."""
    found = [pid]
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        found += tree(int(child))
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time ``pids`` have used so far (those gone count 0)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / ticks


def load(url: str, token: str, clients: int, duration: float) -> tuple[list[float], int]:
    """``clients`` threads GETting ``url`` back to back: latencies and errors."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def client() -> None:
        http = requests.Session()
        http.headers["X-Auth-Token"] = token
        mine, failed = [], 0
        start.wait()
        while time.monotonic() < stop_at[0]:
            began = time.perf_counter()
            try:
                ok = http.get(url, timeout=CLIENT_TIMEOUT).status_code == 200
            except requests.RequestException:
                ok = False
            mine.append(time.perf_counter() - began)
            failed += not ok
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.monotonic() + duration
    start.wait()
    for thread in threads:
        thread.join(duration + CLIENT_TIMEOUT + 5)
    return latencies, errors[0]


def spread_load(url: str, token: str, clients: int, duration: float,
                processes: int) -> tuple[list[float], int]:
    """``load`` split over ``processes`` client processes (from 100 clients on), so
    that 1,000 client threads do not all wait for one interpreter lock; the
    processes start together within a few ms, which is noise against
    ``duration``."""
    if processes <= 1 or clients < 100:
        return load(url, token, clients, duration)
    shares = [clients // processes + (i < clients % processes) for i in range(processes)]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        results = pool.starmap(load, [(url, token, share, duration) for share in shares])
    return [s for latencies, _ in results for s in latencies], sum(e for _, e in results)


def line(label: str, latencies: list[float], errors: int, duration: float) -> str:
    return (f"{label} {len(latencies) / duration:7.1f}/s p50 {percentile(latencies, 0.5):8.2f}"
            f" p99 {percentile(latencies, 0.99):8.2f} errors {errors}")


@dataclasses.dataclass
class Target:
    """What the clients GET: ``path`` under the gateway, ``direct`` at the region."""

    path: str
    direct: str
    token: str
    base_conf: Path | None = None  # None: the lab's tricircle.conf
    xjob_pid: int | None = None


@contextlib.contextmanager
def lab_target() -> Iterator[Target]:
    """A server booted in the lab's RegionOne for the run, deleted after."""
    layout = Layout.default()
    region = REGIONS[0]
    conn = catalog.connect("demo", "demo", passwords(layout)["demo"], region.name)
    image = conn.image.find_image(catalog.IMAGE_NAME).id
    server = conn.compute.create_server(name="bench-throughput", flavor_id="1",
                                        image_id=image, networks="none")
    try:
        conn.compute.wait_for_server(server, wait=180)
        nova = conn.endpoint_for("compute", region_name=region.name)
        yield Target(f"/compute/v2.1/servers/{server.id}", f"{nova}/servers/{server.id}",
                     conn.auth_token,
                     xjob_pid=int((layout.run / "tricircle-xjob.pid").read_text()))
    finally:
        conn.compute.delete_server(server, ignore_missing=True)


@contextlib.contextmanager
def simulated_target(latency_ms: float, backend: str) -> Iterator[Target]:
    """One simulated region behind a gateway on a scratch database: its pod, its
    endpoint and the routing of one of its servers."""
    profile = regionsim.Profile({kind: [latency_ms / 1000] for kind in regionsim.KINDS})
    with simulator(1, profile) as sims, inprocess.scratch_database(backend) as url:
        inprocess.configure(url)
        sim = next(iter(sims.values()))
        pod_id = add_pods(0, 1, sim["root"])[0]
        server = sim["servers"][0]
        store.record("server", server, pod_id, "demo")
        work = Path(tempfile.mkdtemp(prefix="bench-throughput-"))
        conf = work / "tricircle.conf"
        conf.write_text(f"[DEFAULT]\nauth_strategy = noauth\nstate_path = {work}\n\n"
                        f"[database]\nconnection = {url}\n")
        yield Target(f"/compute/v2.1/servers/{server}",
                     f"{sim['root']}/compute/v2.1/servers/{server}", "demo:demo", conf)


def shape(text: str) -> tuple[int, int]:
    """'4x8' -> (4 processes, 8 threads)."""
    processes, _, threads = text.partition("x")
    try:
        return int(processes), int(threads)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not PROCESSESxTHREADS") from None


def curve(target: Target, processes: int, threads: int, clients: list[int],
          duration: float, direct: dict[int, tuple[list[float], int]],
          client_processes: int) -> None:
    """The gateway of one shape against the direct calls (measured once per client
    count, kept in ``direct`` for the next shapes)."""
    with own_api.running(processes=processes, threads=threads,
                         base_conf=target.base_conf) as api:
        through = own_api.URL + target.path
        load(through, target.token, processes * threads, 1.0)  # warm every process
        xjob = (f"; tricircle-xjob RSS at rest {rss_mib([target.xjob_pid]):.0f} MiB"
                if target.xjob_pid else "")
        print(f"\ntricircle-api {processes} processes x {threads} threads; RSS at rest "
              f"{rss_mib(tree(api.pid)):.0f} MiB{xjob}")
        first = None
        for count in clients:
            pids = tree(api.pid)
            cpu_before = cpu_seconds(pids)
            gateway, failed = spread_load(through, target.token, count, duration,
                                          client_processes)
            cpu_ms = (cpu_seconds(pids) - cpu_before) * 1000 / max(1, len(gateway))
            under_load = rss_mib(pids)
            if count not in direct:
                direct[count] = spread_load(target.direct, target.token, count, duration,
                                            client_processes)
            plain, plain_failed = direct[count]
            p50 = percentile(gateway, 0.5)
            first = first or p50
            knee = " <- knee (p50 >= 2x one client)" if p50 >= 2 * first else ""
            ratio = len(gateway) / max(1, len(plain))
            print(f"{count:5} clients: {line('gateway', gateway, failed, duration)} | "
                  f"{line('direct', plain, plain_failed, duration)} | throughput ratio "
                  f"{ratio:4.2f}; api CPU {cpu_ms:.2f} ms per request, RSS "
                  f"{under_load:.0f} MiB{knee}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 10, 100, 1000])
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--shapes", type=shape, nargs="+", default=[(4, 8)],
                        metavar="PROCESSESxTHREADS")
    parser.add_argument("--client-processes", type=int, default=4,
                        help="processes the client threads are spread over from 100 "
                        "clients on (1: all in this one)")
    parser.add_argument("--simulated", action="store_true",
                        help="a simulated region instead of the lab's RegionOne")
    parser.add_argument("--latency-ms", type=float, default=40.0,
                        help="with --simulated: how long the region takes per call")
    parser.add_argument("--backend", default="mysql", choices=inprocess.BACKENDS,
                        help="with --simulated: the gateway's scratch database")
    args = parser.parse_args()
    if max(args.clients) > MAX_CLIENTS or args.duration > MAX_DURATION:
        raise SystemExit(f"at most {MAX_CLIENTS} clients and {MAX_DURATION:.0f} s")
    target = (simulated_target(args.latency_ms, args.backend) if args.simulated
              else lab_target())
    with target as aimed:
        print("region: " + (f"simulated, {args.latency_ms:g} ms per call; gateway "
                            f"database {args.backend}" if args.simulated
                            else f"the lab's {REGIONS[0].name}"))
        direct: dict[int, tuple[list[float], int]] = {}
        for processes, threads in args.shapes:
            curve(aimed, processes, threads, args.clients, args.duration, direct,
                  args.client_processes)


if __name__ == "__main__":
    main()
