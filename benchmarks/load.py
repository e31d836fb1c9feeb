"""Load on a running tricircle-api: many calls in flight at once, and what one
region's outage does to the others.

    flock ~/.cache/tricircle/lab.lock .venv/bin/python benchmarks/load.py \
        [--url http://127.0.0.1:20999] [--concurrency 1000] [--duration 60] \
        [--client-timeout 30] [--stop-region-two-halfway]

Keeps ``--concurrency`` requests in flight (one thread each, keep-alive
sessions) for ``--duration`` seconds, cycling over routed GETs of a server
and a volume in each region and the list fan-outs ``/servers/detail`` and
``/volumes/detail``, with the lab's demo user's token (from the lab's
Keystone, as benchmarks/gateway.py gets it). It prints, per target, the count,
p50 and p99 latency (ms) and the errors (5xx or no answer); a fan-out that left
a region out (X-Tricircle-Partial) is counted as partial, not as an error.

``--stop-region-two-halfway`` stops RegionTwo's nova-api (by its pid file,
as ``tricircle-lab down`` would) halfway through and starts it again at the end
with ``tricircle-lab up`` (idempotent: it starts only what is missing). It
then prints RegionOne's p99 before and during the outage, their ratio, and
the errors outside RegionTwo; what the gateway promises is that one region's
outage does not slow or fail the others.

Only 127.0.0.1 is called; concurrency and duration are bounded. The servers
and volumes it makes (one of each per region) are deleted at the end.
"""

import argparse
import collections
import dataclasses
import subprocess
import sys
import threading
import time
import urllib.parse

import requests

sys.path.insert(0, __file__.rsplit("/benchmarks/", 1)[0])

from tricircle.lab import catalog, procs  # noqa: E402
from tricircle.lab.infra import passwords  # noqa: E402
from tricircle.lab.layout import REGIONS, TRICIRCLE_API_PORT, Layout  # noqa: E402

MAX_CONCURRENCY = 2000
MAX_DURATION = 600.0
MAX_CLIENT_TIMEOUT = 300.0
PARTIAL_HEADER = "X-Tricircle-Partial"
STOPPED_SERVICE = "nova-r2-api"  # RegionTwo's nova-api, as the lab names it


@dataclasses.dataclass(frozen=True)
class Target:
    label: str   # e.g. "GET server (RegionOne)"
    region: str  # the region it depends on, or "all" for a fan-out
    path: str


@dataclasses.dataclass
class Sample:
    target: Target
    started: float
    latency: float
    outcome: str  # "ok", "partial", "error <status>" or "no answer"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] * 1000


