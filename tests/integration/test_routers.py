"""Routers across regions (issue #12), proven in the lab through each region's own
Neutron API: the declarative scenario tests/integration/scenarios/routers.yaml
(local routers, a router across regions with a network of each region and a
stretched one, RegionOne's external network as the exit with a floating IP
for a VM of RegionTwo, then a full teardown) and scenarios/exits.yaml (one
external network per region, a user's route, copies following central's
updates, a port made centrally booted with --port), run by scenarios/runner.py.

The lab has no L3 agents: configuration is proven through the APIs (bottom
routers, interfaces, routes, gateways, floating IPs), never by a ping.
"""

import subprocess
import sys
from pathlib import Path

from tests.integration.conftest import lab_command, poll
from tests.integration.scenarios.runner import Clouds, Runner
from tricircle.lab import procs
from tricircle.lab.layout import CENTRAL_REGION, REGIONS, Layout

SCENARIOS = Path(__file__).parent / "scenarios"
TRICIRCLE = {"service_type": "tricircle", "interface": "public",
             "region_name": CENTRAL_REGION}


def _clouds(lab) -> Clouds:
    networks = {}

    def cli(args: list[str], user: str) -> str:
        return lab.openstack(*args, user=user, region=CENTRAL_REGION).stdout

    def multiregion(args: list[str]) -> tuple[int, str]:
        command = [str(Path(sys.executable).parent / "openstack"), "multiregion", *args]
        result = subprocess.run(command, env=lab.env("admin", CENTRAL_REGION),
                                capture_output=True, text=True, timeout=120)
        return result.returncode, result.stdout + result.stderr

    def network(region: str):
        if region not in networks:
            networks[region] = lab.sdk("admin", region).network
        return networks[region]

    return Clouds(cli=cli, multiregion=multiregion, network=network,
                  regions=tuple(region.name for region in REGIONS))


def test_routers_across_regions_scenario(lab):
    Runner(_clouds(lab)).run_file(SCENARIOS / "routers.yaml")


def test_one_exit_per_region_scenario(lab):
    """Each region's own external network and local router, east-west over a router
    across regions at ports; user routes, copies following updates, --port shadows."""
    Runner(_clouds(lab)).run_file(SCENARIOS / "exits.yaml")


def _router_jobs(lab, project_id: str) -> list[dict]:
    session = lab.sdk("admin", CENTRAL_REGION).session
    return session.get(f"/jobs?project_id={project_id}&type=router_setup",
                       endpoint_filter=TRICIRCLE).json()["jobs"]


def _bottom_routers(lab, region_name: str, router_id: str) -> list:
    return list(lab.sdk("admin", region_name).network.routers(name=router_id))


def test_a_bottom_router_in_a_region_that_was_down_goes_once_it_is_back(lab, unique_name):
    """The router is deleted centrally while RegionTwo's Neutron is stopped: RegionOne's
    bottom router goes at once, RegionTwo's with the retried (or redone) job."""
    central = lab.sdk("demo", CENTRAL_REGION).network
    subnets, networks = [], []
    for i, region in enumerate(REGIONS):
        network = central.create_network(name=f"{unique_name}-{region.short}",
                                         availability_zone_hints=[region.name])
        networks.append(network)
        subnets.append(central.create_subnet(network_id=network.id, ip_version=4,
                                             cidr=f"10.198.{i + 1}.0/24", name=unique_name))
    router = central.create_router(name=unique_name)
    try:
        for subnet in subnets:
            central.add_interface_to_router(router, subnet=subnet.id)
        assert poll(lambda: all(_bottom_routers(lab, region.name, router.id)
                                for region in REGIONS), timeout=120)
        down, up = REGIONS[1], REGIONS[0]
        assert procs.stop(Layout.default(), f"neutron-{down.short}")
        try:
            for subnet in subnets:
                central.remove_interface_from_router(router, subnet=subnet.id)
            central.delete_router(router)
            assert poll(lambda: not _bottom_routers(lab, up.name, router.id), timeout=120)
            assert any(job["status"] != "SUCCESS" for job in _router_jobs(
                lab, router.project_id) if job["resource"]["pod_id"] != _pod_of(lab, up))
        finally:
            restarted = subprocess.run(lab_command() + ["up"], capture_output=True, text=True)
            assert restarted.returncode == 0, restarted.stderr

        def finished() -> bool:
            for job in _router_jobs(lab, router.project_id):
                if job["status"] == "FAIL":
                    lab.multiregion("networking", "job", "redo", job["id"])
            return not _bottom_routers(lab, down.name, router.id)

        assert poll(finished, timeout=300, interval=3), f"{down.name} keeps its bottom router"
        result = lab.multiregion("resource", "locate", router.id, check=False)
        assert result.returncode != 0 and "No routing has" in result.stderr
    finally:
        central.delete_router(router, ignore_missing=True)
        for network in networks:
            central.delete_network(network, ignore_missing=True)


def _pod_of(lab, region) -> str:
    session = lab.sdk("admin", CENTRAL_REGION).session
    pods = session.get("/pods", endpoint_filter=TRICIRCLE).json()["pods"]
    return next(pod["pod_id"] for pod in pods if pod["region_name"] == region.name)
