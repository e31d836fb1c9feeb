"""router_setup and configure_route against Neutrons in memory: what each region's
Neutron holds after each step, and the order a teardown takes."""

import ipaddress

import pytest

from tests.unit.xjob.routerfakes import INTERFACE, L3Neutron
from tricircle.common.neutron import RemoteError
from tricircle.db import api as db_api
from tricircle.db import models
from tricircle.objects import job as job_obj
from tricircle.objects import routing
from tricircle.xjob import handlers, recycle, router_routes, routers
from tricircle.xjob.registry import Job

PROJECT = "demo"
BRIDGE = "tricircle-bridge-demo"


@db_api.writer
def _pods(session):
    session.merge(models.Pod(pod_id="pod0", region_name="CentralRegion", az_name=""))
    session.merge(models.Pod(pod_id="pod1", region_name="RegionOne", az_name="az1"))
    session.merge(models.Pod(pod_id="pod2", region_name="RegionTwo", az_name="az2"))


def _network(neutron, net_id, cidr, hints=(), external=False):
    neutron.hold("network", {"id": net_id, "project_id": PROJECT, "name": net_id,
                             "availability_zone_hints": list(hints),
                             "router:external": external})
    base = cidr.rsplit(".", 2)[0]
    neutron.hold("subnet", {"id": f"s-{net_id}", "network_id": net_id, "cidr": cidr,
                            "project_id": PROJECT, "gateway_ip": f"{base}.0.1",
                            "allocation_pools": [{"start": f"{base}.0.2",
                                                  "end": f"{base}.0.254"}]})


def _interface(central, router_id, net_id):
    subnet = central.objects["subnet"][f"s-{net_id}"]
    central.hold("port", {"id": f"if-{net_id}", "network_id": net_id, "device_id": router_id,
                          "device_owner": INTERFACE, "name": "",
                          "fixed_ips": [{"subnet_id": subnet["id"],
                                         "ip_address": subnet["gateway_ip"]}]})


@pytest.fixture
def lab(db, fake_neutrons):
    """Central with a router across regions on n1 (RegionOne's), n2 (RegionTwo's) and n3
    (stretched: copied in both); the regions hold their copies."""
    _pods()
    neutrons = {pod: L3Neutron(pod) for pod in ("pod0", "pod1", "pod2")}
    fake_neutrons.update(neutrons)
    central = neutrons["pod0"]
    central.hold("router", {"id": "r1", "project_id": PROJECT, "name": "web",
                            "availability_zone_hints": [], "external_gateway_info": None})
    _network(central, "n1", "10.1.0.0/24", ["RegionOne"])
    _network(central, "n2", "10.2.0.0/24", ["az2"])
    _network(central, "n3", "10.3.0.0/24")
    _network(central, "bridge", "100.0.0.0/24")
    central.objects["network"]["bridge"]["name"] = BRIDGE
    central.objects["subnet"]["s-bridge"]["gateway_ip"] = None
    for net_id in ("n1", "n2", "n3"):
        _interface(central, "r1", net_id)
    for pod, nets in (("pod1", ("n1", "n3", "bridge")), ("pod2", ("n2", "n3", "bridge"))):
        for net_id in nets:
            neutrons[pod].hold("network", dict(central.objects["network"][net_id]))
            neutrons[pod].hold("subnet", dict(central.objects["subnet"][f"s-{net_id}"]))
    for pod in ("pod1", "pod2"):
        routing.record("network", "n3", pod, PROJECT)
    return neutrons


def _bottom(neutron):
    (router,) = neutron.find("router", name="r1")
    return router


def _interfaces(neutron):
    return {ip["subnet_id"]: ip["ip_address"]
            for port in neutron.find("port", device_id=_bottom(neutron)["id"],
                                     device_owner=INTERFACE)
            for ip in port["fixed_ips"]}


def _reserved(central, name):
    (port,) = [p for p in central.objects["port"].values() if p.get("name") == name]
    return port["fixed_ips"][0]["ip_address"]


def _pool_addresses(pools) -> set[str]:
    return {str(ipaddress.ip_address(pool["start"]) + offset) for pool in pools
            for offset in range(int(ipaddress.ip_address(pool["end"]))
                                - int(ipaddress.ip_address(pool["start"])) + 1)}


