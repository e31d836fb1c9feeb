"""The compute and volume gateway against the real lab: each call through the
gateway and directly to the region, in the same run, and the ratio.

    .venv/bin/tricircle-lab up
    flock ~/.cache/tricircle/lab.lock .venv/bin/python benchmarks/gateway.py \
        [--requests 200] [--volumes 4] [--creates 15] \
        [--own-api [--set gateway.limits_cache_seconds=10 ...] [--breakdown]]
        [--admin-views]

Prints p50/p95 latency (ms) and requests/s (one client, keep-alive) of:
GET /servers/{id} (routed), GET /servers/detail (fan-out over both regions vs
each region alone), POST and DELETE /volumes; then the routed GET with 1, 10
and 100 registered pods (the extra pods are Keystone regions whose endpoints
point at RegionOne), to show a routed call does not cost more with more pods.

``--creates N``: POST /servers and POST /volumes with central quota on, N each
through the gateway and directly, alternating, with Keystone limits registered
in CentralRegion for the run (generous: nothing is refused) and demo's own
quota in each region lifted for the run (restored after). Each create is
followed by a pause (CREATE_PAUSE): after a gateway create, its settle
thread asks the region for its count, and without the pause that call would
land on the direct create that follows. One create per side
warms up, then GET /limits and a routed GET through the gateway, many at
once, warm every tricircle-api process (token validated, limits read,
connections open: a process does that once, on its first request). With ``--own-api
--breakdown``, where the gateway's creates spent their time: the own
tricircle-api runs with the timers of benchmarks/create_parts.py, and the
medians of each part (auth, lease, placing, quota, the region call, the
routing insert, the settle thread) are printed under each create's figures.

``--admin-views``: only GET os-simple-tenant-usage and os-hypervisors/detail
(admin) through the gateway vs the slowest region alone.

``--placement N``: only POST /servers with each input that places a server
(availability zone, volume, port, network, server group), N each through the
gateway and directly (benchmarks/gateway_creates.py), under the same
limits as ``--creates``.

``--own-api`` runs every figure against a tricircle-api of this tree started
beside the lab's (benchmarks/own_api.py: uWSGI, the lab's configuration plus
each ``--set group.option=value``), so options the lab does not set can be
measured. Everything it creates is deleted at the end.
"""

import argparse
import concurrent.futures
import contextlib
import statistics
import sys
import tempfile
import time
import uuid

import requests

sys.path.insert(0, __file__.rsplit("/benchmarks/", 1)[0])

from benchmarks import create_parts, own_api, stats  # noqa: E402
from benchmarks.gateway_creates import PlacementCreates, quota_creates  # noqa: E402
from tricircle.lab import catalog  # noqa: E402
from tricircle.lab.infra import passwords  # noqa: E402
from tricircle.lab.layout import CENTRAL_REGION, REGIONS, Layout  # noqa: E402

GATEWAY = catalog.GATEWAY
# Registered for --creates when missing: far above what the run makes.
BENCH_LIMITS = {"compute": {"servers": 10000, "class:VCPU": 100000,
                            "class:MEMORY_MB": 100000000},
                "block-storage": {"volumes": 10000, "gigabytes": 100000, "snapshots": 10000}}
VOLUME_SERVICE_TYPES = ("block-storage", "volumev3")  # [gateway]'s default order
NOVA_QUOTAS = ("instances", "cores", "ram")
CINDER_QUOTAS = ("volumes", "gigabytes")


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    p50 = statistics.median(ordered) * 1000
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000
    return p50, p95, len(ordered) / sum(ordered)


def timed(http: requests.Session, method: str, url: str, count: int, **kwargs) -> list[float]:
    samples = []
    while len(samples) < count:
        started = time.perf_counter()
        try:
            response = http.request(method, url, **kwargs)
        except requests.ConnectionError:
            # uWSGI's router sometimes drops an idle keep-alive connection;
            # the sample is not counted, the request is simply made again.
            continue
        samples.append(time.perf_counter() - started)
        if response.status_code >= 400:
            raise SystemExit(f"{method} {url}: {response.status_code} {response.text[:300]}")
    return samples


