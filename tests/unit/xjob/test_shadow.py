"""shadow_port_setup: shadows follow the VM ports of a region, in both directions."""

import itertools
import urllib.parse

import pytest
import sqlalchemy as sa

from tricircle.db import api as db_api
from tricircle.db import models
from tricircle.xjob import regions, shadow

R1, R2 = shadow.Pod("pod-1", "RegionOne"), shadow.Pod("pod-2", "RegionTwo")


class FakeNeutrons:
    """Each pod's Neutron as a dict of ports; a second port with a MAC on the
    same network is refused with 409, as Neutron does."""

    def __init__(self) -> None:
        self.ports: dict[str, dict[str, dict]] = {R1.pod_id: {}, R2.pod_id: {}}
        self._ids = itertools.count()

    def vm_port(self, pod: shadow.Pod, mac: str, ip: str, host: str = "h") -> dict:
        port = {"id": f"vm-{next(self._ids)}", "network_id": "net", "project_id": "demo",
                "mac_address": mac, "device_owner": "compute:az1", "binding:host_id": host,
                "fixed_ips": [{"subnet_id": "sub", "ip_address": ip}]}
        self.ports[pod.pod_id][port["id"]] = port
        return port

    def call(self, pod_id: str, method: str, path: str, body: dict | None = None):
        path, _, query = path.partition("?")
        filters = dict(urllib.parse.parse_qsl(query))
        ports = self.ports[pod_id]
        assert not path.startswith("networks"), "a lookup would make the region copy it"
        if method == "GET":
            return {"ports": [p for p in ports.values()
                              if all(p.get(k) == v for k, v in filters.items())]}
        if method == "POST":
            new = dict(body["port"], id=f"shadow-{next(self._ids)}")
            if any(p["mac_address"] == new["mac_address"] for p in ports.values()):
                raise regions.RegionConflict("409 MacAddressInUse")
            ports[new["id"]] = new
            return {"port": new}
        return ports.pop(path.split("/")[1], None) and {}


@pytest.fixture
def neutrons(db, monkeypatch):
    fake = FakeNeutrons()
    monkeypatch.setattr(regions, "call", fake.call)
    monkeypatch.setattr(regions, "network_endpoint", lambda pod_id: "http://127.0.0.1:9696")
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
def _route_network(session, *pods: shadow.Pod) -> None:
    """Record that ``pods`` hold a copy of network "net", as their local plugins do."""
    for pod in pods:
        session.add(models.ResourceRouting(top_id="net", bottom_id="net", pod_id=pod.pod_id,
                                           project_id="demo", resource_type="network"))


@db_api.writer
def _unroute_network(session, pod: shadow.Pod) -> None:
    session.execute(sa.delete(models.ResourceRouting).where(
        models.ResourceRouting.pod_id == pod.pod_id))


@db_api.reader
def _agents(session):
    return [(a.pod_id, a.host, a.tunnel_ip) for a in session.scalars(
        sa.select(models.ShadowAgent))]


def _shadows(fake: FakeNeutrons, pod: shadow.Pod) -> dict[str, dict]:
    return {p["device_id"]: p for p in fake.ports[pod.pod_id].values() if shadow.is_shadow(p)}


def test_a_bound_vm_port_gets_one_shadow_in_each_other_region(neutrons):
    port = neutrons.vm_port(R1, "fa:16:3e:00:00:01", "10.0.0.5", host="r1-compute")
    shadow.setup(R1.pod_id, "net")
    shadow.setup(R1.pod_id, "net")  # again, as after a crash: still one shadow
    copies = _shadows(neutrons, R2)
    assert list(copies) == [port["id"]]
    copy = copies[port["id"]]
    assert copy["mac_address"] == port["mac_address"] and copy["fixed_ips"] == port["fixed_ips"]
    assert copy["binding:host_id"] == "r1-compute"
    assert copy["binding:profile"]["tunnel_ip"] == "127.0.0.1"
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