class Load:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        secrets = passwords(Layout.default())
        self.demo = catalog.connect("demo", "demo", secrets["demo"], REGIONS[0].name)
        self.token = self.demo.auth_token
        self.project = self.demo.current_project_id
        self.servers: dict[str, str] = {}
        self.volumes: dict[str, str] = {}
        self.samples: list[Sample] = []
        self.outage_at: float | None = None
        self._lock = threading.Lock()

    # -- resources -------------------------------------------------------------

    def _region(self, name: str):
        secrets = passwords(Layout.default())
        return catalog.connect("demo", "demo", secrets["demo"], name)

    def make_resources(self) -> None:
        for region in REGIONS:
            conn = self._region(region.name)
            image = conn.image.find_image(catalog.IMAGE_NAME).id
            server = conn.compute.create_server(name=f"load-{region.short}", flavor_id="1",
                                                image_id=image, networks="none")
            volume = conn.block_storage.create_volume(size=1, name=f"load-{region.short}")
            self.servers[region.name], self.volumes[region.name] = server.id, volume.id
        for region in REGIONS:
            conn = self._region(region.name)
            conn.compute.wait_for_server(conn.compute.get_server(self.servers[region.name]),
                                         wait=180)
            conn.block_storage.wait_for_status(
                conn.block_storage.get_volume(self.volumes[region.name]),
                status="available", failures=["error"], wait=180)

    def delete_resources(self) -> None:
        for region in REGIONS:
            conn = self._region(region.name)
            if region.name in self.servers:
                conn.compute.delete_server(self.servers[region.name], ignore_missing=True)
            if region.name in self.volumes:
                conn.block_storage.delete_volume(self.volumes[region.name],
                                                 ignore_missing=True)

    def targets(self) -> list[Target]:
        volume = f"/volume/v3/{self.project}"
        found = []
        for region in REGIONS:
            found.append(Target(f"GET server ({region.name})", region.name,
                                f"/compute/v2.1/servers/{self.servers[region.name]}"))
            found.append(Target(f"GET volume ({region.name})", region.name,
                                f"{volume}/volumes/{self.volumes[region.name]}"))
        found.append(Target("GET servers/detail (fan-out)", "all",
                            "/compute/v2.1/servers/detail"))
        found.append(Target("GET volumes/detail (fan-out)", "all", f"{volume}/volumes/detail"))
        return found

    # -- load --------------------------------------------------------------------

    def worker(self, index: int, targets: list[Target], until: float) -> None:
        http = requests.Session()
        http.headers["X-Auth-Token"] = self.token
        http.mount("http://", requests.adapters.HTTPAdapter(pool_connections=1,
                                                            pool_maxsize=1))
        turn = index
        while time.monotonic() < until:
            target = targets[turn % len(targets)]
            turn += 1
            started = time.monotonic()
            try:
                response = http.get(self.args.url + target.path,
                                    timeout=self.args.client_timeout)
                if response.status_code >= 500:
                    outcome = f"error {response.status_code}"
                elif response.status_code >= 400:
                    outcome = f"refused {response.status_code}"
                elif PARTIAL_HEADER in response.headers:
                    outcome = "partial"
                else:
                    outcome = "ok"
            except requests.RequestException as exc:  # e.g. ReadTimeout, ConnectionError
                outcome = f"no answer ({type(exc).__name__})"
            sample = Sample(target, started, time.monotonic() - started, outcome)
            with self._lock:
                self.samples.append(sample)

    def run(self) -> None:
        targets = self.targets()
        for target in targets:  # warm: adoption of the new ids, pools, caches
            requests.get(self.args.url + target.path, headers={"X-Auth-Token": self.token},
                         timeout=self.args.client_timeout)
        began = time.monotonic()
        until = began + self.args.duration
        threads = [threading.Thread(target=self.worker, args=(i, targets, until), daemon=True)
                   for i in range(self.args.concurrency)]
        for thread in threads:
            thread.start()
        if self.args.stop_region_two_halfway:
            time.sleep(max(0.0, began + self.args.duration / 2 - time.monotonic()))
            self.outage_at = time.monotonic()
            stopped = procs.stop(Layout.default(), STOPPED_SERVICE)
            print(f"{time.monotonic() - began:6.1f} s: stopped {STOPPED_SERVICE}: {stopped}")
        for thread in threads:
            thread.join(self.args.client_timeout + max(0.0, until - time.monotonic()))
        self.elapsed = time.monotonic() - began

    def restart(self) -> None:
        started = time.monotonic()
        lab = [sys.executable, "-m", "tricircle.lab.cli", "up"]
        result = subprocess.run(lab, capture_output=True, text=True)
        print(f"tricircle-lab up (restarts {STOPPED_SERVICE}): exit {result.returncode} "
              f"in {time.monotonic() - started:.0f} s")
        if result.returncode:
            print(result.stderr[-2000:])

    # -- report --------------------------------------------------------------------

    def report(self) -> None:
        print(f"{len(self.samples)} requests in {self.elapsed:.1f} s "
              f"({len(self.samples) / self.elapsed:.0f}/s) with {self.args.concurrency} "
              f"in flight against {self.args.url}")
        by_target = collections.defaultdict(list)
        for sample in self.samples:
            by_target[sample.target].append(sample)
        for target, samples in by_target.items():
            self._line(target.label, samples)
        if self.outage_at is not None:
            self._outage()

    @staticmethod
    def _line(label: str, samples: list[Sample]) -> None:
        latencies = [s.latency for s in samples]
        outcomes = collections.Counter(s.outcome for s in samples if s.outcome != "ok")
        shown = ", ".join(f"{name} {count}" for name, count in sorted(outcomes.items()))
        print(f"  {label:34} n {len(samples):6}  p50 {percentile(latencies, 0.5):8.1f}  "
              f"p99 {percentile(latencies, 0.99):8.1f} ms  {shown or 'no errors'}")

    def _outage(self) -> None:
        before = [s for s in self.samples if s.started < self.outage_at]
        during = [s for s in self.samples if s.started >= self.outage_at]
        print("RegionTwo's nova-api stopped halfway:")
        region_one = {"before": [s for s in before if s.target.region == REGIONS[0].name],
                      "during": [s for s in during if s.target.region == REGIONS[0].name]}
        for phase, samples in region_one.items():
            self._line(f"RegionOne routed, {phase}", samples)
        for phase, samples in (("before", before), ("during", during)):
            for target in self.targets():
                if target.region != REGIONS[0].name:
                    self._line(f"{target.label}, {phase}",
                               [s for s in samples if s.target == target])
        if region_one["before"] and region_one["during"]:
            p99 = [percentile([s.latency for s in region_one[phase]], 0.99)
                   for phase in ("before", "during")]
            print(f"RegionOne p99 before {p99[0]:.1f} ms, during {p99[1]:.1f} ms: "
                  f"ratio {p99[1] / p99[0]:.2f}")
        outside = [s for s in during if s.target.region != REGIONS[1].name
                   and s.outcome not in ("ok", "partial")]
        print(f"errors outside RegionTwo during the outage: {len(outside)} "
              f"({dict(collections.Counter(s.outcome for s in outside))})")


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    top = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    top.add_argument("--url", default=f"http://127.0.0.1:{TRICIRCLE_API_PORT}",
                     help="tricircle-api's base URL (127.0.0.1 only)")
    top.add_argument("--concurrency", type=int, default=1000,
                     help=f"requests in flight (1 to {MAX_CONCURRENCY})")
    top.add_argument("--duration", type=float, default=60.0,
                     help=f"seconds of load (at most {MAX_DURATION:.0f})")
    top.add_argument("--client-timeout", type=float, default=30.0,
                     help="seconds one request may take before it counts as no answer "
                          f"(at most {MAX_CLIENT_TIMEOUT:.0f}); past the lab's capacity, "
                          "in-flight requests queue, and this decides whether a queued "
                          "request counts as an error")
    top.add_argument("--stop-region-two-halfway", action="store_true",
                     help="stop RegionTwo's nova-api halfway, start it again at the end")
    args = top.parse_args(argv)
    host = urllib.parse.urlsplit(args.url).hostname
    if host not in ("127.0.0.1", "localhost"):
        top.error("--url must be on 127.0.0.1")
    if not 1 <= args.concurrency <= MAX_CONCURRENCY:
        top.error(f"--concurrency must be 1 to {MAX_CONCURRENCY}")
    if not 0 < args.duration <= MAX_DURATION:
        top.error(f"--duration must be more than 0 and at most {MAX_DURATION:.0f}")
    if not 0 < args.client_timeout <= MAX_CLIENT_TIMEOUT:
        top.error(f"--client-timeout must be more than 0 and at most {MAX_CLIENT_TIMEOUT:.0f}")
    args.url = args.url.rstrip("/")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    load = Load(args)
    load.make_resources()
    try:
        load.run()
    finally:
        if args.stop_region_two_halfway:
            load.restart()
        load.delete_resources()
    load.report()
    return 0


if __name__ == "__main__":
    sys.exit(main())
