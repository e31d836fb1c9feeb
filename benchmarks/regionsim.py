"""A region simulator: a benchmark device, never used by a correctness test.

It stands in for regions the lab does not have (benchmarks/fanout.py needs up
to 100): one small threaded HTTP server per simulated region on 127.0.0.1,
answering the Nova and Cinder reads the benchmarks make, each after a delay
drawn at random from latencies measured on the real lab regions in the same
run (``Profile``), with lists as long and items as large as the real regions'.

    /compute/, /compute/v2.1                 version documents (Nova 2.1 .. 2.96)
    /compute/v2.1/servers[/detail], /servers/{id}
    /compute/v2.1/flavors[/detail], /flavors/{id}
    /volume/, /volume/v3                     version documents (Cinder 3.0 .. 3.70)
    /volume/v3/{project}/volumes[/detail], /volumes/{id}

It does not check tokens, create, delete, page (``limit``/``marker`` are
ignored) or honour filters: what the gateway does with real answers is what
tests/ check against tests/unit/gateway/fakes.py and the lab. Run alone to
try it:  .venv/bin/python benchmarks/regionsim.py --regions 3
(it prints the regions' roots as JSON and serves until its stdin closes).
"""

import argparse
import dataclasses
import http.server
import json
import random
import sys
import threading
import time
import uuid

NOVA_VERSIONS = ("2.1", "2.96")
CINDER_VERSIONS = ("3.0", "3.70")
# The kinds of call a profile has latencies for, and the default when none is measured.
KINDS = ("list", "show", "flavors", "versions")


@dataclasses.dataclass
class Profile:
    """How a simulated region answers: latency samples in seconds per kind of call
    (KINDS), items per list and the JSON bytes of one list item."""

    latencies: dict[str, list[float]]
    servers: int = 3
    volumes: int = 3
    item_bytes: int = 1500

    def delay(self, kind: str) -> float:
        samples = self.latencies.get(kind) or self.latencies.get("show") or [0.0]
        return random.choice(samples)


def _padded(item: dict, size: int) -> dict:
    """``item`` with a filler field so that its JSON is about ``size`` bytes."""
    missing = size - len(json.dumps(item))
    if missing > 20:
        item["metadata"] = {"bench_filler": "x" * (missing - 30)}
    return item


def _server(region: str, root: str, index: int, size: int) -> dict:
    server_id = str(uuid.uuid4())
    return _padded({
        "id": server_id, "name": f"sim-{region}-{index}", "status": "ACTIVE",
        "tenant_id": "demo", "user_id": "demo", "hostId": uuid.uuid4().hex,
        "created": "2026-01-01T00:00:00Z", "updated": "2026-01-01T00:00:00Z",
        "flavor": {"original_name": "m1.tiny", "vcpus": 1, "ram": 512, "disk": 1},
        "image": {"id": str(uuid.UUID(int=index))}, "addresses": {},
        "OS-EXT-AZ:availability_zone": f"az-{region}",
        "links": [{"rel": "self", "href": f"{root}/compute/v2.1/servers/{server_id}"},
                  {"rel": "bookmark", "href": f"{root}/compute/servers/{server_id}"}],
    }, size)


def _volume(region: str, root: str, index: int, size: int) -> dict:
    volume_id = str(uuid.uuid4())
    return _padded({
        "id": volume_id, "name": f"sim-{region}-{index}", "status": "available",
        "size": 1, "availability_zone": f"az-{region}", "bootable": "false",
        "created_at": "2026-01-01T00:00:00.000000", "attachments": [],
        "os-vol-tenant-attr:tenant_id": "demo", "volume_type": "lvm",
        "links": [{"rel": "self", "href": f"{root}/volume/v3/demo/volumes/{volume_id}"}],
    }, size)


def _version(name: str, versions: tuple[str, str], href: str) -> dict:
    return {"id": name, "status": "CURRENT", "min_version": versions[0],
            "version": versions[1], "links": [{"rel": "self", "href": href}]}


