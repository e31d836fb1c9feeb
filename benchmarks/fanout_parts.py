"""Where one list over many regions spends its time: the fan-out, then the serial
tail (collect, merge, respond), against every region asked at once.

    .venv/bin/python benchmarks/fanout_parts.py [--regions 100] [--latency-ms 20]
        [--samples 20]

A fresh process each run: the simulated regions of benchmarks/regionsim.py
(fixed latency), this tree's gateway in this process (benchmarks/fanout.py's
set-up) with ``fanout_workers``, ``pool_connections`` and
``fanout_queue_size`` sized for the regions. Printed per list: the gateway's
p50 and the baseline's (the client asking every region itself, at once), the
median of each part, and how many threads were started while the lists ran
(the fan-out pool starts its threads up front, so it should be 0).
"""

import argparse
import collections
import concurrent.futures
import statistics
import sys
import threading
import time

import requests
import webob

sys.path.insert(0, __file__.rsplit("/benchmarks/", 1)[0])

from benchmarks import fanout, inprocess, regionsim  # noqa: E402
from benchmarks.stats import percentiles, timed  # noqa: E402
from tricircle.api import app as api_app  # noqa: E402
from tricircle.gateway import call as call_mod  # noqa: E402
from tricircle.gateway import lists, proxy  # noqa: E402

PARTS: dict[str, list[float]] = collections.defaultdict(list)
STARTS = [0]


def _timing(owner, name: str) -> None:
    """Wrap ``owner.name`` so that each call's seconds go to PARTS[name]."""
    original = getattr(owner, name)

    def timed_part(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            PARTS[name].append(time.perf_counter() - started)
    setattr(owner, name, timed_part)


def _counting_thread_starts() -> None:
    original = threading.Thread.start

    def start(thread):
        STARTS[0] += 1
        return original(thread)
    threading.Thread.start = start


def _app_called(app, path: str) -> None:
    request = webob.Request.blank(path, headers=fanout.TOKEN)
    response = request.get_response(app)
    if response.status_int != 200:
        raise SystemExit(f"GET {path} (app called directly): {response.status}")


def _cpu_and_wall(list_once, samples: int) -> tuple[float, float]:
    """The process's CPU ms and the wall ms per list, over ``samples`` lists."""
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(samples):
        list_once()
    return ((time.process_time() - cpu) * 1000 / samples,
            (time.perf_counter() - wall) * 1000 / samples)


def _without_server(app, http: requests.Session, api: str, path: str, pool,
                    sessions: list[requests.Session], urls: list[str], samples: int) -> None:
    """The same list three ways, taking turns, with this process's CPU per list: through
    the gateway's HTTP server, with the gateway's app called directly (no server, no
    client hop), and every region asked at once by the client. What the first costs
    beyond the second is the HTTP server and the hop; the second against the third
    is what the gateway's own work adds."""
    ways = {"through its HTTP server": lambda: timed(http, api + path, 1),
            "app called directly": lambda: _app_called(app, path),
            "all at once (client)": lambda: fanout.asked_at_once(pool, sessions, urls)}
    figures: dict[str, list[tuple[float, float]]] = {way: [] for way in ways}
    for _ in range(3):
        for way, list_once in ways.items():
            list_once()  # warm this way again after the other two
            figures[way].append(_cpu_and_wall(list_once, max(1, samples // 3)))
    for way, runs in figures.items():
        cpu = statistics.median(c for c, _ in runs)
        wall = statistics.median(w for _, w in runs)
        print(f"  {way:24} cpu {cpu:6.1f} ms per list, wall {wall:6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--regions", type=int, default=100)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--samples", type=int, default=20)
    args = parser.parse_args()
    for owner, name in ((proxy, "fan_out"), (lists, "_collect"), (lists, "_merge_sorted"),
                        (call_mod.Call, "respond")):
        _timing(owner, name)
    _counting_thread_starts()
    profile = regionsim.Profile({k: [args.latency_ms / 1000] for k in regionsim.KINDS})
    sized = {f"gateway.{name}": 2 * args.regions
             for name in ("fanout_workers", "pool_connections", "fanout_queue_size")}
    with fanout.simulator(args.regions, profile) as sims, \
            inprocess.scratch_database("sqlite") as url:
        inprocess.configure(url, **{"gateway.default_region": "SimRegion000",
                                    "gateway.list_timeout": 20.0, **sized})
        names = sorted(sims)
        with inprocess.served() as api:
            fanout.register(api, names, sims)
            app = api_app.build_app()
            http = requests.Session()
            http.headers.update(fanout.TOKEN)
            for path in ("/compute/v2.1/servers/detail", "/volume/v3/demo/volumes/detail"):
                timed(http, api + path, 3)  # warm
                PARTS.clear()
                STARTS[0] = 0
                gateway = timed(http, api + path, args.samples)
                started_threads = STARTS[0]
                sessions = [requests.Session() for _ in names]
                urls = [sims[name]["root"] + path for name in names]
                with concurrent.futures.ThreadPoolExecutor(len(names)) as pool:
                    fanout.asked_at_once(pool, sessions, urls)
                    everyone = [fanout.asked_at_once(pool, sessions, urls)
                                for _ in range(args.samples)]
                    g50, b50 = percentiles(gateway)[0], percentiles(everyone)[0]
                    print(f"{path} ({args.regions} regions): gateway p50 {g50:.1f} ms, all "
                          f"at once {b50:.1f} ms, ratio {g50 / b50:.2f}; threads started: "
                          f"{started_threads}")
                    for name, samples in PARTS.items():
                        print(f"  {name:14} median {percentiles(samples)[0]:7.2f} ms")
                    _without_server(app, http, api, path, pool, sessions, urls,
                                    args.samples)
        proxy.close()


if __name__ == "__main__":
    main()
