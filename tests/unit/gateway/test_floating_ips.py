"""The parts of the floating IP proxy that need no region: Nova's shape, which
fixed address an association takes, and how Neutron's refusals read in Nova."""

import pytest

from tricircle.common.neutron import RemoteError
from tricircle.gateway import floating_ips
from tricircle.gateway.call import GatewayError


def test_nova_shape_names_the_pool_and_the_server_of_the_port():
    fip = {"id": "f1", "floating_ip_address": "172.24.4.3", "fixed_ip_address": "10.0.0.4",
           "port_id": "p1", "floating_network_id": "n1"}
    assert floating_ips._nova_shape(fip, {"n1": {"id": "n1", "name": ""}}, {"p1": "s1"}) == {
        "id": "f1", "ip": "172.24.4.3", "fixed_ip": "10.0.0.4", "instance_id": "s1",
        "pool": "n1"}  # a network without a name is named by its id, as Nova does


def test_association_takes_the_asked_fixed_address_else_the_first_ipv4():
    ips = [("p1", "fd00::4"), ("p2", "10.0.0.4"), ("p2", "10.0.0.5")]
    assert floating_ips._target(ips, None) == ("p2", "10.0.0.4")
    assert floating_ips._target(ips, "10.0.0.5") == ("p2", "10.0.0.5")
    with pytest.raises(GatewayError, match="not assigned to instance"):
        floating_ips._target(ips, "10.0.0.9")
    with pytest.raises(GatewayError, match="No fixed IPs"):
        floating_ips._target([], None)
    with pytest.raises(GatewayError, match="no fixed IPv4"):
        floating_ips._target([("p1", "fd00::4")], None)


@pytest.mark.parametrize("status, detail, nova_status", [
    (409, '{"NeutronError": {"type": "OverQuota", "message": "Quota exceeded"}}', 403),
    (409, '{"NeutronError": {"type": "IpAddressGenerationFailure"}}', 404),
    (400, '{"NeutronError": {"type": "BadRequest", "message": "bad subnet"}}', 400),
])
def test_neutrons_refusal_of_an_allocation_is_novas_status(status, detail, nova_status):
    error = floating_ips._creation_refused(RemoteError("Neutron", status, detail), "public")
    assert error.status == nova_status


@pytest.mark.parametrize("status, nova_status", [(None, 503), (502, 503), (404, 404),
                                                 (409, 400), (414, 400)])
def test_any_other_failure_of_central_neutron_is_a_4xx_or_a_503_naming_it(status,
                                                                          nova_status):
    error = floating_ips._as_nova_error(RemoteError("CentralRegion Neutron", status,
                                                    '{"NeutronError": {"message": "no"}}'))
    assert error.status == nova_status
    assert ("CentralRegion Neutron" in error.message) == (nova_status == 503)
