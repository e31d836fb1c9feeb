"""The lab itself: every region boots servers, makes volumes and holds networks,
as seen through the stock `openstack` CLI and openstacksdk."""

import ipaddress
import subprocess

import pytest

from tests.integration.conftest import lab_command
from tricircle.lab.layout import CENTRAL_REGION, REGIONS

REGION_IDS = [region.name for region in REGIONS]


def test_status_reports_every_process_up(lab):
    result = subprocess.run(lab_command() + ["status"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
    assert "stopped" not in result.stdout
    assert "nova-r2-compute" in result.stdout and "tricircle-api" in result.stdout


def test_catalog_has_every_region_and_service(lab):
    catalog = lab.openstack_json("catalog", "list")
    regions_of = {entry["Type"]: {e["region"] for e in entry["Endpoints"]} for entry in catalog}
    for service_type in ("compute", "network", "block-storage", "image", "placement"):
        assert set(REGION_IDS) <= regions_of[service_type], service_type
    assert CENTRAL_REGION in regions_of["network"]
    assert regions_of["tricircle"] == {CENTRAL_REGION}


@pytest.mark.parametrize("region", REGIONS, ids=REGION_IDS)
def test_server_boots_active_in_region(lab, region, unique_name):
    server = lab.openstack_json(
        "server", "create", "--flavor", "m1.tiny", "--image", "tiny",
        "--network", f"demo-net-{region.short}", "--wait", unique_name,
        user="demo", region=region.name)
    try:
        assert server["status"] == "ACTIVE"
        assert server["OS-EXT-AZ:availability_zone"] == region.az
        ports = list(lab.sdk("demo", region.name).network.ports(device_id=server["id"]))
        assert len(ports) == 1
        address = ports[0].fixed_ips[0]["ip_address"]
        assert ipaddress.ip_address(address) in ipaddress.ip_network(region.cidr)
        assert ports[0].status == "ACTIVE"
    finally:
        lab.openstack("server", "delete", "--wait", server["id"], user="demo",
                      region=region.name)


@pytest.mark.parametrize("region", REGIONS, ids=REGION_IDS)
def test_volume_becomes_available_in_region(lab, region, unique_name):
    volume = lab.openstack_json("volume", "create", "--size", "1", unique_name,
                                user="demo", region=region.name)
    block_storage = lab.sdk("demo", region.name).block_storage
    try:
        found = block_storage.wait_for_status(block_storage.get_volume(volume["id"]),
                                              status="available", failures=["error"],
                                              wait=120)
        assert found.availability_zone == region.az
    finally:
        lab.openstack("volume", "delete", volume["id"], user="demo", region=region.name)


@pytest.mark.parametrize("region_name", REGION_IDS + [CENTRAL_REGION])
def test_each_neutron_holds_its_own_networks_and_ports(lab, region_name, unique_name):
    network_api = lab.sdk("demo", region_name).network
    network = network_api.create_network(name=unique_name)
    try:
        network_api.create_subnet(network_id=network.id, ip_version=4, cidr="192.168.7.0/24")
        port = network_api.create_port(network_id=network.id)
        assert port.fixed_ips[0]["ip_address"].startswith("192.168.7.")
        for other in set(REGION_IDS + [CENTRAL_REGION]) - {region_name}:
            # Listed by name: a lookup by id would make a region copy a central network.
            assert list(lab.sdk("demo", other).network.networks(name=unique_name)) == []
    finally:
        for leftover in network_api.ports(network_id=network.id):
            network_api.delete_port(leftover)
        network_api.delete_network(network)


def test_tricircle_pods_name_every_region(lab):
    session = lab.sdk("admin", CENTRAL_REGION).session
    pods = session.get("/pods", endpoint_filter={
        "service_type": "tricircle", "interface": "public",
        "region_name": CENTRAL_REGION}).json()["pods"]
    by_region = {pod["region_name"]: pod for pod in pods}
    assert by_region[CENTRAL_REGION]["az_name"] == ""
    for region in REGIONS:
        assert by_region[region.name]["az_name"] == region.az


def test_demo_user_cannot_use_admin_api(lab):
    session = lab.sdk("demo", CENTRAL_REGION).session
    response = session.post("/pods", json={"pod": {"region_name": "Nowhere"}},
                            raise_exc=False, endpoint_filter={
                                "service_type": "tricircle", "interface": "public",
                                "region_name": CENTRAL_REGION})
    assert response.status_code == 403


def test_logs_names_a_service_and_refuses_unknown_ones(lab):
    shown = subprocess.run(lab_command() + ["logs", "nova-r1-api", "-n", "5"],
                           capture_output=True, text=True)
    assert shown.returncode == 0 and "nova-r1-api" in shown.stdout
    unknown = subprocess.run(lab_command() + ["logs", "no-such-service"],
                             capture_output=True, text=True)
    assert unknown.returncode == 1
    assert "no logs named 'no-such-service'" in unknown.stderr
    assert "keystone" in unknown.stdout


def test_up_again_changes_nothing_that_runs(lab):
    before = subprocess.run(lab_command() + ["status"], capture_output=True, text=True).stdout
    again = subprocess.run(lab_command() + ["up"], capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert "started" not in again.stdout, again.stdout
    after = subprocess.run(lab_command() + ["status"], capture_output=True, text=True).stdout
    assert before == after  # same pids: nothing restarted
