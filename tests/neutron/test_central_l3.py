"""The central L3 plugin's additions: zones of routers, placement refusals, and the
router_setup jobs each change queues (the stock L3 plugin and ML2 are mocks)."""

from unittest import mock

import pytest
from neutron.plugins.ml2 import plugin as ml2_plugin
from neutron.services.l3_router import l3_router_plugin
from neutron_lib import exceptions as n_exc
from neutron_lib.exceptions import availability_zone as az_exc

from tricircle.network import central_l3, helper
from tricircle.network import central_plugin as cp

ZONES = {"RegionOne": {"RegionOne"}, "RegionTwo": {"RegionTwo"}, "az1": {"RegionOne"}}
PODS = {"RegionOne": "pod1", "RegionTwo": "pod2"}
NETWORKS = {
    "n1": {"id": "n1", "availability_zone_hints": ["RegionOne"]},
    "n2": {"id": "n2", "availability_zone_hints": ["az2-unknown", "RegionTwo"]},
    "n3": {"id": "n3", "availability_zone_hints": []},
    "ext": {"id": "ext", "availability_zone_hints": ["RegionOne"], "router:external": True},
    "v6": {"id": "v6", "availability_zone_hints": []},
}


class Core:
    """Central ML2 as the L3 plugin asks it: networks, subnets, ports by filter."""

    def __init__(self) -> None:
        self.ports: list[dict] = []
        self.created: list[tuple] = []

    def get_network(self, context, id_, fields=None):
        if id_ not in NETWORKS:
            raise n_exc.NetworkNotFound(net_id=id_)
        return NETWORKS[id_]

    def get_subnet(self, context, id_, fields=None):
        cidr = "2001:db8::/64" if id_ == "s-v6" else "10.0.0.0/24"
        return {"id": id_, "network_id": id_.removeprefix("s-"), "cidr": cidr}

    def get_port(self, context, id_, fields=None):
        return {"id": id_, "network_id": "n3", "fixed_ips": [{"subnet_id": "s-n3"}]}

    def get_ports(self, context, filters=None, fields=None):
        return [p for p in self.ports
                if all(p.get(k) in v for k, v in (filters or {}).items())]

    def get_networks(self, context, filters=None, fields=None):
        return [{"id": "bridge"}]  # the project has its bridge already

    def get_subnets(self, context, filters=None, fields=None):
        return []


@pytest.fixture
def core():
    fake = Core()
    with mock.patch.object(central_l3, "_core", return_value=fake), \
            mock.patch.object(central_l3, "_admin", return_value="admin"):
        yield fake


@pytest.fixture
def jobs():
    queued = []
    with mock.patch.object(helper, "zones", return_value=ZONES), \
            mock.patch.object(helper, "pod_id_of", side_effect=PODS.get), \
            mock.patch.object(helper, "routings", return_value=[]), \
            mock.patch.object(helper, "queue_job",
                              side_effect=lambda *args: queued.append(args)):
        yield queued


@pytest.fixture
def plugin(core, jobs):
    return object.__new__(central_l3.TricircleL3Plugin)


def _router(*hints, gateway=None):
    return {"id": "r1", "project_id": "demo", "availability_zone_hints": list(hints),
            "external_gateway_info": gateway}


def _setups(jobs) -> list[tuple[str, str]]:
    return [(job[2]["pod_id"], job[2]["network_id"]) for job in jobs if job[0] == "router_setup"]


def test_regions_and_pod_zones_are_router_zones_and_others_are_not(plugin):
    plugin.validate_availability_zones(mock.Mock(), "router", ["RegionOne", "az1"])
    with pytest.raises(az_exc.AvailabilityZoneNotFound):
        plugin.validate_availability_zones(mock.Mock(), "router", ["Atlantis"])


def test_a_local_router_refuses_a_network_of_another_region_with_a_400(plugin, jobs):
    with mock.patch.object(plugin, "get_router", return_value=_router("az1")), \
            mock.patch.object(l3_router_plugin.L3RouterPlugin,
                              "add_router_interface") as add:
        with pytest.raises(n_exc.BadRequest, match="lives in RegionTwo"):
            plugin.add_router_interface(mock.Mock(), "r1", {"subnet_id": "s-n2"})
    add.assert_not_called()
    assert jobs == []


def test_an_interface_queues_router_setup_where_its_network_lives(plugin, core, jobs):
    core.ports = [{"device_id": "r1", "device_owner": "network:router_interface",
                   "network_id": "n1"}]
    with mock.patch.object(plugin, "get_router", return_value=_router("az1")), \
            mock.patch.object(l3_router_plugin.L3RouterPlugin, "add_router_interface",
                              return_value={"network_id": "n1", "port_id": "p"}):
        plugin.add_router_interface(mock.Mock(), "r1", {"subnet_id": "s-n1"})
    assert _setups(jobs) == [("pod1", "n1")]


def test_a_router_across_regions_is_set_up_in_each_region_of_its_networks(plugin, core, jobs):
    core.ports = [{"device_id": "r1", "device_owner": "network:router_interface",
                   "network_id": net} for net in ("n1", "n2")]
    with mock.patch.object(plugin, "get_router", return_value=_router()), \
            mock.patch.object(l3_router_plugin.L3RouterPlugin, "add_router_interface",
                              return_value={"network_id": "n2", "port_id": "p"}):
        plugin.add_router_interface(mock.Mock(), "r1", {"subnet_id": "s-n2"})
    assert sorted(_setups(jobs)) == [("pod1", "n2"), ("pod2", "n2")]