def _set_up():
    routers.setup("pod1", "r1")
    routers.setup("pod2", "r1")
    router_routes.configure_route("r1")


def test_each_region_gets_a_bottom_router_on_its_networks_and_the_bridge(lab):
    _set_up()
    central = lab["pod0"]
    one, two = (_reserved(central, f"tricircle-gateway-{r}") for r in ("RegionOne",
                                                                      "RegionTwo"))
    assert one != two
    assert _interfaces(lab["pod1"]) == {
        "s-n1": "10.1.0.1", "s-n3": one,
        "s-bridge": _reserved(central, "tricircle-bridge-RegionOne")}
    assert _interfaces(lab["pod2"]) == {
        "s-n2": "10.2.0.1", "s-n3": two,
        "s-bridge": _reserved(central, "tricircle-bridge-RegionTwo")}
    # The stretched subnet's copies take their region's gateway, outside both pools.
    for pod, gateway in (("pod1", one), ("pod2", two)):
        copy = lab[pod].objects["subnet"]["s-n3"]
        assert copy["gateway_ip"] == gateway
        assert not {one, two} & _pool_addresses(copy["allocation_pools"])
    # Routings name the bottom routers, which carry the central id as their name.
    assert {r["pod_id"]: r["bottom_id"] for r in routing.of_top("router", "r1")} == {
        "pod1": _bottom(lab["pod1"])["id"], "pod2": _bottom(lab["pod2"])["id"]}


def test_every_bottom_router_routes_the_other_regions_subnets_over_the_bridge(lab):
    _set_up()
    central = lab["pod0"]
    bridge_one = _reserved(central, "tricircle-bridge-RegionOne")
    bridge_two = _reserved(central, "tricircle-bridge-RegionTwo")
    assert _bottom(lab["pod1"])["routes"] == [{"destination": "10.2.0.0/24",
                                                "nexthop": bridge_two}]
    assert _bottom(lab["pod2"])["routes"] == [{"destination": "10.1.0.0/24",
                                                "nexthop": bridge_one}]


def test_a_second_run_changes_nothing_and_queues_no_other_region(lab):
    _set_up()
    for neutron in lab.values():
        neutron.calls.clear()
    routers.setup("pod1", "r1")
    router_routes.configure_route("r1")
    changes = [call for neutron in lab.values() for call in neutron.calls]
    assert changes == []
    queued = {job["type"] for job in job_obj.get_all({}, 100, None)}
    assert "configure_route" in queued


def test_a_run_that_changed_a_region_queues_the_routers_other_regions(lab):
    routers.setup("pod1", "r1")
    queued = [job["resource"] for job in job_obj.get_all({"type": "router_setup"}, 100, None)]
    assert queued == [{"pod_id": "pod2", "router_id": "r1", "network_id": "r1"}]


def test_a_local_router_lives_in_its_region_only_without_bridge_or_routes(lab):
    central = lab["pod0"]
    central.objects["router"]["r1"]["availability_zone_hints"] = ["az1"]
    central.objects["port"].pop("if-n2")
    _set_up()
    assert _interfaces(lab["pod1"]) == {"s-n1": "10.1.0.1", "s-n3": "10.3.0.1"}
    assert lab["pod2"].find("router", name="r1") == []
    assert _bottom(lab["pod1"])["routes"] == []
    assert not [p for p in central.objects["port"].values()
                if p.get("name", "").startswith("tricircle")]


def _gateway_and_floating_ip(lab):
    """An external network of RegionOne as the gateway; a floating IP for a VM port
    bound in RegionTwo."""
    central = lab["pod0"]
    _network(central, "ext", "172.24.0.0/16", ["RegionOne"], external=True)
    lab["pod1"].hold("network", dict(central.objects["network"]["ext"]))
    lab["pod1"].hold("subnet", dict(central.objects["subnet"]["s-ext"]))
    central.objects["router"]["r1"]["external_gateway_info"] = {
        "network_id": "ext", "enable_snat": False,
        "external_fixed_ips": [{"subnet_id": "s-ext", "ip_address": "172.24.0.10"}]}
    vm = {"id": "vm2", "network_id": "n2", "project_id": PROJECT, "mac_address": "fa:16::2",
          "binding:host_id": "host2", "device_owner": "compute:az2",
          "binding:profile": {"region": "RegionTwo"},
          "fixed_ips": [{"subnet_id": "s-n2", "ip_address": "10.2.0.5"}]}
    central.hold("port", dict(vm))
    lab["pod2"].hold("port", dict(vm, **{"binding:profile": {}}))
    central.hold("floatingip", {"id": "fip1", "router_id": "r1", "port_id": "vm2",
                                "floating_network_id": "ext", "project_id": PROJECT,
                                "floating_ip_address": "172.24.0.20",
                                "fixed_ip_address": "10.2.0.5"})


