"""Ports on central Neutron (Tricircle's central plugin) against plain ML2, in the
same run, how long a VM port waits for its shadow in the other region, and
routers across regions.

    .venv/bin/tricircle-lab up
    .venv/bin/python benchmarks/network.py [--ports 100] [--shadows 3] [--routers 20]

The plain ML2 side is a network made directly in RegionOne's Neutron: the
local plugin hands such a network straight to ML2 (its "is this a central
network?" answer is cached after the first port), so that path is ML2's own.
Both sides run on the same kind of uWSGI process, so the ratio is the plugin's
cost. The shadow figure: a server is booted in az2, then servers in az1 through
RegionOne's Nova; for each, the time from its port turning ACTIVE in RegionOne
to its shadow port being listed by RegionTwo's Neutron (polled every 50 ms).
The router figures, medians of ``--routers`` runs: from ``router add subnet``
of a RegionTwo network (the router already holding a RegionOne one) to the
routes to each other's subnet listed on both bottom routers; from a floating
IP's association centrally to the bottom floating IP, with its fixed IP,
listed by the external network's region (RegionOne); and the latency of
adding a router interface (add, then remove) on central Neutron against
RegionOne's own Neutron on a network of its own (stock ML2 and router
plugin), interleaved in the same run (ratio of medians).
Prints figures only; everything it creates is deleted at the end, also when a
part fails (a failed clean-up step is printed); the router parts first delete
what an interrupted earlier run left (names starting with ``bench-``).
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


class Undo:
    """What a benchmark part made, deleted in reverse order when it ends, whatever
    happened: a step that fails is printed and the others still run."""

    def __init__(self) -> None:
        self.steps: list = []

    def __call__(self, func, *args, **kwargs) -> None:
        self.steps.append((func, args, kwargs))

    def __enter__(self) -> "Undo":
        return self

    def __exit__(self, *exc) -> None:
        for func, args, kwargs in reversed(self.steps):
            try:
                func(*args, **kwargs)
            except openstack.exceptions.SDKException as error:
                print(f"clean-up: {getattr(func, '__name__', func)}: {error}", file=sys.stderr)


def empty_router(api, router) -> None:
    """Delete ``router`` with what hangs on it (Neutron refuses a router in use)."""
    for port in api.ports(device_id=router.id, device_owner="network:router_interface"):
        api.remove_interface_from_router(router, port=port.id)
    if router.external_gateway_info:
        api.update_router(router, external_gateway_info={})
    api.delete_router(router)


def sweep() -> None:
    """Delete what an interrupted earlier run left (its names start with bench-)."""
    admin, central = connect(CENTRAL_REGION).network, connect(CENTRAL_REGION, "demo").network
    for api in (central, admin):
        for router in api.routers():
            if (router.name or "").startswith("bench-"):
                for fip in api.ips(router_id=router.id):
                    api.delete_ip(fip)
                empty_router(api, router)
    for api in (central, admin):
        for port in api.ports():
            if (port.name or "").startswith("bench-"):
                api.delete_port(port)
        for network in api.networks():
            if (network.name or "").startswith("bench-"):
                api.delete_network(network)


def _hinted_subnet(network_api, region: str, name: str, undo: Undo):
    network = network_api.create_network(name=name, availability_zone_hints=[region])
    undo(network_api.delete_network, network)
    cidr = f"10.{uuid.uuid4().int % 200 + 20}.{uuid.uuid4().int % 250}.0/24"
    return network, network_api.create_subnet(network_id=network.id, ip_version=4,
                                              name=name, cidr=cidr)


def _bottom_routes(region: str, router_id: str) -> set[str]:
    found = list(connect(region).network.routers(name=router_id))
    return {route["destination"] for route in (found[0].routes or [])} if found else set()


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _no_bottom_routers(made: set[str]) -> None:
    """Wait until no region holds a bottom router of the central ones in ``made``."""
    for region in REGIONS:
        wait_for(lambda r=region: not {x.name for x in connect(r.name).network.routers()}
                 & made, timeout=120)


def route_delays(runs: int) -> None:
    central = connect(CENTRAL_REGION, "demo").network
    one, two = REGIONS
    delays, made = [], set()
    with Undo() as undo:
        (_, sub1), (_, sub2) = (_hinted_subnet(central, r.name, f"bench-{r.short}", undo)
                                for r in REGIONS)
        undo(_no_bottom_routers, made)  # every bottom router gone before the networks go
        for i in range(runs):
            router = central.create_router(name=f"bench-x{i}")
            made.add(router.id)
            undo(empty_router, central, router)
            central.add_interface_to_router(router, subnet=sub1.id)
            wait_for(lambda: list(connect(one.name).network.routers(  # noqa: B023
                name=router.id)))  # noqa: B023
            start = time.perf_counter()
            central.add_interface_to_router(router, subnet=sub2.id)
            wait_for(lambda: sub2.cidr in _bottom_routes(one.name, router.id)  # noqa: B023
                     and sub1.cidr in _bottom_routes(two.name, router.id))  # noqa: B023
            delays.append(time.perf_counter() - start)
            empty_router(central, router)
            undo.steps.pop()  # done: not again at the end
    print(f"router add subnet (second region) -> routes on both bottom routers, {runs} "
          f"runs: median {_median_ms(delays):.0f} ms, max {max(delays) * 1000:.0f} ms")


def floatingip_delays(runs: int) -> None:
    admin, central = connect(CENTRAL_REGION).network, connect(CENTRAL_REGION, "demo").network
    region = REGIONS[0]
    bottom = connect(region.name).network
    physnet = f"bench-{uuid.uuid4().hex[:6]}"
    delays = []
    with Undo() as undo:
        external = admin.create_network(name=physnet, is_router_external=True,
                                        availability_zone_hints=[region.name],
                                        provider_network_type="flat",
                                        provider_physical_network=physnet)
        undo(admin.delete_network, external)
        admin.create_subnet(network_id=external.id, ip_version=4, cidr="10.254.77.0/24",
                            enable_dhcp=False, name=physnet)
        network, subnet = _hinted_subnet(central, region.name, f"bench-fip-{region.short}",
                                         undo)
        router = central.create_router(name="bench-fip",
                                       external_gateway_info={"network_id": external.id})
        undo(_no_bottom_routers, {router.id})
        undo(empty_router, central, router)
        central.add_interface_to_router(router, subnet=subnet.id)
        port = central.create_port(network_id=network.id, name="bench-fip")
        undo(central.delete_port, port)
        fip = central.create_ip(floating_network_id=external.id)
        undo(central.delete_ip, fip)
        for _ in range(runs):
            start = time.perf_counter()
            central.update_ip(fip, port_id=port.id)
            wait_for(lambda: any(f.fixed_ip_address for f in bottom.ips(
                floating_ip_address=fip.floating_ip_address)))
            delays.append(time.perf_counter() - start)
            central.update_ip(fip, port_id=None)
            wait_for(lambda: not list(bottom.ips(floating_ip_address=fip.floating_ip_address)))
    print(f"floating IP associated centrally -> bottom floating IP in {region.name}, {runs} "
          f"runs: median {_median_ms(delays):.0f} ms, max {max(delays) * 1000:.0f} ms")


def interface_latency(runs: int) -> None:
    sides = {"central (Tricircle)": connect(CENTRAL_REGION, "demo").network,
             "RegionOne plain ML2+router": connect(REGIONS[0].name, "demo").network}
    made = {}
    samples: dict[str, list[float]] = {label: [] for label in sides}
    with Undo() as undo:
        for label, api in sides.items():
            network = network_with_subnet(api, f"bench-{uuid.uuid4().hex[:6]}")
            undo(api.delete_network, network)
            router = api.create_router(name=f"bench-{uuid.uuid4().hex[:6]}")
            undo(empty_router, api, router)
            made[label] = (next(api.subnets(network_id=network.id)), router)
        for _ in range(runs):
            for label, api in sides.items():
                subnet, router = made[label]
                start = time.perf_counter()
                api.add_interface_to_router(router, subnet=subnet.id)
                samples[label].append(time.perf_counter() - start)
                api.remove_interface_from_router(router, subnet=subnet.id)
    medians = {label: _median_ms(values) for label, values in samples.items()}
    central, plain = medians.values()
    ratio = central / plain
    print(f"router interface add, {runs} runs, interleaved: " + ", ".join(
        f"{label} median {ms:.0f} ms" for label, ms in medians.items())
        + f"; ratio central/plain {ratio:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ports", type=int, default=100)
    parser.add_argument("--shadows", type=int, default=3)
    parser.add_argument("--routers", type=int, default=20)
    parser.add_argument("--only", choices=("ports", "shadows", "routers"),
                        help="run one part only")
    args = parser.parse_args()
    if args.only in (None, "ports"):
        compare_ports(args.ports)
    if args.only in (None, "shadows"):
        shadow_delays(args.shadows)
    if args.only in (None, "routers"):
        sweep()
        interface_latency(args.routers)
        route_delays(args.routers)
        floatingip_delays(args.routers)


if __name__ == "__main__":
    main()