def test_an_external_network_cannot_be_an_interface(plugin):
    with mock.patch.object(plugin, "get_router", return_value=_router()), \
            mock.patch.object(l3_router_plugin.L3RouterPlugin, "add_router_interface"):
        with pytest.raises(n_exc.BadRequest, match="external"):
            plugin.add_router_interface(mock.Mock(), "r1", {"subnet_id": "s-ext"})


def test_an_ipv6_subnet_is_a_400_on_a_router_across_regions_but_not_on_a_local_one(
        plugin, core, jobs):
    with mock.patch.object(plugin, "get_router", return_value=_router()), \
            mock.patch.object(l3_router_plugin.L3RouterPlugin, "add_router_interface") as add:
        with pytest.raises(n_exc.BadRequest, match="only IPv4 subnets are routed"):
            plugin.add_router_interface(mock.Mock(), "r1", {"subnet_id": "s-v6"})
    add.assert_not_called()
    with mock.patch.object(plugin, "get_router", return_value=_router("az1")), \
            mock.patch.object(l3_router_plugin.L3RouterPlugin, "add_router_interface",
                              return_value={"network_id": "v6", "port_id": "p"}) as add:
        plugin.add_router_interface(mock.Mock(), "r1", {"subnet_id": "s-v6"})
    add.assert_called_once()


def test_user_routes_set_centrally_queue_configure_route(plugin, jobs):
    routes = [{"destination": "192.0.2.0/24", "nexthop": "10.0.0.5"}]
    with mock.patch.object(plugin, "get_router", return_value=dict(_router(), routes=[])), \
            mock.patch.object(l3_router_plugin.L3RouterPlugin, "update_router",
                              return_value=dict(_router(), routes=routes)):
        plugin.update_router(mock.Mock(), "r1", {"router": {"routes": routes}})
    assert [(job[0], job[2]) for job in jobs] == [("configure_route", {"router_id": "r1"})]


def test_a_router_renamed_queues_nothing(plugin, jobs):
    with mock.patch.object(plugin, "get_router", return_value=dict(_router(), routes=[])), \
            mock.patch.object(l3_router_plugin.L3RouterPlugin, "update_router",
                              return_value=dict(_router(), routes=[], name="new")):
        plugin.update_router(mock.Mock(), "r1", {"router": {"name": "new"}})
    assert jobs == []


def test_a_gateway_queues_the_exit_region(plugin, jobs):
    gateway = {"network_id": "ext"}
    with mock.patch.object(plugin, "get_router", return_value=_router()), \
            mock.patch.object(l3_router_plugin.L3RouterPlugin, "update_router",
                              return_value=_router(gateway=gateway)):
        plugin.update_router(mock.Mock(), "r1", {"router": {"external_gateway_info": gateway}})
    assert _setups(jobs) == [("pod1", "ext")]


def test_a_local_router_refuses_a_gateway_in_another_region(plugin):
    NETWORKS["ext2"] = {"id": "ext2", "availability_zone_hints": ["RegionTwo"],
                        "router:external": True}
    with mock.patch.object(plugin, "get_router", return_value=_router("az1")), \
            mock.patch.object(l3_router_plugin.L3RouterPlugin, "update_router") as update:
        with pytest.raises(n_exc.BadRequest, match="RegionTwo"):
            plugin.update_router(mock.Mock(), "r1",
                                 {"router": {"external_gateway_info": {"network_id": "ext2"}}})
    update.assert_not_called()


def test_a_floating_ip_queues_the_external_networks_region(plugin, jobs):
    fip = {"id": "f1", "router_id": "r1", "floating_network_id": "ext", "project_id": "demo"}
    with mock.patch.object(l3_router_plugin.L3RouterPlugin, "create_floatingip",
                           return_value=fip):
        plugin.create_floatingip(mock.Mock(), {"floatingip": {}})
    assert _setups(jobs) == [("pod1", "ext")]


def test_a_vm_port_bound_in_a_region_queues_its_networks_routers_there(core, jobs):
    core.ports = [{"device_id": "r1", "device_owner": "network:router_interface",
                   "network_id": "n3"}]
    plugin = cp.TricirclePlugin.__new__(cp.TricirclePlugin)
    before = {"id": "vm", "project_id": "demo", "network_id": "n3",
              "device_owner": "compute:az2", "binding:profile": {"region": "RegionTwo"}}
    after = dict(before, **{"binding:host_id": "host2"})
    with mock.patch.multiple(ml2_plugin.Ml2Plugin, get_port=mock.Mock(return_value=before),
                             update_port=mock.Mock(return_value=after),
                             get_network=mock.Mock(return_value={
                                 "provider:network_type": "vlan"})):
        plugin.update_port(mock.Mock(), "vm", {"port": {"binding:host_id": "host2"}})
    assert _setups(jobs) == [("pod2", "n3")]


def test_an_external_network_without_a_region_is_refused_and_a_default_applies(jobs):
    plugin = cp.TricirclePlugin.__new__(cp.TricirclePlugin)
    body = {"network": {"router:external": True, "availability_zone_hints": []}}
    with mock.patch.object(ml2_plugin.Ml2Plugin, "create_network",
                           side_effect=lambda context, network: network) as create:
        with pytest.raises(n_exc.BadRequest, match="lives in one region"):
            plugin.create_network(mock.Mock(), body)
        create.assert_not_called()
        with mock.patch.object(cp.CONF.tricircle, "default_external_region", "RegionTwo"):
            made = plugin.create_network(mock.Mock(), body)
    assert made["network"]["availability_zone_hints"] == ["RegionTwo"]