def test_the_exit_region_takes_the_gateway_and_the_floating_ip_of_another_regions_port(lab):
    _gateway_and_floating_ip(lab)
    _set_up()
    one = _bottom(lab["pod1"])
    assert one["external_gateway_info"] == {
        "network_id": "ext", "enable_snat": False,
        "external_fixed_ips": [{"subnet_id": "s-ext", "ip_address": "172.24.0.10"}]}
    assert _bottom(lab["pod2"])["external_gateway_info"] is None
    (fip,) = lab["pod1"].find("floatingip", floating_ip_address="172.24.0.20")
    assert (fip["router_id"], fip["fixed_ip_address"]) == (one["id"], "10.2.0.5")
    shadow = lab["pod1"].objects["port"][fip["port_id"]]
    assert shadow["device_owner"] == "compute:shadow"
    assert shadow["binding:profile"]["shadow_of"] == "vm2"
    # RegionTwo leaves for the world through RegionOne's bottom router.
    bridge_one = _reserved(lab["pod0"], "tricircle-bridge-RegionOne")
    assert {"destination": "0.0.0.0/0", "nexthop": bridge_one} in _bottom(lab["pod2"])["routes"]
    assert not any(r["destination"] == "0.0.0.0/0" for r in one["routes"])


def test_a_disassociated_floating_ip_leaves_the_exit_region(lab):
    _gateway_and_floating_ip(lab)
    _set_up()
    lab["pod0"].objects["floatingip"]["fip1"].update(port_id=None, router_id=None)
    routers.setup("pod1", "r1")
    assert lab["pod1"].objects["floatingip"] == {}
    assert routing.of_top("floatingip", "fip1") == []


def test_a_deleted_router_leaves_every_region_in_the_order_neutron_accepts(lab):
    _gateway_and_floating_ip(lab)
    _set_up()
    bottom_one = _bottom(lab["pod1"])["id"]
    lab["pod0"].objects["router"].pop("r1")
    lab["pod1"].calls.clear()
    routers.setup("pod1", "r1")
    routers.setup("pod2", "r1")
    for pod in ("pod1", "pod2"):
        assert lab[pod].objects["router"] == {}
        assert lab[pod].find("port", device_owner=INTERFACE) == []
        # The stretched subnet's copy has central's gateway and pools back.
        assert lab[pod].objects["subnet"]["s-n3"]["gateway_ip"] == "10.3.0.1"
    assert lab["pod1"].objects["floatingip"] == {}
    verbs = [(verb, kind) for verb, kind, _ in lab["pod1"].calls
             if kind in ("floatingip", "router")]
    assert verbs.index(("delete", "floatingip")) < verbs.index(("update", "router"))
    assert verbs[-1] == ("delete", "router")
    assert ("remove_router_interface", "router", bottom_one) in lab["pod1"].calls
    assert routing.of_top("router", "r1") == []


def test_a_region_no_longer_needed_loses_its_bottom_router_and_reservations(lab):
    _set_up()
    central = lab["pod0"]
    central.objects["port"].pop("if-n2")
    central.objects["port"].pop("if-n3")
    routers.setup("pod2", "r1")
    router_routes.configure_route("r1")
    assert lab["pod2"].objects["router"] == {}
    assert not [p for p in central.objects["port"].values()
                if p.get("name", "").endswith("RegionTwo")]
    assert _bottom(lab["pod1"])["routes"] == []


