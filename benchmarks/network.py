"""Ports on central Neutron (Tricircle's central plugin) against plain ML2, in the
same run, and how long a VM port waits for its shadow in the other region.

    .venv/bin/tricircle-lab up
    .venv/bin/python benchmarks/network.py [--ports 100] [--shadows 3]

The plain ML2 side is a network made directly in RegionOne's Neutron: the
local plugin hands such a network straight to ML2 (its "is this a central
network?" answer is cached after the first port), so that path is ML2's own.
Both sides run on the same kind of uWSGI process, so the ratio is the plugin's
cost. The shadow figure: a server is booted in az2, then servers in az1 through
RegionOne's Nova; for each, the time from its port turning ACTIVE in RegionOne
to its shadow port being listed by RegionTwo's Neutron (polled every 50 ms).
Prints figures only; everything it creates is deleted at the end.
"""

import argparse
import functools
import shlex
import statistics
import subprocess
import sys
import time
import uuid

import openstack

sys.path.insert(0, __file__.rsplit("/benchmarks/", 1)[0])

from tests.integration.conftest import poll  # noqa: E402
from tricircle.common import constants  # noqa: E402
from tricircle.lab.layout import CENTRAL_REGION, REGIONS  # noqa: E402


@functools.cache
def connect(region: str, user: str = "admin"):
    """openstacksdk as ``eval "$(tricircle-lab env --user U --region R)"`` would set it."""
    out = subprocess.run([sys.executable, "-m", "tricircle.lab.cli", "env", "--user", user,
                          "--region", region], capture_output=True, text=True,
                         check=True).stdout
    env = {}
    for line in out.splitlines():
        key, _, value = line.removeprefix("export ").partition("=")
        env[key] = shlex.split(value)[0] if value else ""
    return openstack.connect(
        auth_url=env["OS_AUTH_URL"], username=env["OS_USERNAME"],
        password=env["OS_PASSWORD"], project_name=env["OS_PROJECT_NAME"],
        user_domain_id="default", project_domain_id="default", region_name=region,
        interface="public", identity_api_version="3")


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return (statistics.median(ordered) * 1000,
            ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000)


def port_cycle(network_api, network_id: str) -> tuple[float, float]:
    """Create then delete one port: (create s, delete s)."""
    t0 = time.perf_counter()
    port = network_api.create_port(network_id=network_id)
    t1 = time.perf_counter()
    network_api.delete_port(port)
    return t1 - t0, time.perf_counter() - t1


def network_with_subnet(network_api, name: str):
    network = network_api.create_network(name=name)
    cidr = f"10.{uuid.uuid4().int % 200 + 20}.{uuid.uuid4().int % 250}.0/24"
    network_api.create_subnet(network_id=network.id, ip_version=4, name=name, cidr=cidr)
    return network


def compare_ports(count: int) -> None:
    sides = {"central (Tricircle)": connect(CENTRAL_REGION).network,
             "RegionOne plain ML2": connect(REGIONS[0].name).network}
    networks = {label: network_with_subnet(api, f"bench-{uuid.uuid4().hex[:6]}")
                for label, api in sides.items()}
    samples: dict[str, list[tuple[float, float]]] = {label: [] for label in sides}
    try:
        for label, api in sides.items():
            for _ in range(3):  # warm-up: caches, connections
                port_cycle(api, networks[label].id)
        # Interleaved, one cycle per side in turn: the lab's background work (Nova's
        # periodic tasks, xjob) then weighs on both sides alike.
        for _ in range(count):
            for label, api in sides.items():
                samples[label].append(port_cycle(api, networks[label].id))
    finally:
        for label, api in sides.items():
            api.delete_network(networks[label])
    results = {label: ([c for c, _ in cycles], [d for _, d in cycles],
                       len(cycles) / sum(c + d for c, d in cycles))
               for label, cycles in samples.items()}
    print(f"port create+delete, {count} sequential cycles, one client")
    print(f"{'':22} {'create p50/p95 ms':>18} {'delete p50/p95 ms':>18} {'cycles/s':>9}")
    for label, (creates, deletes, rate) in results.items():
        c50, c95 = percentiles(creates)
        d50, d95 = percentiles(deletes)
        print(f"{label:22} {c50:8.1f} /{c95:7.1f} {d50:8.1f} /{d95:7.1f} {rate:9.1f}")
    central, plain = results.values()
    create = percentiles(central[0])[0] / percentiles(plain[0])[0]
    delete = percentiles(central[1])[0] / percentiles(plain[1])[0]
    print(f"ratio central/plain: create p50 {create:.2f}, delete p50 {delete:.2f}, "
          f"cycles/s {central[2] / plain[2]:.2f}")


def boot(region, network_id: str, name: str):
    compute, image = connect(region.name).compute, connect(region.name).image
    return compute.create_server(
        name=name, networks=[{"uuid": network_id}], availability_zone=region.az,
        flavor_id=compute.find_flavor("m1.tiny", ignore_missing=False).id,
        image_id=image.find_image("tiny", ignore_missing=False).id)


def wait_for(check, timeout: float = 300.0, interval: float = 0.05):
    return poll(check, timeout, interval) or sys.exit("timed out")


def shadow_delays(count: int) -> None:
    home, other = REGIONS
    central = connect(CENTRAL_REGION).network
    network = network_with_subnet(central, f"bench-{uuid.uuid4().hex[:6]}")
    servers, delays = [], []
    home_net, other_net = connect(home.name).network, connect(other.name).network
    try:
        servers.append((other, boot(other, network.id, "bench-anchor")))
        connect(other.name).compute.wait_for_server(servers[-1][1], wait=300)
        for i in range(count):
            server = boot(home, network.id, f"bench-vm{i}")
            servers.append((home, server))
            port = wait_for(lambda: next((p for p in home_net.ports(  # noqa: B023
                device_id=server.id) if p.status == "ACTIVE"), None))  # noqa: B023
            active = time.perf_counter()
            wait_for(lambda: any(s.binding_profile.get("shadow_of") == port.id  # noqa: B023
                                 for s in other_net.ports(
                                     network_id=network.id,
                                     device_owner=constants.DEVICE_OWNER_SHADOW)))
            delays.append(time.perf_counter() - active)
    finally:
        for region, server in servers:
            compute = connect(region.name).compute
            compute.delete_server(server, ignore_missing=True)
            compute.wait_for_delete(server, wait=300)
        wait_for(lambda: not list(central.ports(network_id=network.id,
                                                device_owner="compute:" + home.az)))
        central.delete_network(network)
    print(f"VM port ACTIVE in {home.name} -> shadow listed in {other.name}, {count} VMs: "
          + ", ".join(f"{d * 1000:.0f} ms" for d in delays)
          + f" (median {statistics.median(delays) * 1000:.0f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ports", type=int, default=100)
    parser.add_argument("--shadows", type=int, default=3)
    args = parser.parse_args()
    compare_ports(args.ports)
    shadow_delays(args.shadows)


if __name__ == "__main__":
    main()
