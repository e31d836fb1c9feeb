"""Security groups named by central id on a server created through CentralRegion
(Horizon's Launch Instance, `openstack server create --security-group <id>`)."""

import uuid

import pytest

from tricircle.lab.layout import CENTRAL_REGION, REGIONS

REGION = REGIONS[1]  # RegionTwo, az2: a region that has not seen the groups yet


@pytest.fixture
def network(lab, unique_name):
    """A central network and subnet of the demo tenant."""
    network_api = lab.sdk("demo", CENTRAL_REGION).network
    made = network_api.create_network(name=unique_name)
    cidr = f"10.{uuid.uuid4().int % 200 + 20}.{uuid.uuid4().int % 250}.0/24"
    network_api.create_subnet(network_id=made.id, ip_version=4, name=unique_name, cidr=cidr)
    yield made
    for port in network_api.ports(network_id=made.id):
        network_api.delete_port(port, ignore_missing=True)
    network_api.delete_network(made, ignore_missing=True)


def _boot(lab, network, group_id: str, name: str) -> dict:
    return lab.openstack_json("server", "create", "--flavor", "m1.tiny", "--image", "tiny",
                              "--network", network.id, "--availability-zone", REGION.az,
                              "--security-group", group_id, "--wait", name, user="demo",
                              region=CENTRAL_REGION)


def _port_groups(lab, region_name: str, server_id: str) -> list[str]:
    (port,) = list(lab.sdk("admin", region_name).network.ports(device_id=server_id))
    return port.security_group_ids


def _central_default(lab) -> str:
    central = lab.sdk("demo", CENTRAL_REGION)
    project = central.current_project_id
    (group,) = list(central.network.security_groups(name="default", project_id=project))
    return group.id


def test_centrals_default_group_by_id_boots_with_the_regions_default(lab, network,
                                                                       unique_name):
    default = _central_default(lab)
    server = _boot(lab, network, default, unique_name)
    try:
        assert server["status"] == "ACTIVE"
        assert server["OS-EXT-AZ:availability_zone"] == REGION.az
        (here,) = _port_groups(lab, REGION.name, server["id"])
        assert lab.sdk("admin", REGION.name).network.get_security_group(here).name == "default"
        # Central's view of the port (what Horizon shows) names central's default.
        (top,) = list(lab.sdk("demo", CENTRAL_REGION).network.ports(device_id=server["id"]))
        assert top.security_group_ids == [default]
    finally:
        lab.openstack("server", "delete", "--wait", server["id"], user="demo",
                      region=CENTRAL_REGION)


def test_a_fresh_central_group_by_id_is_copied_to_the_servers_region(lab, network,
                                                                     unique_name):
    central = lab.sdk("demo", CENTRAL_REGION).network
    group = central.create_security_group(name=unique_name)
    try:
        server = _boot(lab, network, group.id, unique_name)
        try:
            assert server["status"] == "ACTIVE"
            assert _port_groups(lab, REGION.name, server["id"]) == [group.id]
            (top,) = list(central.ports(device_id=server["id"]))
            assert top.security_group_ids == [group.id]
            # Central's default added by id, as `server add security group` may send it.
            default = _central_default(lab)
            added = lab.sdk("demo", CENTRAL_REGION).compute.post(
                f"/servers/{server['id']}/action", microversion="2.1",
                json={"addSecurityGroup": {"name": default}})
            assert added.status_code == 202, added.text
            here = _port_groups(lab, REGION.name, server["id"])
            names = {lab.sdk("admin", REGION.name).network.get_security_group(g).name
                     for g in here}
            assert names == {"default", unique_name}
        finally:
            lab.openstack("server", "delete", "--wait", server["id"], user="demo",
                          region=CENTRAL_REGION)
    finally:
        central.delete_security_group(group, ignore_missing=True)
