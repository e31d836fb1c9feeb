"""update_network and subnet_update against Neutrons in memory: a region's copy
takes central's later changes and keeps what routers across regions set on it."""

import pytest

from tests.unit.xjob.routerfakes import INTERFACE, L3Neutron
from tricircle.db import api as db_api
from tricircle.db import models
from tricircle.xjob import updates

RESERVED = "tricircle:reserved"


@db_api.writer
def _pods(session):
    session.merge(models.Pod(pod_id="pod0", region_name="CentralRegion", az_name=""))
    session.merge(models.Pod(pod_id="pod1", region_name="RegionOne", az_name="az1"))


@pytest.fixture
def lab(db, fake_neutrons):
    _pods()
    neutrons = {pod: L3Neutron(pod) for pod in ("pod0", "pod1")}
    fake_neutrons.update(neutrons)
    network = {"id": "n1", "name": "web", "admin_state_up": True, "mtu": 1450,
               "project_id": "demo"}
    subnet = {"id": "s1", "network_id": "n1", "name": "web", "cidr": "10.0.0.0/24",
              "gateway_ip": "10.0.0.1", "enable_dhcp": True, "dns_nameservers": [],
              "host_routes": [],
              "allocation_pools": [{"start": "10.0.0.2", "end": "10.0.0.254"}]}
    for neutron in neutrons.values():
        neutron.hold("network", dict(network))
        neutron.hold("subnet", dict(subnet))
    return neutrons


def test_a_network_copy_takes_centrals_new_name_admin_state_and_mtu(lab):
    lab["pod0"].objects["network"]["n1"].update(name="shop", admin_state_up=False, mtu=1400)
    updates.update_network("pod1", "n1")
    copy = lab["pod1"].objects["network"]["n1"]
    assert (copy["name"], copy["admin_state_up"], copy["mtu"]) == ("shop", False, 1400)
    lab["pod1"].calls.clear()
    updates.update_network("pod1", "n1")
    assert lab["pod1"].calls == []  # a second run changes nothing


def test_a_subnet_copy_follows_central_and_keeps_its_routers_gateway_and_host_routes(lab):
    central, region = lab["pod0"], lab["pod1"]
    # A router across regions stretched s1: RegionOne's gateway 10.0.0.200 is reserved,
    # and another router sits on s1 at 10.0.0.7 with a host route of Tricircle's.
    central.hold("port", {"id": "g1", "network_id": "n1", "name": "tricircle-gateway-RegionOne",
                          "device_owner": RESERVED, "device_id": "r1",
                          "fixed_ips": [{"subnet_id": "s1", "ip_address": "10.0.0.200"}]})
    central.hold("port", {"id": "i1", "network_id": "n1", "name": "", "device_id": "r2",
                          "device_owner": INTERFACE,
                          "fixed_ips": [{"subnet_id": "s1", "ip_address": "10.0.0.7"}]})
    ours = {"destination": "10.9.0.0/24", "nexthop": "10.0.0.7"}
    region.objects["subnet"]["s1"].update(
        gateway_ip="10.0.0.200", host_routes=[ours],
        allocation_pools=[{"start": "10.0.0.2", "end": "10.0.0.199"},
                          {"start": "10.0.0.201", "end": "10.0.0.254"}])
    theirs = {"destination": "192.0.2.0/24", "nexthop": "10.0.0.254"}
    central.objects["subnet"]["s1"].update(enable_dhcp=False, dns_nameservers=["10.0.0.53"],
                                           host_routes=[theirs])
    updates.subnet_update("pod1", "s1")
    copy = region.objects["subnet"]["s1"]
    assert copy["enable_dhcp"] is False and copy["dns_nameservers"] == ["10.0.0.53"]
    assert copy["gateway_ip"] == "10.0.0.200"
    assert copy["host_routes"] == [theirs, ours]
    assert copy["allocation_pools"] == [{"start": "10.0.0.2", "end": "10.0.0.199"},
                                        {"start": "10.0.0.201", "end": "10.0.0.254"}]


def test_an_object_central_deleted_or_a_region_without_a_copy_changes_nothing(lab):
    lab["pod0"].objects["subnet"].pop("s1")
    lab["pod1"].objects["network"].pop("n1")
    updates.subnet_update("pod1", "s1")
    updates.update_network("pod1", "n1")
    assert [c for c in lab["pod1"].calls if c[0] == "update"] == []
