"""Central's ML2 mechanism driver, QoS driver and trunk driver, against Neutron's own
managers where they decide (QoS rule validation, trunk driver choice)."""

from unittest import mock

import pytest
from neutron.conf.plugins.ml2 import config as ml2_config
from neutron.objects import ports as port_objects
from neutron.objects.qos import rule as rule_objects
from neutron.services.qos.drivers import manager as qos_manager
from neutron.services.trunk import utils as trunk_utils
from neutron_lib import constants
from oslo_config import cfg

from tricircle.network import mech_driver, qos_driver, region_binding, trunk_driver

SEGMENT = {"id": "seg-1", "network_type": "vxlan", "segmentation_id": 5001}
PORT_ID = "9b2a4f3e-5c1d-4e8f-a6b7-0c1d2e3f4a5b"
DETAILS = {"port_filter": True, "vhostuser_socket": "/run/vhu/sock-1"}


class FakePortContext:
    """The part of ML2's PortContext a mechanism driver's bind_port uses."""

    def __init__(self, profile: dict, host: str, segments=(SEGMENT,)) -> None:
        self.current = {"id": "port-1", region_binding.PROFILE: profile}
        self.host = host
        self.segments_to_bind = list(segments)
        self.bound = None

    def set_binding(self, segment_id, vif_type, vif_details, status=None):
        self.bound = (segment_id, vif_type, vif_details, status)


def _reported(host: str = "compute-7", vif_type: str = "vhostuser") -> dict:
    return {"region": "RegionTwo", "region_binding": {
        "host": host, "vif_type": vif_type, "vif_details": DETAILS}}


@pytest.fixture
def mechanism_drivers():
    """Set [ml2] mechanism_drivers as central's ml2_conf.ini would."""
    ml2_config.register_ml2_plugin_opts()

    def configure(*names: str) -> None:
        cfg.CONF.set_override("mechanism_drivers", list(names), group="ml2")
    yield configure
    cfg.CONF.clear_override("mechanism_drivers", group="ml2")


def test_central_records_the_binding_its_region_reported():
    """Any VIF type a region's backend makes (here vhost-user) is central's too."""
    context = FakePortContext(_reported(), "compute-7")
    mech_driver.TricircleMechanismDriver().bind_port(context)
    assert context.bound == ("seg-1", "vhostuser", DETAILS, constants.PORT_STATUS_ACTIVE)


@pytest.mark.parametrize("profile, host", [
    ({}, "compute-7"),                         # no region has bound it
    ({"region": "RegionTwo"}, "compute-7"),    # its region, but no report
    (_reported(host="compute-1"), "compute-7"),  # a report for the host it left
    (_reported(vif_type="binding_failed"), "compute-7"),
], ids=["no-region", "no-report", "stale-host", "failed-in-region"])
def test_without_the_regions_binding_for_that_host_central_binds_nothing(profile, host):
    context = FakePortContext(profile, host)
    mech_driver.TricircleMechanismDriver().bind_port(context)  # no exception either
    assert context.bound is None


def test_the_regions_driver_names_are_not_taken_as_centrals():
    """ML2 shows the drivers that bound the port centrally in its details itself."""
    profile = _reported()
    profile["region_binding"]["vif_details"] = dict(DETAILS, bound_drivers={"0": "ovn"})
    context = FakePortContext(profile, "compute-7")
    mech_driver.TricircleMechanismDriver().bind_port(context)
    assert context.bound[2] == DETAILS


def test_a_network_without_segments_is_left_unbound():
    context = FakePortContext(_reported(), "compute-7", segments=())
    mech_driver.TricircleMechanismDriver().bind_port(context)
    assert context.bound is None


def test_central_binds_ports_without_ips_too():
    """ML2 offers a port without fixed IPs only to drivers of L2 connectivity."""
    assert mech_driver.TricircleMechanismDriver().connectivity == "l2"


class _Port(dict):
    """What the QoS driver manager reads of a port object: its id and bindings."""

    def __init__(self, binding) -> None:
        super().__init__(id=PORT_ID)
        self.bindings = [binding]


def _bound_port(vif_type: str, vnic_type: str = "normal") -> _Port:
    return _Port(port_objects.PortBinding(port_id=PORT_ID, host="compute-7",
                                          vif_type=vif_type, vnic_type=vnic_type,
                                          status=constants.ACTIVE))


