"""Throughput of one host: routed GETs through tricircle-api under uWSGI against the
same GETs made directly to the region, at 1, 10, 100 and 1,000 concurrent clients;
the knee; and the memory of tricircle-api and tricircle-xjob.

    flock ~/.cache/tricircle/lab.lock .venv/bin/python benchmarks/throughput.py \\
        [--clients 1 10 100 1000] [--duration 10] [--processes 4] [--threads 8]

tricircle-api is this tree's, started beside the lab's (benchmarks/own_api.py:
uWSGI, ``--processes`` x ``--threads``, the shape of etc/tricircle/
tricircle-api-uwsgi.ini). One server is booted in the lab's RegionOne; each
client is a thread with its own keep-alive session sending GET
/compute/v2.1/servers/{id} back to back for ``--duration`` seconds, first
through the gateway, then directly to RegionOne's nova-api (the same client
code, so the client's own cost is in both). Printed per client count:
requests/s, p50 and p99 (ms) and errors of both, and the ratio; the knee is the
first count whose gateway p50 is at least twice the one-client p50. RSS (MiB)
of tricircle-api (uWSGI master and workers) at rest and at the end of the
largest load, and of the lab's tricircle-xjob (its pid file) at rest.
Only 127.0.0.1 is called; clients and duration are bounded.
"""

import argparse
import sys
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, __file__.rsplit("/benchmarks/", 1)[0])

from benchmarks import own_api  # noqa: E402
from benchmarks.stats import percentile  # noqa: E402
from tricircle.lab import catalog  # noqa: E402
from tricircle.lab.infra import passwords  # noqa: E402
from tricircle.lab.layout import REGIONS, Layout  # noqa: E402

MAX_CLIENTS = 1000
MAX_DURATION = 60.0
CLIENT_TIMEOUT = 30.0


def rss_mib(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            continue
    return total / 1024


def tree(pid: int) -> list[int]:
    """``pid`` and its children (uWSGI's master, workers and HTTP router)."""
    found = [pid]
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        found += tree(int(child))
    return found


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


def line(label: str, latencies: list[float], errors: int, duration: float) -> str:
    return (f"{label} {len(latencies) / duration:7.1f}/s p50 {percentile(latencies, 0.5):8.2f}"
            f" p99 {percentile(latencies, 0.99):8.2f} errors {errors}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 10, 100, 1000])
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    if max(args.clients) > MAX_CLIENTS or args.duration > MAX_DURATION:
        raise SystemExit(f"at most {MAX_CLIENTS} clients and {MAX_DURATION:.0f} s")
    layout = Layout.default()
    region = REGIONS[0]
    conn = catalog.connect("demo", "demo", passwords(layout)["demo"], region.name)
    image = conn.image.find_image(catalog.IMAGE_NAME).id
    server = conn.compute.create_server(name="bench-throughput", flavor_id="1",
                                        image_id=image, networks="none")
    xjob_pid = int((layout.run / "tricircle-xjob.pid").read_text())
    try:
        conn.compute.wait_for_server(server, wait=180)
        direct = f"{conn.endpoint_for('compute', region_name=region.name)}/servers/{server.id}"
        with own_api.running(processes=args.processes, threads=args.threads) as api:
            through = f"{own_api.URL}/compute/v2.1/servers/{server.id}"
            load(through, conn.auth_token, 1, 1.0)  # warm: adoption, pools, tokens
            at_rest = rss_mib(tree(api.pid))
            print(f"tricircle-api {args.processes} processes x {args.threads} threads; "
                  f"RSS at rest {at_rest:.0f} MiB; tricircle-xjob RSS at rest "
                  f"{rss_mib([xjob_pid]):.0f} MiB\n")
            first = None
            for clients in args.clients:
                gateway, failed = load(through, conn.auth_token, clients, args.duration)
                under_load = rss_mib(tree(api.pid))
                plain, plain_failed = load(direct, conn.auth_token, clients, args.duration)
                p50 = percentile(gateway, 0.5)
                first = first or p50
                knee = " <- knee (p50 >= 2x one client)" if p50 >= 2 * first else ""
                ratio = len(gateway) / max(1, len(plain))
                print(f"{clients:5} clients: {line('gateway', gateway, failed, args.duration)}"
                      f" | {line('direct', plain, plain_failed, args.duration)} | "
                      f"throughput ratio {ratio:4.2f}; api RSS {under_load:.0f} MiB{knee}",
                      flush=True)
    finally:
        conn.compute.delete_server(server, ignore_missing=True)


if __name__ == "__main__":
    main()