class SimRegion:
    """One simulated region (Nova and Cinder on one port), serving from a thread."""

    def __init__(self, name: str, profile: Profile) -> None:
        self.name, self.profile = name, profile
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.region = self
        self.root = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.server_ids: list[str] = []
        self.volume_ids: list[str] = []
        self.answers = self._answers()
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True,
                                       name=f"regionsim-{name}")
        self.thread.start()

    @property
    def compute_url(self) -> str:
        return f"{self.root}/compute/v2.1"

    @property
    def volume_url(self) -> str:
        return f"{self.root}/volume/v3"

    def _answers(self) -> dict[str, tuple[str, int, bytes]]:
        """path → (kind, status, body), serialised once: the simulator spends its time
        sleeping, not encoding JSON, so 100 of them fit on a small machine."""
        p, root = self.profile, self.root
        servers = [_server(self.name, root, i, p.item_bytes) for i in range(p.servers)]
        volumes = [_volume(self.name, root, i, p.item_bytes) for i in range(p.volumes)]
        flavor = {"id": "1", "name": "m1.tiny", "vcpus": 1, "ram": 512, "disk": 1,
                  "links": [{"rel": "self", "href": f"{root}/compute/v2.1/flavors/1"}]}
        nova = _version("v2.1", NOVA_VERSIONS, f"{root}/compute/v2.1/")
        cinder = _version("v3.0", CINDER_VERSIONS, f"{root}/volume/v3/")
        answers = {
            "/compute/": ("versions", 300, {"versions": [nova]}),
            "/compute/v2.1": ("versions", 200, {"version": nova}),
            "/compute/v2.1/servers": ("list", 200, {"servers": [
                {k: s[k] for k in ("id", "name", "links")} for s in servers]}),
            "/compute/v2.1/servers/detail": ("list", 200, {"servers": servers}),
            "/compute/v2.1/flavors": ("flavors", 200, {"flavors": [flavor]}),
            "/compute/v2.1/flavors/detail": ("flavors", 200, {"flavors": [flavor]}),
            "/compute/v2.1/flavors/1": ("flavors", 200, {"flavor": flavor}),
            "/volume/": ("versions", 300, {"versions": [cinder]}),
            "/volume/v3": ("versions", 200, {"version": cinder}),
            "/volume/v3/demo/volumes": ("list", 200, {"volumes": [
                {k: v[k] for k in ("id", "name", "links")} for v in volumes]}),
            "/volume/v3/demo/volumes/detail": ("list", 200, {"volumes": volumes}),
        }
        self.server_ids = [server["id"] for server in servers]
        self.volume_ids = [volume["id"] for volume in volumes]
        for server in servers:
            answers[f"/compute/v2.1/servers/{server['id']}"] = ("show", 200,
                                                                {"server": server})
        for volume in volumes:
            answers[f"/volume/v3/demo/volumes/{volume['id']}"] = ("show", 200,
                                                                  {"volume": volume})
        return {path: (kind, status, json.dumps(body).encode())
                for path, (kind, status, body) in answers.items()}

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Nova and Cinder behind uWSGI
    # Headers and body are two writes: without this, Nagle's algorithm and the
    # client's delayed ACK add 40 ms to every answer.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        region: SimRegion = self.server.region
        path = self.path.split("?", 1)[0].rstrip("/") or "/"
        if path in ("/compute", "/volume"):
            path += "/"
        kind, status, body = region.answers.get(path, ("show", 404, b'{"itemNotFound": '
                                                       b'{"code": 404, "message": '
                                                       b'"not simulated"}}'))
        time.sleep(region.profile.delay(kind))
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass  # a benchmark device: no log line per request


def start(count: int, profile: Profile, prefix: str = "SimRegion") -> list[SimRegion]:
    return [SimRegion(f"{prefix}{index:03d}", profile) for index in range(count)]


def main() -> None:
    """Start the regions, print one JSON line describing them, serve until stdin
    closes (the benchmark that started this process exits or closes it)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--regions", type=int, default=2)
    parser.add_argument("--profile", help="a Profile as JSON (benchmarks/fanout.py "
                        "writes one from the lab); default: 20 ms for every call")
    args = parser.parse_args()
    if args.profile:
        with open(args.profile) as source:
            profile = Profile(**json.load(source))
    else:
        profile = Profile({kind: [0.020] for kind in KINDS})
    regions = start(args.regions, profile)
    print(json.dumps({r.name: {"root": r.root, "servers": r.server_ids,
                               "volumes": r.volume_ids} for r in regions}), flush=True)
    sys.stdin.read()  # then exit: the servers' threads are daemons


if __name__ == "__main__":
    main()