def report(name: str, gateway: list[float], direct: list[float], target: float) -> None:
    g50, g95, grate = percentiles(gateway)
    d50, d95, drate = percentiles(direct)
    print(f"{name:34} gateway p50 {g50:7.2f} p95 {g95:7.2f} ({grate:6.1f}/s) | direct p50 "
          f"{d50:7.2f} p95 {d95:7.2f} ({drate:6.1f}/s) | "
          f"{stats.verdict(gateway, direct, target)}")


class Bench:
    def __init__(self, args):
        self.args = args
        secrets = passwords(Layout.default())
        self.demo = catalog.connect("demo", "demo", secrets["demo"], REGIONS[0].name)
        self.admin = catalog.admin_connection(secrets, CENTRAL_REGION)
        self.project = self.demo.current_project_id
        self.http = requests.Session()
        self.http.headers.update({"X-Auth-Token": self.demo.auth_token,
                                  "Content-Type": "application/json"})
        self.nova = {r.name: self.demo.endpoint_for("compute", region_name=r.name)
                     for r in REGIONS}
        self.cinder = {r.name: self.demo.endpoint_for("block-storage", region_name=r.name)
                       for r in REGIONS}
        self.servers: list[tuple[str, str]] = []
        self.gateway = GATEWAY
        self.request_ids: dict[str, list[str]] = {}
        self.parts_file: str | None = None  # --breakdown: the own api's timings

    def boot_servers(self, per_region: int = 3) -> None:
        for region in REGIONS:
            compute = self._compute(region.name)
            for i in range(per_region):
                server = compute.create_server(name=f"bench-{region.short}-{i}",
                                               flavor_id="1", image_id=self._image(),
                                               networks="none")
                self.servers.append((region.name, server.id))
                compute.wait_for_server(server, wait=120)

    @staticmethod
    def _compute(region_name: str):
        return catalog.connect("demo", "demo", passwords(Layout.default())["demo"],
                               region_name).compute

    def _image(self) -> str:
        return self.demo.image.find_image(catalog.IMAGE_NAME).id

    def routed_get(self) -> None:
        server = self.servers[0][1]  # a RegionOne server
        direct = f"{self.nova[REGIONS[0].name]}/servers/{server}"
        through = f"{self.gateway}/compute/v2.1/servers/{server}"
        timed(self.http, "GET", through, 20)  # warm: adoption, endpoint cache, pools
        timed(self.http, "GET", direct, 20)
        gateway, plain = [], []
        for _ in range(self.args.requests // 20):
            gateway += timed(self.http, "GET", through, 20)
            plain += timed(self.http, "GET", direct, 20)
        report("GET /servers/{id} (routed)", gateway, plain, 1.10)
        return percentiles(gateway)[0]

    def detail_list(self) -> None:
        through = f"{self.gateway}/compute/v2.1/servers/detail"
        timed(self.http, "GET", through, 10)
        per_region = {name: [] for name in self.nova}
        both = []
        gateway = []
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=len(self.nova))
        sessions = {name: self._session() for name in self.nova}
        for _ in range(self.args.requests // 20):
            gateway += timed(self.http, "GET", through, 20)
            for name, url in self.nova.items():
                per_region[name] += timed(self.http, "GET", f"{url}/servers/detail", 20)
            both += [self._both_at_once(pool, sessions) for _ in range(20)]
        pool.shutdown()
        slowest = max(per_region.values(), key=lambda s: statistics.median(s))
        report("GET /servers/detail (2 regions)", gateway, slowest, 1.20)
        report("  vs both regions asked at once", gateway, both, 1.20)
        for name, samples in per_region.items():
            p50, p95, rate = percentiles(samples)
            print(f"{'':34}   {name} alone: p50 {p50:7.2f} p95 {p95:7.2f} ({rate:6.1f}/s)")

    def _session(self) -> requests.Session:
        http = requests.Session()
        http.headers.update(self.http.headers)
        return http

    def _both_at_once(self, pool, sessions) -> float:
        """A client asking every region itself, concurrently: on one machine the
        regions share two cores, so this is the honest baseline for a fan-out."""
        started = time.perf_counter()
        futures = [pool.submit(timed, sessions[name], "GET", f"{url}/servers/detail", 1)
                   for name, url in self.nova.items()]
        for future in futures:
            future.result()
        return time.perf_counter() - started

    def volumes(self) -> None:
        """Gateway and direct calls alternate, so both see the same Cinder load."""
        region = REGIONS[0]
        roots = {"gateway": f"{self.gateway}/volume/v3/{self.project}",
                 "direct": self.cinder[region.name]}
        posts = {label: [] for label in roots}
        deletes = {label: [] for label in roots}
        made = {label: [] for label in roots}
        for i in range(self.args.volumes):
            for label, root in roots.items():
                body = {"volume": {"size": 1, "availability_zone": region.az,
                                   "name": f"bench-{label}-{i}"}}
                started = time.perf_counter()
                response = self.http.post(f"{root}/volumes", json=body)
                posts[label].append(time.perf_counter() - started)
                if response.status_code != 202:
                    raise SystemExit(f"volume create: {response.status_code} {response.text}")
                made[label].append(response.json()["volume"]["id"])
        self._wait_available(made["gateway"] + made["direct"])
        for i in range(self.args.volumes):
            for label, root in roots.items():
                started = time.perf_counter()
                self.http.delete(f"{root}/volumes/{made[label][i]}")
                deletes[label].append(time.perf_counter() - started)
        self._wait_gone(made["gateway"] + made["direct"])
        report("POST /volumes", posts["gateway"], posts["direct"], 1.10)
        report("DELETE /volumes/{id} (routed)", deletes["gateway"], deletes["direct"], 1.10)

    def _wait_available(self, ids: list[str]) -> None:
        storage = self.demo.block_storage
        for volume_id in ids:
            storage.wait_for_status(storage.get_volume(volume_id), status="available",
                                    failures=["error"], wait=120)

    def _wait_gone(self, ids: list[str]) -> None:
        storage = self.demo.block_storage
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if not [v for v in storage.volumes() if v.id in ids]:
                return
            time.sleep(1)

    def pods_scaling(self) -> None:
        identity = self.admin.identity
        tricircle = {"service_type": "tricircle", "interface": "public",
                     "region_name": CENTRAL_REGION}
        session = self.admin.session
        compute_service = identity.find_service("nova")
        nova_url = self.nova[REGIONS[0].name]
        extra_regions, extra_pods, extra_endpoints = [], [], []
        try:
            for total in (1, 10, 100):
                while len(extra_pods) + 1 < total:
                    name = f"BenchRegion-{uuid.uuid4().hex[:6]}"
                    extra_regions.append(identity.create_region(id=name))
                    extra_endpoints.append(identity.create_endpoint(
                        service_id=compute_service.id, interface="public", url=nova_url,
                        region_id=name))
                    pod = session.post("/pods", endpoint_filter=tricircle, json={"pod": {
                        "region_name": name, "az_name": f"bench-{name}"}}).json()["pod"]
                    extra_pods.append(pod["pod_id"])
                server = self.servers[0][1]
                through = f"{self.gateway}/compute/v2.1/servers/{server}"
                timed(self.http, "GET", through, 20)
                p50, p95, rate = percentiles(timed(self.http, "GET", through,
                                                   self.args.requests))
                print(f"GET /servers/{{id}} with {total:3} regional pods besides RegionTwo: "
                      f"p50 {p50:7.2f} p95 {p95:7.2f} ({rate:6.1f}/s)")
        finally:
            for pod_id in extra_pods:
                session.delete(f"/pods/{pod_id}", endpoint_filter=tricircle,
                               raise_exc=False)
            for endpoint in extra_endpoints:
                identity.delete_endpoint(endpoint, ignore_missing=True)
            for region in extra_regions:
                identity.delete_region(region, ignore_missing=True)

    # -- creates with central quota on ------------------------------------------------

    def _service(self, types) -> object:
        for service_type in types:
            found = list(self.admin.identity.services(type=service_type))
            if found:
                return found[0]
        raise SystemExit(f"no Keystone service of type {' or '.join(types)}")

    @contextlib.contextmanager
    def central_limits(self):
        """Registered limits of CentralRegion for every quota resource, for the run."""
        identity, made = self.admin.identity, []
        try:
            for service_type, limits in BENCH_LIMITS.items():
                types = (service_type,) if service_type == "compute" else VOLUME_SERVICE_TYPES
                service = self._service(types)
                have = {r.resource_name for r in identity.registered_limits(
                    service_id=service.id, region_id=CENTRAL_REGION)}
                for name, value in limits.items():
                    if name not in have:
                        made.append(identity.create_registered_limit(
                            service_id=service.id, region_id=CENTRAL_REGION,
                            resource_name=name, default_limit=value))
            yield
        finally:
            for registered in made:
                identity.delete_registered_limit(registered, ignore_missing=True)

    @contextlib.contextmanager
    def region_quotas_lifted(self):
        """demo's own Nova and Cinder quota in each region unlimited for the run: the
        gateway's and the direct creates together would pass Nova's default 10."""
        before = {}
        for region in REGIONS:
            conn = catalog.admin_connection(passwords(Layout.default()), region.name)
            nova = conn.get_compute_quotas(self.project)
            cinder = conn.get_volume_quotas(self.project)
            before[region.name] = ({n: nova[n] for n in NOVA_QUOTAS},
                                   {n: cinder[n] for n in CINDER_QUOTAS})
            conn.set_compute_quotas(self.project, **{n: -1 for n in NOVA_QUOTAS})
            conn.set_volume_quotas(self.project, **{n: -1 for n in CINDER_QUOTAS})
        try:
            yield
        finally:
            for region in REGIONS:
                conn = catalog.admin_connection(passwords(Layout.default()), region.name)
                nova, cinder = before[region.name]
                conn.set_compute_quotas(self.project, **nova)
                conn.set_volume_quotas(self.project, **cinder)

    def _alternate(self, roots: dict[str, str], path: str, key: str, body, count: int,
                   headers: dict[str, str], pause: float = 0.0,
                   ) -> tuple[dict[str, list[float]], dict[str, list[str]]]:
        """``count`` creates through each root, gateway and direct taking turns, so
        both see the same load of the region; ``pause`` seconds after each one."""
        samples = {label: [] for label in roots}
        made = {label: [] for label in roots}
        self.request_ids = {label: [] for label in roots}  # for --breakdown
        for i in range(count):
            for label, root in roots.items():
                started = time.perf_counter()
                response = self.http.post(f"{root}{path}", json=body(label, i),
                                          headers=headers)
                samples[label].append(time.perf_counter() - started)
                if response.status_code not in (200, 202):
                    raise SystemExit(f"POST {path} ({label}): {response.status_code} "
                                     f"{response.text[:300]}")
                made[label].append(response.json()[key]["id"])
                self.request_ids[label].append(response.headers.get(
                    "X-OpenStack-Request-Id"))
                time.sleep(pause)
        return samples, made

    def warm_processes(self, paths: list[str]) -> None:
        """GET each of ``paths`` through the gateway often and at once, so that every
        uWSGI process of tricircle-api has validated the token, read the limits and
        opened its connections before anything is measured: a process does that on
        its first request only, and the lab's long-running one did long ago."""
        processes = self.args.processes if self.args.own_api else 4
        urls = [f"{self.gateway}{path}" for path in paths] * (4 * processes)
        with concurrent.futures.ThreadPoolExecutor(max_workers=2 * processes) as pool:
            list(pool.map(lambda url: timed(self._session(), "GET", url, 1), urls))

    def breakdown(self, name: str, samples: dict[str, list[float]]) -> None:
        """With --breakdown: where the gateway's creates of the last _alternate went,
        as the own tricircle-api's timers saw them (benchmarks/create_parts.py)."""
        if self.parts_file is not None:
            create_parts.summary(create_parts.read(self.parts_file), name,
                                 dict(zip(self.request_ids["gateway"], samples["gateway"],
                                          strict=True)), samples["direct"])

    def cleanup(self) -> None:
        # Directly in each region: whatever state the gateway was left in.
        for region_name, server in self.servers:
            self._compute(region_name).delete_server(server, ignore_missing=True)


def admin_fan_out(bench: Bench) -> None:
    """The admin views the gateway sums or merges over the regions (usage list,
    hypervisors) vs the slowest region asked alone, with an admin token; the
    regions are interleaved per round so drift hits both sides alike."""
    http = requests.Session()
    http.headers.update({"X-Auth-Token": bench.admin.auth_token})
    nova = {r.name: bench.admin.endpoint_for("compute", region_name=r.name) for r in REGIONS}
    for path in ("/os-simple-tenant-usage", "/os-hypervisors/detail"):
        through = f"{bench.gateway}/compute/v2.1{path}"
        timed(http, "GET", through, 5)  # warm: connections, version documents
        gateway, per_region = [], {name: [] for name in nova}
        for _ in range(max(1, bench.args.requests // 20)):
            gateway += timed(http, "GET", through, 20)
            for name, url in nova.items():
                per_region[name] += timed(http, "GET", f"{url}{path}", 20)
        slowest = max(per_region.values(), key=statistics.median)
        report(f"GET {path} ({len(nova)} regions)", gateway, slowest, 1.20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--volumes", type=int, default=4,
                        help="volumes per side (gateway and direct); Cinder's default quota is 10")
    parser.add_argument("--creates", type=int, default=0,
                        help="POST /servers and /volumes per side with central quota on")
    parser.add_argument("--only-creates", action="store_true",
                        help="measure the creates only")
    parser.add_argument("--own-api", action="store_true",
                        help="measure a tricircle-api of this tree (benchmarks/own_api.py)")
    parser.add_argument("--set", action="append", default=[], metavar="GROUP.OPTION=VALUE",
                        help="an option of the own tricircle-api (with --own-api)")
    parser.add_argument("--processes", type=int, default=4,
                        help="uWSGI processes of the own tricircle-api (with --own-api)")
    parser.add_argument("--breakdown", action="store_true",
                        help="with --own-api --creates: where the gateway's creates "
                        "spend their time (benchmarks/create_parts.py)")
    parser.add_argument("--admin-views", action="store_true",
                        help="only the usage and hypervisor fan-outs vs the slowest region")
    parser.add_argument("--placement", type=int, default=0, metavar="N",
                        help="only POST /servers with each placement input, N per side")
    args = parser.parse_args()
    options = dict(item.split("=", 1) for item in args.set)
    bench = Bench(args)
    api: dict = {}
    if args.breakdown:
        if not args.own_api:
            raise SystemExit("--breakdown times the own tricircle-api: add --own-api")
        bench.parts_file = tempfile.mkstemp(prefix="bench-parts-", suffix=".jsonl")[1]
        api = {"module": "benchmarks.create_parts_wsgi:application",
               "env": {"TRICIRCLE_BENCH_PARTS": bench.parts_file}}
    with (own_api.running(options, args.processes, **api) if args.own_api
          else contextlib.nullcontext()):
        if args.own_api:
            bench.gateway = own_api.URL
        print(f"gateway {bench.gateway} {options or ''}; {args.requests} requests per "
              "figure\n")
        if args.creates:
            quota_creates(bench, report)
        if args.admin_views:
            admin_fan_out(bench)
            return
        if args.placement:
            with bench.central_limits(), bench.region_quotas_lifted():
                PlacementCreates(bench, args.placement).run(report)
            return
        if args.only_creates:
            return
        bench.boot_servers()
        try:
            bench.routed_get()
            bench.detail_list()
            bench.volumes()
            print()
            bench.pods_scaling()
        finally:
            bench.cleanup()


if __name__ == "__main__":
    main()
