"""shadow_port_setup: shadows follow the VM ports of a region, in both directions."""

import itertools

import pytest
import sqlalchemy as sa

from tests.unit.xjob.conftest import FakeNeutron
from tricircle.db import api as db_api
from tricircle.db import models
from tricircle.objects.pod import Region
from tricircle.xjob import shadow

R1, R2 = Region("pod-1", "RegionOne"), Region("pod-2", "RegionTwo")


class PortsOnly(FakeNeutron):
    """A region's Neutron for shadow ports: a second port with a MAC on the same
    network is refused with 409, as Neutron does."""

    def conflicts(self, resource_type: str, body: dict) -> bool:
        return any(port["mac_address"] == body["mac_address"]
                   for port in self.objects["port"].values())

    def get(self, resource_type: str, resource_id: str) -> dict | None:
        assert resource_type != "network", "a lookup would make the region create a bottom network"
        return super().get(resource_type, resource_id)


class FakeNeutrons:
    """Each pod's Neutron, seen as a dict of its ports."""

    def __init__(self, fakes: dict) -> None:
        for region in (R1, R2):
            fakes[region.pod_id] = PortsOnly(region.pod_id)
        self.ports: dict[str, dict[str, dict]] = {
            pod_id: fake.objects["port"] for pod_id, fake in fakes.items()}
        self._ids = itertools.count()

    def vm_port(self, pod: Region, mac: str, ip: str, host: str = "h") -> dict:
        port = {"id": f"vm-{next(self._ids)}", "network_id": "net", "project_id": "demo",
                "mac_address": mac, "device_owner": "compute:az1", "binding:host_id": host,
                "fixed_ips": [{"subnet_id": "sub", "ip_address": ip}]}
        self.ports[pod.pod_id][port["id"]] = port
        return port


@pytest.fixture
def neutrons(db, fake_neutrons):
    fake = FakeNeutrons(fake_neutrons)
    _add_pods()
    _route_network(R1, R2)
    return fake


@db_api.writer
def _add_pods(session):
    session.add(models.Pod(pod_id="central", region_name="CentralRegion", az_name=""))
    for pod in (R1, R2):
        session.add(models.Pod(pod_id=pod.pod_id, region_name=pod.region_name,
                               az_name=f"az-{pod.region_name}"))


@db_api.writer
def _route_network(session, *pods: Region) -> None:
    """Record that ``pods`` hold a bottom network of "net", as their local plugins do."""
    for pod in pods:
        session.add(models.ResourceRouting(top_id="net", bottom_id="net", pod_id=pod.pod_id,
                                           project_id="demo", resource_type="network"))


@db_api.writer
def _unroute_network(session, pod: Region) -> None:
    session.execute(sa.delete(models.ResourceRouting).where(
        models.ResourceRouting.pod_id == pod.pod_id))


@db_api.reader
def _agents(session):
    return [(a.pod_id, a.host, a.tunnel_ip) for a in session.scalars(
        sa.select(models.ShadowAgent))]


def _shadows(fake: FakeNeutrons, pod: Region) -> dict[str, dict]:
    return {p["device_id"]: p for p in fake.ports[pod.pod_id].values() if shadow.is_shadow(p)}


def test_a_bound_vm_port_gets_one_shadow_in_each_other_region(neutrons):
    port = neutrons.vm_port(R1, "fa:16:3e:00:00:01", "10.0.0.5", host="r1-compute")
    shadow.setup(R1.pod_id, "net")
    shadow.setup(R1.pod_id, "net")  # again, as after a crash: still one shadow
    shadows = _shadows(neutrons, R2)
    assert list(shadows) == [port["id"]]
    mirror = shadows[port["id"]]
    assert mirror["mac_address"] == port["mac_address"]
    assert mirror["fixed_ips"] == port["fixed_ips"]
    assert mirror["binding:host_id"] == "r1-compute"
    assert mirror["binding:profile"]["tunnel_ip"] == "127.0.0.1"
    assert not _shadows(neutrons, R1)
    assert _agents() == [(R1.pod_id, "r1-compute", "127.0.0.1")]


def test_a_run_for_one_region_also_brings_the_others_ports_in(neutrons):
    old = neutrons.vm_port(R2, "fa:16:3e:00:00:02", "10.0.0.6")
    neutrons.vm_port(R1, "fa:16:3e:00:00:01", "10.0.0.5")
    shadow.setup(R1.pod_id, "net")
    assert list(_shadows(neutrons, R1)) == [old["id"]]


def test_a_deleted_port_loses_its_shadows(neutrons):
    port = neutrons.vm_port(R1, "fa:16:3e:00:00:01", "10.0.0.5")
    shadow.setup(R1.pod_id, "net")
    del neutrons.ports[R1.pod_id][port["id"]]
    shadow.setup(R1.pod_id, "net")
    assert not _shadows(neutrons, R2)


def test_a_region_without_the_network_gets_no_shadow(neutrons):
    _unroute_network(R2)
    neutrons.vm_port(R1, "fa:16:3e:00:00:01", "10.0.0.5")
    shadow.setup(R1.pod_id, "net")
    assert not neutrons.ports[R2.pod_id]


def test_a_configured_tunnel_ip_wins_over_the_endpoint(neutrons):
    shadow.CONF.set_override("tunnel_ips", {"RegionOne": "192.0.2.1"}, "xjob")
    port = neutrons.vm_port(R1, "fa:16:3e:00:00:01", "10.0.0.5")
    assert shadow.tunnel_ip(port, "RegionOne", "http://127.0.0.1:9696") == "192.0.2.1"
    port["binding:profile"] = {"tunnel_ip": "198.51.100.7"}
    assert shadow.tunnel_ip(port, "RegionOne", "http://127.0.0.1:9696") == "198.51.100.7"


def test_a_host_without_vm_ports_loses_its_shadow_agent(neutrons):
    kept = neutrons.vm_port(R1, "fa:16:3e:00:00:01", "10.0.0.5", host="r1-a")
    gone = neutrons.vm_port(R1, "fa:16:3e:00:00:02", "10.0.0.6", host="r1-b")
    shadow.setup(R1.pod_id, "net")
    assert sorted(host for _, host, _ in _agents()) == ["r1-a", "r1-b"]
    del neutrons.ports[R1.pod_id][gone["id"]]
    shadow.setup(R1.pod_id, "net")
    assert _agents() == [(R1.pod_id, "r1-a", "127.0.0.1")]
    assert list(_shadows(neutrons, R2)) == [kept["id"]]