def test_a_region_that_is_down_fails_the_job_and_a_redo_finishes_it(lab):
    routers.setup("pod1", "r1")
    lab["pod2"].down = True
    with pytest.raises(RemoteError, match="unreachable"):
        handlers.router_setup(Job("j", "router_setup", PROJECT,
                                  {"pod_id": "pod2", "router_id": "r1", "network_id": "n2"}))
    lab["pod2"].down = False
    handlers.router_setup(Job("j", "router_setup", PROJECT,
                              {"pod_id": "pod2", "router_id": "r1", "network_id": "n2"}))
    handlers.configure_route(Job("k", "configure_route", PROJECT, {"router_id": "r1"}))
    assert _bottom(lab["pod2"])["routes"] != []


def test_resource_recycle_empties_an_orphaned_bottom_router_before_deleting_it(lab):
    _gateway_and_floating_ip(lab)
    _set_up()
    lab["pod0"].objects["router"].pop("r1")
    lab["pod0"].objects["floatingip"].pop("fip1")
    recycle.recycle(PROJECT)
    assert lab["pod1"].objects["router"] == {} and lab["pod2"].objects["router"] == {}
    assert lab["pod1"].objects["floatingip"] == {}
    assert routing.of_top("router", "r1") == []


def test_a_users_route_reaches_the_region_of_its_nexthop_and_the_others_over_the_bridge(lab):
    central = lab["pod0"]
    user = {"destination": "192.0.2.0/24", "nexthop": "10.1.0.50"}
    central.objects["router"]["r1"]["routes"] = [user]
    _set_up()
    bridge_one = _reserved(central, "tricircle-bridge-RegionOne")
    bridge_two = _reserved(central, "tricircle-bridge-RegionTwo")
    assert _bottom(lab["pod1"])["routes"] == [
        {"destination": "10.2.0.0/24", "nexthop": bridge_two}, user]
    assert _bottom(lab["pod2"])["routes"] == [
        {"destination": "10.1.0.0/24", "nexthop": bridge_one},
        {"destination": "192.0.2.0/24", "nexthop": bridge_one}]
    # Removed centrally: it goes, Tricircle's routes stay.
    central.objects["router"]["r1"]["routes"] = []
    router_routes.configure_route("r1")
    assert _bottom(lab["pod1"])["routes"] == [{"destination": "10.2.0.0/24",
                                                "nexthop": bridge_two}]
    assert _bottom(lab["pod2"])["routes"] == [{"destination": "10.1.0.0/24",
                                                "nexthop": bridge_one}]


def test_a_local_router_gets_the_users_routes_as_they_are(lab):
    central = lab["pod0"]
    central.objects["router"]["r1"]["availability_zone_hints"] = ["az1"]
    central.objects["router"]["r1"]["routes"] = [
        {"destination": "192.0.2.0/24", "nexthop": "10.1.0.50"}]
    central.objects["port"].pop("if-n2")
    _set_up()
    assert _bottom(lab["pod1"])["routes"] == [
        {"destination": "192.0.2.0/24", "nexthop": "10.1.0.50"}]


def test_a_router_off_a_subnets_gateway_gives_its_copy_host_routes_to_the_other_regions(lab):
    """n1's exit is another router (at 10.1.0.1): the router across regions sits on it
    at a port, and RegionOne's copy routes RegionTwo's subnet to that port."""
    central = lab["pod0"]
    central.objects["port"]["if-n1"]["fixed_ips"][0]["ip_address"] = "10.1.0.7"
    own = {"destination": "198.51.100.0/24", "nexthop": "10.1.0.254"}
    lab["pod1"].objects["subnet"]["s-n1"]["host_routes"] = [own]
    _set_up()
    assert _interfaces(lab["pod1"])["s-n1"] == "10.1.0.7"
    copy = lab["pod1"].objects["subnet"]["s-n1"]
    assert copy["gateway_ip"] == "10.1.0.1"
    assert copy["host_routes"] == [own, {"destination": "10.2.0.0/24", "nexthop": "10.1.0.7"}]
    # Subnets at their gateway (n2 here, the stretched n3 everywhere) get none.
    assert not lab["pod2"].objects["subnet"]["s-n2"].get("host_routes")
    assert not lab["pod1"].objects["subnet"]["s-n3"].get("host_routes")
    # The interface removed centrally: its host routes go with it, central's stay.
    central.objects["port"].pop("if-n1")
    routers.setup("pod1", "r1")
    router_routes.configure_route("r1")
    assert lab["pod1"].objects["subnet"]["s-n1"]["host_routes"] == [own]
