"""The regions' side of routers across regions: ports Tricircle makes for bottom
routers stay local, Tricircle places networks beyond their hints, and the local L3
plugin finds a router for a floating IP of a shadow port."""

from unittest import mock

import pytest
from neutron.plugins.ml2 import plugin as ml2_plugin
from neutron.services.l3_router import l3_router_plugin
from neutron_lib.exceptions import l3 as l3_exc

from tests.neutron.test_local_plugin import plugin  # noqa: F401  (the fixture)
from tests.unit.network.networks import CENTRAL_NET, NET, SUBNET
from tricircle.network import local_l3


def test_a_port_tricircle_makes_here_takes_its_reserved_address_without_central(
        plugin, neutrons, tricircle_user):  # noqa: F811
    """A bottom router's interface: central reserved the address, so central is not
    asked for one (it would answer 409: the address is taken there)."""
    plugin._central_networks[NET] = True
    body = {"network_id": NET, "project_id": "p1", "device_owner": "", "device_id": "",
            "fixed_ips": [{"subnet_id": SUBNET, "ip_address": "10.0.0.1"}]}
    with mock.patch.object(neutrons, "create") as central, \
            mock.patch.object(plugin, "_ensure_subnets") as ensure, \
            mock.patch.object(ml2_plugin.Ml2Plugin, "create_port",
                              return_value={"id": "bottom"}) as create:
        plugin.create_port(mock.Mock(user_id=tricircle_user), {"port": body})
    central.assert_not_called()
    ensure.assert_called_once_with(body)
    assert create.call_args.args[1]["port"]["fixed_ips"] == body["fixed_ips"]
    plugin.record_routing.assert_not_called()


def test_tricircle_copies_a_network_hinted_to_another_region(plugin, neutrons,  # noqa: F811
                                                              tricircle_user):
    """A floating IP's port in the external network's region: Tricircle may place
    the network there; a user asking for it there may not."""
    other = dict(CENTRAL_NET, availability_zone_hints=["RegionTwo"])
    with mock.patch.object(neutrons, "get", return_value=other), \
            mock.patch.object(plugin, "_has_network", return_value=False), \
            mock.patch.object(plugin, "_create_bottom") as create:
        assert plugin._bottom_network(NET, mock.Mock(user_id="someone",
                                                     is_admin=True)) is False
        assert plugin._bottom_network(NET, mock.Mock(user_id=tricircle_user,
                                                     is_admin=True)) is True
    assert create.call_args.args[0] == "network"


SHADOW = {"id": "shadow", "project_id": "p1", "network_id": "n2",
          "device_owner": "compute:shadow",
          "fixed_ips": [{"subnet_id": "s2", "ip_address": "10.2.0.5"}]}


@pytest.fixture
def l3():
    return object.__new__(local_l3.TricircleL3Plugin)


def _routers(*routers):
    return mock.patch.object(l3_router_plugin.L3RouterPlugin, "get_routers",
                             create=True, return_value=list(routers))


def _no_stock_router():
    return mock.patch.object(l3_router_plugin.L3RouterPlugin, "get_router_for_floatingip",
                             side_effect=l3_exc.ExternalGatewayForFloatingIPNotFound(
                                 subnet_id="s2", external_network_id="ext", port_id="p"))


def test_a_shadows_floating_ip_goes_through_the_router_routing_its_address(l3):
    gateway = {"network_id": "ext"}
    routers = ({"id": "a", "external_gateway_info": gateway, "routes": []},
               {"id": "b", "external_gateway_info": gateway,
                "routes": [{"destination": "10.2.0.0/24", "nexthop": "100.0.0.4"}]},
               {"id": "c", "external_gateway_info": {"network_id": "other"}, "routes": []})
    with _no_stock_router(), _routers(*routers):
        assert l3.get_router_for_floatingip(mock.Mock(), SHADOW, {"id": "s2"}, "ext") == "b"


def test_other_ports_keep_the_stock_rule(l3):
    with _no_stock_router(), _routers({"id": "a", "external_gateway_info": {
            "network_id": "ext"}, "routes": []}):
        with pytest.raises(l3_exc.ExternalGatewayForFloatingIPNotFound):
            l3.get_router_for_floatingip(mock.Mock(), dict(SHADOW, device_owner="compute:az1"),
                                         {"id": "s2"}, "ext")


def test_a_shadow_without_a_router_on_that_network_is_refused(l3):
    with _no_stock_router(), _routers():
        with pytest.raises(l3_exc.ExternalGatewayForFloatingIPNotFound):
            l3.get_router_for_floatingip(mock.Mock(), SHADOW, {"id": "s2"}, "ext")
