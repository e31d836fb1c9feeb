"""Networking when something fails: clear errors, and nothing left behind.

A region's Neutron passes central Neutron's refusals on with their status and
reason, and answers 503 naming CentralRegion when central cannot be reached.

Every copy a region's Neutron makes is recorded as a routing (the operator
sees it with ``openstack multiregion resource locate``). Deleting the central
object queues xjob's bottom_delete, which deletes the copies and then their
routings; a region that is down keeps its copy and its routing, and once the
region is back the job (retried, or redone) removes both. Checked through
each Neutron's own API and the stock CLI.
"""

import json
import subprocess

import openstack
import pytest

from tests.integration.conftest import lab_command, poll
from tricircle.lab import procs
from tricircle.lab.layout import CENTRAL_REGION, REGIONS, Layout

TRICIRCLE = {"service_type": "tricircle", "interface": "public",
             "region_name": CENTRAL_REGION}


def _locate(lab, resource_id: str) -> list[dict]:
    """``openstack multiregion resource locate``; [] when no routing names the id."""
    result = lab.multiregion("resource", "locate", resource_id, "-f", "json", check=False)
    if result.returncode != 0:
        assert "No routing has" in result.stderr, result.stderr
        return []
    return json.loads(result.stdout)


def _copy_network(lab, region_name: str, network_id: str) -> None:
    """What Nova's boot does first: list the network by id, which makes the copy."""
    listed = list(lab.sdk("admin", region_name).network.networks(id=network_id))
    assert [net.id for net in listed] == [network_id]


def _delete_jobs(lab, project_id: str) -> list[dict]:
    session = lab.sdk("admin", CENTRAL_REGION).session
    return session.get(f"/jobs?project_id={project_id}&type=bottom_delete",
                       endpoint_filter=TRICIRCLE).json()["jobs"]


def _gone_everywhere(lab, network_id: str, regions) -> bool:
    return all(lab.sdk("admin", region.name).network.find_network(
        network_id, ignore_missing=True) is None for region in regions)


@pytest.fixture
def network(lab, unique_name):
    network_api = lab.sdk("demo", CENTRAL_REGION).network
    network = network_api.create_network(name=unique_name)
    network.test_subnet = network_api.create_subnet(
        network_id=network.id, ip_version=4, cidr="10.199.7.0/24", name=unique_name)
    yield network
    network_api.delete_network(network, ignore_missing=True)


def test_every_copy_is_recorded_and_its_record_goes_with_it(lab, network):
    for region in REGIONS:
        _copy_network(lab, region.name, network.id)
    located = _locate(lab, network.id)
    assert sorted(r["Region"] for r in located) == sorted(r.name for r in REGIONS)
    assert {(r["Resource Type"], r["Bottom ID"]) for r in located} == {
        ("network", network.id)}
    subnet_id = network.test_subnet.id
    assert len(_locate(lab, subnet_id)) == len(REGIONS)

    lab.sdk("demo", CENTRAL_REGION).network.delete_network(network)
    assert poll(lambda: _gone_everywhere(lab, network.id, REGIONS) and _locate(
        lab, network.id) == [] and _locate(lab, subnet_id) == [], timeout=60), \
        "copies or routings of the deleted network remain"


def test_a_copy_in_a_region_that_was_down_is_deleted_when_it_is_back(lab, network):
    down, up = REGIONS
    for region in REGIONS:
        _copy_network(lab, region.name, network.id)
    layout = Layout.default()
    assert procs.stop(layout, f"neutron-{down.short}")
    try:
        # Central deletes at once; xjob cleans the region that is up, and the
        # one that is down keeps its copy and its routing.
        lab.sdk("demo", CENTRAL_REGION).network.delete_network(network)
        assert poll(lambda: _gone_everywhere(lab, network.id, [up]), timeout=60)
        assert poll(lambda: [r["Region"] for r in _locate(lab, network.id)] == [down.name],
                    timeout=60)
        assert _delete_jobs(lab, network.project_id), "no bottom_delete job queued"
    finally:
        restarted = subprocess.run(lab_command() + ["up"], capture_output=True, text=True)
        assert restarted.returncode == 0, restarted.stderr

    # The job retries with back-off; after its last attempt an operator's redo
    # (here through the stock CLI) is what finishes it.
    def recycled() -> bool:
        for job in _delete_jobs(lab, network.project_id):
            if job["status"] == "FAIL":
                lab.multiregion("networking", "job", "redo", job["id"])
        return (lab.sdk("admin", down.name).network.find_network(
            network.id, ignore_missing=True) is None and _locate(lab, network.id) == [])

    assert poll(recycled, timeout=240, interval=3), "the copy was not deleted"
    assert list(lab.sdk("admin", down.name).network.subnets(network_id=network.id)) == []


def test_an_ip_central_has_given_out_is_refused_in_a_region_with_centrals_reason(lab,
                                                                                 network):
    central_api = lab.sdk("demo", CENTRAL_REGION).network
    taken = central_api.create_port(network_id=network.id)
    address = taken.fixed_ips[0]["ip_address"]
    region_api = lab.sdk("demo", REGIONS[0].name).network
    try:
        with pytest.raises(openstack.exceptions.ConflictException) as refused:
            region_api.create_port(network_id=network.id, fixed_ips=[
                {"subnet_id": network.test_subnet.id, "ip_address": address}])
        assert "CentralRegion Neutron refused the request" in str(refused.value)
        assert address in str(refused.value)
        assert [p.id for p in region_api.ports(network_id=network.id)
                if p.device_owner != "network:dhcp"] == []
    finally:
        central_api.delete_port(taken)


def test_an_ip_freed_centrally_is_usable_in_a_region_before_xjob_deletes_its_copy(
        lab, network):
    # Central frees an address at once and deletes the old port's copies later
    # (xjob); with xjob stopped the copy stays, and the region still takes the
    # address for a new port: a copy holding what central gave out again is stale.
    central_api = lab.sdk("demo", CENTRAL_REGION).network
    region_api = lab.sdk("demo", REGIONS[0].name).network
    old = central_api.create_port(network_id=network.id)
    address = old.fixed_ips[0]["ip_address"]
    assert region_api.get_port(old.id).id == old.id  # copied to the region
    assert procs.stop(Layout.default(), "tricircle-xjob")
    try:
        central_api.delete_port(old)
        new = region_api.create_port(network_id=network.id, fixed_ips=[
            {"subnet_id": network.test_subnet.id, "ip_address": address}])
        assert [ip["ip_address"] for ip in new.fixed_ips] == [address]
        assert central_api.get_port(new.id).fixed_ips == new.fixed_ips
        assert region_api.find_port(old.id, ignore_missing=True) is None
        region_api.delete_port(new)
        assert central_api.find_port(new.id, ignore_missing=True) is None
    finally:
        restarted = subprocess.run(lab_command() + ["up"], capture_output=True, text=True)
        assert restarted.returncode == 0, restarted.stderr


def test_a_region_answers_503_naming_central_when_central_is_down(lab, network):
    region_api = lab.sdk("admin", REGIONS[0].name).network
    assert procs.stop(Layout.default(), "neutron-central")
    try:
        # Nova's first step of a boot on a central network the region lacks.
        with pytest.raises(openstack.exceptions.HttpException) as failed:
            list(region_api.networks(id=network.id))
        assert failed.value.status_code == 503
        assert "CentralRegion Neutron is unavailable" in str(failed.value)
    finally:
        restarted = subprocess.run(lab_command() + ["up"], capture_output=True, text=True)
        assert restarted.returncode == 0, restarted.stderr
    assert [net.id for net in region_api.networks(id=network.id)] == [network.id]
