"""Fan-out to many regions: list latency against the slowest region, and the routed
call, at 2, 10, 50 and 100 regions.

    flock ~/.cache/tricircle/lab.lock .venv/bin/python benchmarks/fanout.py --lab
    .venv/bin/python benchmarks/fanout.py [--latency-ms 20]   # without the lab

or, to hold the lab lock only while the lab is measured:

    flock ~/.cache/tricircle/lab.lock .venv/bin/python benchmarks/fanout.py --lab \
        --profile-only /tmp/lab-profile.json
    .venv/bin/python benchmarks/fanout.py --profile /tmp/lab-profile.json

The regions are simulated (benchmarks/regionsim.py, in a process of their own):
with ``--lab`` their latencies and list sizes are drawn from RegionOne's Nova
and Cinder as measured at the start of this run (one server and one volume are
made there for it and deleted after); without it every call takes
``--latency-ms``. The gateway is this tree's app in this process (SQLite
scratch database, noauth) served by cheroot, its pods and endpoints registered
through the admin API and the set_endpoint seam. With ``--own-process`` the
lists and the routed call go instead to a ``tricircle-api`` process of their own
(the console script, on the same scratch database and options, started afresh
for each region count once its regions are registered), so the gateway shares
no interpreter lock with the client that times it, as when it is deployed.

For each region count it prints the p50/p95 of GET /compute/v2.1/servers/detail
and /volume/v3/demo/volumes/detail through the gateway against the same list
asked of every region at once by the client itself (max of the regions: the
target is <= 1.20), and of the routed GET /servers/{id} against the same call
made directly (target <= 1.10). It runs twice: with the [gateway] defaults and
with the fan-out sized for the region count (fanout_workers and
pool_connections >= regions), since the defaults (32 threads, 16 pools) are
sized for a few regions.
"""

import argparse
import concurrent.futures
import contextlib
import dataclasses
import json
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import requests

sys.path.insert(0, __file__.rsplit("/benchmarks/", 1)[0])

from benchmarks import inprocess, own_api, regionsim  # noqa: E402
from benchmarks.stats import percentiles, ratio_line, timed  # noqa: E402
from tricircle.gateway import proxy, regions  # noqa: E402

COUNTS = (2, 10, 50, 100)
TOKEN = {"X-Auth-Token": "demo:demo"}  # noauth: user demo of project demo
NETWORKS_NONE = {"OpenStack-API-Version": "compute 2.37",
                 "X-OpenStack-Nova-API-Version": "2.37"}


# -- the lab's RegionOne as the profile ------------------------------------------------