def _qos_manager() -> qos_manager.QosServiceDriverManager:
    """Neutron's QoS driver manager, as the QoS plugin makes it: the drivers created
    so far register with it if loaded."""
    with mock.patch.object(qos_manager.rpc_registry, "provide"):
        return qos_manager.QosServiceDriverManager()


@pytest.mark.parametrize("vif_type", ["ovs", "vhostuser", "hw_veb", "unbound"])
def test_central_takes_qos_rules_on_ports_of_any_regions_binding(mechanism_drivers,
                                                                 vif_type):
    mechanism_drivers("tricircle")
    qos_driver.register()
    manager = _qos_manager()
    rule = rule_objects.QosBandwidthLimitRule(max_kbps=2000, max_burst_kbps=200,
                                              direction="egress")
    assert manager.validate_rule_for_port(None, rule, _bound_port(vif_type, "direct"))
    assert {"bandwidth_limit", "dscp_marking", "minimum_bandwidth"} \
        <= set(manager.supported_rule_types())


def test_a_dscp_mark_neutron_does_not_know_is_not_taken(mechanism_drivers):
    mechanism_drivers("tricircle")
    qos_driver.register()
    rule = mock.Mock(rule_type="dscp_marking", get={"dscp_mark": 7}.get)
    assert not _qos_manager().validate_rule_for_port(None, rule, _bound_port("ovs"))


def test_the_qos_driver_is_only_loaded_where_the_mechanism_driver_is(mechanism_drivers):
    mechanism_drivers("lab_bind_all")
    assert not qos_driver.register().is_loaded
    assert not trunk_driver.register().is_loaded
    mechanism_drivers("tricircle")
    assert qos_driver.register().is_loaded and trunk_driver.register().is_loaded


@pytest.mark.parametrize("vif_type", ["ovs", "vhostuser", "other"])
def test_central_trunks_bound_parents_of_any_regions_binding(mechanism_drivers, vif_type):
    """Agentless, any VIF type: the trunk plugin picks it for a bound parent port
    (a trunk added to a running VM) with no agent on the host."""
    mechanism_drivers("tricircle")
    driver = trunk_driver.register()
    assert trunk_utils.is_driver_compatible(None, driver, vif_type, set())
    assert driver.can_trunk_bound_port
    assert driver.segmentation_types == ("vlan",)


def test_the_mechanism_driver_brings_both_service_drivers():
    with mock.patch.object(qos_driver, "register") as qos, \
            mock.patch.object(trunk_driver, "register") as trunk:
        mech_driver.TricircleMechanismDriver().initialize()
    qos.assert_called_once_with()
    trunk.assert_called_once_with()


# --- the report, as the region's local plugin makes it and central reads it ------------

def test_a_regions_binding_is_reported_for_its_host():
    port = {"binding:host_id": "compute-7", "binding:vif_type": "ovs",
            "binding:vif_details": {"port_filter": True}}
    report = region_binding.report(port)
    assert report == {"host": "compute-7", "vif_type": "ovs",
                      "vif_details": {"port_filter": True}}
    profile = region_binding.with_report({"region": "RegionOne"}, report)
    assert region_binding.reported(profile, "compute-7") == ("ovs", {"port_filter": True})


@pytest.mark.parametrize("port", [
    {"binding:host_id": "", "binding:vif_type": "unbound"},
    {"binding:host_id": "compute-7", "binding:vif_type": "binding_failed"},
    {"binding:host_id": "compute-7"},
])
def test_no_binding_in_the_region_is_no_report(port):
    assert region_binding.report(port) is None


def test_taking_the_report_back_keeps_the_rest_of_the_profile():
    profile = {"region": "RegionOne", "origin": "local", "region_binding": {"host": "h"}}
    assert region_binding.with_report(profile, None) == {"region": "RegionOne",
                                                         "origin": "local"}


@pytest.mark.parametrize("binding", ["ovs", {"host": "h", "vif_type": 3},
                                     {"host": "h", "vif_type": ""}])
def test_a_malformed_report_is_no_binding(binding):
    """binding:profile is anyone's to write: central binds only on a well-formed one."""
    assert region_binding.reported({"region_binding": binding}, "h") is None