def lab_profile(requests_per_kind: int) -> regionsim.Profile:
    """Latency samples and list sizes of the lab's RegionOne, measured now."""
    from tricircle.lab import catalog
    from tricircle.lab.infra import passwords
    from tricircle.lab.layout import REGIONS, Layout

    region = REGIONS[0]
    conn = catalog.connect("demo", "demo", passwords(Layout.default())["demo"], region.name)
    nova = conn.endpoint_for("compute", region_name=region.name)
    cinder = conn.endpoint_for("block-storage", region_name=region.name)
    http = requests.Session()
    http.headers.update({"X-Auth-Token": conn.auth_token})
    image = conn.image.find_image(catalog.IMAGE_NAME).id
    server = conn.compute.create_server(name="bench-fanout", flavor_id="1", image_id=image,
                                        networks="none")
    volume = conn.block_storage.create_volume(size=1, name="bench-fanout")
    try:
        conn.compute.wait_for_server(server, wait=180)
        conn.block_storage.wait_for_status(volume, status="available", failures=["error"],
                                           wait=180)
        detail = http.get(f"{nova}/servers/detail").json()["servers"]
        volumes = http.get(f"{cinder}/volumes/detail").json()["volumes"]
        kinds = {"list": [f"{nova}/servers/detail", f"{cinder}/volumes/detail"],
                 "show": [f"{nova}/servers/{server.id}", f"{cinder}/volumes/{volume.id}"],
                 "flavors": [f"{nova}/flavors/1"],
                 "versions": [nova.rsplit("/v2.1", 1)[0] + "/v2.1"]}
        latencies = {kind: [s for url in urls for s in timed(http, url, requests_per_kind)]
                     for kind, urls in kinds.items()}
        sizes = [len(json.dumps(item)) for item in detail + volumes]
        return regionsim.Profile(latencies, servers=max(1, len(detail)),
                                 volumes=max(1, len(volumes)),
                                 item_bytes=sum(sizes) // max(1, len(sizes)))
    finally:
        conn.compute.delete_server(server, ignore_missing=True)
        conn.block_storage.delete_volume(volume, ignore_missing=True)


# -- simulated regions and the gateway ---------------------------------------------------

@contextlib.contextmanager
def simulator(count: int, profile: regionsim.Profile):
    """``count`` simulated regions in a process of their own: {name: description}."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as saved:
        json.dump(dataclasses.asdict(profile), saved)
    process = subprocess.Popen([sys.executable, str(Path(__file__).with_name("regionsim.py")),
                                "--regions", str(count), "--profile", saved.name],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        yield json.loads(process.stdout.readline())
    finally:
        process.stdin.close()
        process.wait(30)
        Path(saved.name).unlink()


def register(api: str, names: list[str], sims: dict) -> None:
    admin = requests.Session()
    admin.headers.update({"X-Auth-Token": "admin:admin"})
    for name in names:
        body = {"pod": {"region_name": name, "az_name": f"az-{name}",
                        "pod_az_name": f"az-{name}"}}
        response = admin.post(f"{api}/v1.0/pods", json=body)
        if response.status_code not in (200, 201):
            raise SystemExit(f"pod {name}: {response.status_code} {response.text[:200]}")
        regions.set_endpoint(name, "compute", sims[name]["root"] + "/compute/v2.1")
        regions.set_endpoint(name, "volumev3", sims[name]["root"] + "/volume/v3/demo")


def complete(http: requests.Session, url: str, expected: int) -> None:
    """Say so when the gateway's list is not every region's items (a partial list
    is fast for the wrong reason)."""
    response = http.get(url)
    items = next(iter(response.json().values()))
    partial = response.headers.get("X-Tricircle-Partial")
    if len(items) != expected or partial:
        print(f"  !! {url}: {len(items)} of {expected} items; partial: "
              f"{(partial or '')[:80]}")


def asked_at_once(pool, sessions: list[requests.Session], urls: list[str]) -> float:
    """A client asking every region itself, concurrently: the max of the regions."""
    started = time.perf_counter()
    for future in [pool.submit(timed, http, url, 1) for http, url in zip(sessions, urls,
                                                                        strict=True)]:
        future.result()
    return time.perf_counter() - started


def measure(api: str, names: list[str], sims: dict, samples: int) -> None:
    http = requests.Session()
    http.headers.update(TOKEN)
    lists = {"servers/detail": ("/compute/v2.1/servers/detail", "/compute/v2.1/servers/detail"),
             "volumes/detail": ("/volume/v3/demo/volumes/detail",
                                "/volume/v3/demo/volumes/detail")}
    sessions = [requests.Session() for _ in names]
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(names)) as pool:
        for label, (through, direct) in lists.items():
            timed(http, api + through, 3)  # warm: version documents, pools, endpoints
            gateway = timed(http, api + through, samples)
            collection = label.split("/")[0]
            complete(http, api + through, sum(len(sims[n][collection]) for n in names))
            urls = [sims[name]["root"] + direct for name in names]
            asked_at_once(pool, sessions, urls)
            everyone = [asked_at_once(pool, sessions, urls) for _ in range(samples)]
            print(ratio_line(f"  GET {label} ({len(names)} regions)", gateway,
                             everyone, 1.20, "all at once"))
    first = names[0]
    server = sims[first]["servers"][0]
    through = f"{api}/compute/v2.1/servers/{server}"
    direct = f"{sims[first]['root']}/compute/v2.1/servers/{server}"
    timed(http, through, 3)  # the first call adopts the server: a routing is recorded
    gateway, plain = [], []
    for _ in range(max(1, samples // 10)):
        gateway += timed(http, through, 10)
        plain += timed(http, direct, 10)
    print(ratio_line("  GET /servers/{id} (routed)", gateway, plain, 1.10, "direct"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def own_process(database_url: str, overrides: dict) -> Iterator[str]:
    """tricircle-api on ``database_url`` with ``overrides`` ({"group.option": value}),
    noauth, in a process of its own: its base URL while the ``with`` block runs."""
    work = Path(tempfile.mkdtemp(prefix="bench-fanout-api-"))
    port, log = _free_port(), work / "tricircle-api.log"
    conf = work / "tricircle.conf"
    conf.write_text(own_api.ini_text({
        "auth_strategy": "noauth", "state_path": work, "log_file": log,
        "database.connection": database_url, "api.bind_host": "127.0.0.1",
        "api.bind_port": port, **overrides}))
    command = Path(sys.executable).with_name("tricircle-api")
    process = subprocess.Popen([str(command), "--config-file", str(conf)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        own_api.wait_ready(process, log, url, timeout=30)
        yield url
    finally:
        process.terminate()
        process.wait(30)


def run(profile: regionsim.Profile, samples: int, sized: bool,
        separate: bool = False) -> None:
    most = max(COUNTS)
    overrides = {"gateway.default_region": "SimRegion000", "gateway.list_timeout": 20.0}
    if sized:
        overrides.update({"gateway.fanout_workers": 2 * most,
                          "gateway.pool_connections": 2 * most,
                          "gateway.fanout_queue_size": 2 * most})
    print(f"\n[gateway] {'sized for ' + str(most) + ' regions' if sized else 'defaults'}: "
          f"{ {k.split('.')[1]: v for k, v in overrides.items()} }")
    with simulator(most, profile) as sims, inprocess.scratch_database("sqlite") as url:
        inprocess.configure(url, **overrides)
        names = sorted(sims)
        with inprocess.served() as api:
            registered = 0
            for count in COUNTS:
                register(api, names[registered:count], sims)
                registered = count
                if not separate:
                    measure(api, names[:count], sims, samples)
                    continue
                with own_process(url, overrides) as gateway:
                    measure(gateway, names[:count], sims, samples)
        proxy.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lab", action="store_true",
                        help="draw latencies and list sizes from the lab's RegionOne")
    parser.add_argument("--latency-ms", type=float, default=20.0,
                        help="every simulated call's latency without --lab")
    parser.add_argument("--samples", type=int, default=50, help="requests per figure")
    parser.add_argument("--own-process", action="store_true",
                        help="time a tricircle-api process of its own, not this one's app")
    parser.add_argument("--profile-only", metavar="FILE",
                        help="with --lab: write the lab's profile to FILE and stop")
    parser.add_argument("--profile", metavar="FILE",
                        help="the profile written by --profile-only")
    args = parser.parse_args()
    if args.lab:
        profile = lab_profile(max(20, args.samples // 2))
        source = "lab RegionOne, measured now"
        if args.profile_only:
            Path(args.profile_only).write_text(json.dumps(dataclasses.asdict(profile)))
            return
    elif args.profile:
        profile = regionsim.Profile(**json.loads(Path(args.profile).read_text()))
        source = f"lab RegionOne as measured into {args.profile}"
    else:
        profile = regionsim.Profile({k: [args.latency_ms / 1000] for k in regionsim.KINDS})
        source = f"fixed {args.latency_ms} ms"
    print(f"simulated regions: {source}; " + ", ".join(
        f"{kind} p50 {percentiles(values)[0]:.1f} ms" for kind, values
        in profile.latencies.items()) + f"; {profile.servers} servers and "
        f"{profile.volumes} volumes per list, {profile.item_bytes} bytes per item")
    for sized in (False, True):
        run(profile, args.samples, sized, args.own_process)


if __name__ == "__main__":
    main()
