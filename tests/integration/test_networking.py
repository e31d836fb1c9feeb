"""One network across regions (NETWORKING.md steps 1-3 and 6), proven in the lab.

A network and subnet are made in central Neutron; servers booted in each
region's Nova on it make each local Neutron copy the network with the same id
and segment, and take their ports' MACs and IPs from central IPAM. Deleting
everything centrally leaves nothing in any region. Every check asks the
Neutron concerned through its own API.
"""

import configparser
import ipaddress
import uuid

import pytest

from tests.integration.conftest import poll
from tricircle.lab.layout import CENTRAL_REGION, REGIONS, Layout


@pytest.fixture
def central_net(lab, unique_name):
    """A vxlan network (no hint: it may span regions) and subnet of the demo tenant."""
    network_api = lab.sdk("demo", CENTRAL_REGION).network
    network = network_api.create_network(name=unique_name)
    cidr = f"10.{uuid.uuid4().int % 200 + 20}.{uuid.uuid4().int % 250}.0/24"
    subnet = network_api.create_subnet(network_id=network.id, ip_version=4, cidr=cidr,
                                       name=unique_name)
    yield network, subnet
    # Normally the test has deleted it; leftovers go so the lab stays clean.
    if network_api.find_network(network.id, ignore_missing=True) is not None:
        for port in network_api.ports(network_id=network.id):
            network_api.delete_port(port, ignore_missing=True)
        network_api.delete_network(network, ignore_missing=True)


def _boot(lab, region, network_id: str, name: str):
    """Boot through the region's own Nova, naming the central network by id."""
    compute = lab.sdk("demo", region.name).compute
    flavor = compute.find_flavor("m1.tiny", ignore_missing=False)
    image = lab.sdk("demo", region.name).image.find_image("tiny", ignore_missing=False)
    server = compute.create_server(name=name, flavor_id=flavor.id, image_id=image.id,
                                   networks=[{"uuid": network_id}],
                                   availability_zone=region.az)
    return compute.wait_for_server(server, status="ACTIVE", failures=["ERROR"], wait=240)


def _delete_servers(lab, servers: dict) -> None:
    for region_name, server in servers.items():
        compute = lab.sdk("demo", region_name).compute
        compute.delete_server(server, ignore_missing=True)
        compute.wait_for_delete(server, wait=240)


def _admin_network(lab, region_name: str):
    return lab.sdk("admin", region_name).network


def _holds(lab, region_name: str, network) -> bool:
    """Whether the region holds a copy; listed by owner and name, which never copies
    (a lookup by id would make the copy)."""
    return bool(list(_admin_network(lab, region_name).networks(
        project_id=network.project_id, name=network.name)))


def test_servers_in_two_regions_share_one_central_network(lab, central_net, unique_name):
    network, subnet = central_net
    central = _admin_network(lab, CENTRAL_REGION)
    central_segment = central.get_network(network.id).provider_segmentation_id
    servers = {}
    try:
        for region in REGIONS:
            servers[region.name] = _boot(lab, region, network.id, f"{unique_name}-{region.short}")

        addresses = []
        for region in REGIONS:
            local = _admin_network(lab, region.name)
            # The local copy: same id, same segment, same subnet.
            copy = local.get_network(network.id)
            assert copy.provider_segmentation_id == central_segment
            local_subnet = local.get_subnet(subnet.id)
            assert (local_subnet.cidr, local_subnet.gateway_ip) == (subnet.cidr,
                                                                    subnet.gateway_ip)
            # The server's port: created centrally first, same id, MAC and IP here.
            (port,) = list(local.ports(device_id=servers[region.name].id))
            top = central.get_port(port.id)
            assert top.mac_address == port.mac_address
            assert top.fixed_ips == port.fixed_ips
            assert top.binding_profile["region"] == region.name
            address = port.fixed_ips[0]["ip_address"]
            assert ipaddress.ip_address(address) in ipaddress.ip_network(subnet.cidr)
            addresses.append(address)
        assert len(set(addresses)) == len(REGIONS), addresses  # central IPAM: no clash
    finally:
        _delete_servers(lab, servers)

    # Step 6: deleting the servers and then the network centrally cleans every region.
    assert list(central.ports(network_id=network.id)) == []  # the top ports went with the VMs
    lab.sdk("demo", CENTRAL_REGION).network.delete_network(network)
    for region in REGIONS:  # xjob's bottom_delete, queued by the delete
        local = _admin_network(lab, region.name)
        assert poll(lambda api=local: api.find_network(network.id, ignore_missing=True)
                    is None, timeout=60), region.name
        assert local.find_subnet(subnet.id, ignore_missing=True) is None, region.name
        assert list(local.ports(network_id=network.id)) == [], region.name


def test_a_region_only_copies_what_it_is_asked_for(lab, central_net):
    network, _ = central_net
    # Listing a region's networks (no id asked for) does not stretch a central one there,
    for region in REGIONS:
        listed = lab.sdk("demo", region.name).network.networks()
        assert network.id not in {net.id for net in listed}
    # nor does another project naming its id;
    alt = lab.sdk("alt", REGIONS[0].name).network
    assert alt.find_network(network.id, ignore_missing=True) is None
    assert not any(_holds(lab, region.name, network) for region in REGIONS)
    # its owner asking for it by id does (as `openstack network show <id>` does).
    assert lab.sdk("demo", REGIONS[1].name).network.get_network(network.id).id == network.id
    copy = _admin_network(lab, REGIONS[1].name).get_network(network.id)
    central = _admin_network(lab, CENTRAL_REGION).get_network(network.id)
    assert copy.provider_segmentation_id == central.provider_segmentation_id


@pytest.mark.parametrize("hint", ["region", "az"])
def test_a_network_hinted_to_one_region_is_refused_by_the_others(lab, unique_name, hint):
    network_api = lab.sdk("demo", CENTRAL_REGION).network
    home, other = REGIONS[0], REGIONS[1]
    zone = home.name if hint == "region" else home.az
    network = network_api.create_network(name=unique_name, availability_zone_hints=[zone])
    try:
        assert network.availability_zones == [zone]
        # Nova's boot path lists networks by id: only the home region copies it.
        listed = {region.name: [net.id for net in _admin_network(lab, region.name).networks(
            id=network.id)] for region in (home, other)}
        assert listed == {home.name: [network.id], other.name: []}
    finally:
        network_api.delete_network(network)
    assert poll(lambda: _admin_network(lab, home.name).find_network(
        network.id, ignore_missing=True) is None, timeout=60)


def _provider(network) -> tuple:
    return (network.provider_network_type, network.provider_physical_network,
            network.provider_segmentation_id)


@pytest.mark.parametrize("network_type", ["vlan", "flat"])
def test_a_provider_network_keeps_its_central_segment_in_every_region(lab, unique_name,
                                                                      network_type):
    """Central allocates the segment (VLAN ids from its own range, 200-299 in the
    lab, not a region's 100-199); each region's copy has that very segment."""
    central_api = _admin_network(lab, CENTRAL_REGION)
    physnet = "physnet1" if network_type == "vlan" else f"flat-{uuid.uuid4().hex[:8]}"
    network = central_api.create_network(name=unique_name,
                                         provider_network_type=network_type,
                                         provider_physical_network=physnet)
    try:
        if network_type == "vlan":
            assert 200 <= network.provider_segmentation_id <= 299
        for region in REGIONS:
            (copy,) = list(_admin_network(lab, region.name).networks(id=network.id))
            assert _provider(copy) == _provider(network)
    finally:
        central_api.delete_network(network)
    for region in REGIONS:
        assert poll(lambda name=region.name: _admin_network(lab, name).find_network(
            network.id, ignore_missing=True) is None, timeout=60), region.name


def test_a_local_type_network_lives_in_the_first_region_that_uses_it(lab, unique_name):
    central_api = _admin_network(lab, CENTRAL_REGION)
    network = central_api.create_network(name=unique_name, provider_network_type="local")
    first, second = REGIONS
    try:
        (copy,) = list(_admin_network(lab, first.name).networks(id=network.id))
        assert copy.provider_network_type == "local"
        assert list(_admin_network(lab, second.name).networks(id=network.id)) == []
        assert [net.id for net in _admin_network(lab, first.name).networks(
            id=network.id)] == [network.id]  # still there for the region that took it
    finally:
        central_api.delete_network(network)
    assert poll(lambda: _admin_network(lab, first.name).find_network(
        network.id, ignore_missing=True) is None, timeout=60)


def test_an_unknown_zone_hint_is_refused(lab, unique_name):
    result = lab.openstack("network", "create", "--availability-zone-hint", "Atlantis",
                           unique_name, user="demo", region=CENTRAL_REGION, check=False)
    assert result.returncode != 0 and "Atlantis" in result.stderr


def test_boot_through_the_gateway_with_the_stock_cli(lab, central_net, unique_name):
    """NETWORKING.md step 2 as a user types it: CentralRegion, an AZ, the central net."""
    network, subnet = central_net
    region, elsewhere = REGIONS[1], REGIONS[0]
    server = lab.openstack_json("server", "create", "--flavor", "m1.tiny", "--image", "tiny",
                                "--network", network.id, "--availability-zone", region.az,
                                "--wait", unique_name, user="demo", region=CENTRAL_REGION)
    try:
        (port,) = list(_admin_network(lab, region.name).ports(device_id=server["id"]))
        top = _admin_network(lab, CENTRAL_REGION).get_port(port.id)
        assert top.fixed_ips == port.fixed_ips
        assert top.binding_profile["region"] == region.name
        # Only the region with a port of it holds a copy.
        assert not _holds(lab, elsewhere.name, network)
    finally:
        lab.openstack("server", "delete", "--wait", server["id"], user="demo",
                      region=CENTRAL_REGION)
    assert list(_admin_network(lab, CENTRAL_REGION).ports(network_id=network.id)) == []


def _boot_on_port(lab, region, port_id: str, name: str):
    compute = lab.sdk("demo", region.name).compute
    flavor = compute.find_flavor("m1.tiny", ignore_missing=False)
    image = lab.sdk("demo", region.name).image.find_image("tiny", ignore_missing=False)
    server = compute.create_server(name=name, flavor_id=flavor.id, image_id=image.id,
                                   networks=[{"port": port_id}],
                                   availability_zone=region.az)
    return compute.wait_for_server(server, status="ACTIVE", failures=["ERROR"], wait=240)


def _binding(port) -> tuple:
    # bound_drivers: each Neutron names the ML2 drivers that bound the port there.
    details = {key: value for key, value in port.binding_vif_details.items()
               if key != "bound_drivers"}
    return port.binding_vif_type, port.binding_host_id, details


def test_central_shows_the_binding_each_region_made(lab, central_net, unique_name):
    """Central binds nothing itself: a VM port there carries its region's VIF type,
    details and host, for a port the region made (Nova's) and one made centrally
    (server create --port); unbound in the region, unbound centrally."""
    network, _ = central_net
    central = _admin_network(lab, CENTRAL_REGION)
    made_centrally = lab.sdk("demo", CENTRAL_REGION).network.create_port(
        network_id=network.id, name=unique_name)
    servers = {}
    try:
        servers[REGIONS[1].name] = _boot(lab, REGIONS[1], network.id, f"{unique_name}-r2")
        servers[REGIONS[0].name] = _boot_on_port(lab, REGIONS[0], made_centrally.id,
                                                 f"{unique_name}-r1")
        for region in REGIONS:
            (port,) = list(_admin_network(lab, region.name).ports(
                device_id=servers[region.name].id))
            top = central.get_port(port.id)
            assert port.binding_vif_type not in ("unbound", "binding_failed"), region.name
            assert _binding(top) == _binding(port), region.name
            assert top.status == "ACTIVE", region.name
            assert top.binding_vif_details["bound_drivers"] == {"0": "tricircle"}
            assert top.binding_profile["region"] == region.name
    finally:
        _delete_servers(lab, servers)
    top = central.get_port(made_centrally.id)  # it outlives the server: central made it
    assert (top.binding_vif_type, top.binding_host_id) == ("unbound", "")
    assert "region_binding" not in top.binding_profile


def test_central_neutron_loads_no_lab_driver(lab):
    """The lab's bind-all driver is the regions' stand-in backend only: central runs
    Tricircle's mechanism driver alone, as a real deployment does."""
    etc = Layout.default().etc
    drivers = {}
    for name in ["neutron-central"] + [f"neutron-{region.short}" for region in REGIONS]:
        config = configparser.ConfigParser()
        config.read(etc / name / "ml2_conf.ini")
        drivers[name] = config.get("ml2", "mechanism_drivers")
    assert drivers.pop("neutron-central") == "tricircle"
    assert set(drivers.values()) == {"lab_bind_all"}


SHADOW = "compute:shadow"


def _gateway_boot(lab, network_id: str, az: str, name: str) -> dict:
    return lab.openstack_json("server", "create", "--flavor", "m1.tiny", "--image", "tiny",
                              "--network", network_id, "--availability-zone", az, "--wait",
                              name, user="demo", region=CENTRAL_REGION)


def _shadow_of(lab, region_name: str, port) -> object | None:
    shadows = _admin_network(lab, region_name).ports(network_id=port.network_id,
                                                     device_owner=SHADOW)
    return next((s for s in shadows if s.binding_profile.get("shadow_of") == port.id), None)


def test_each_region_shadows_the_other_regions_vm_port(lab, central_net, unique_name):
    """NETWORKING.md step 4: shadow ports follow VM ports across regions, and go with them."""
    network, _ = central_net
    servers, ports = {}, {}
    try:
        for region in REGIONS:
            servers[region.name] = _gateway_boot(lab, network.id, region.az,
                                                 f"{unique_name}-{region.short}")
            (ports[region.name],) = list(_admin_network(lab, region.name).ports(
                device_id=servers[region.name]["id"]))
        for region, other in (REGIONS, REGIONS[::-1]):
            real = ports[other.name]
            copy = poll(lambda: _shadow_of(lab, region.name, real))  # noqa: B023
            assert copy is not None, f"no shadow of {other.name}'s port in {region.name}"
            assert (copy.mac_address, copy.fixed_ips) == (real.mac_address, real.fixed_ips)
            assert copy.binding_host_id == real.binding_host_id
            assert copy.binding_profile["shadow_region"] == other.name
        # A region holds shadows only of the other region's ports, never its own.
        for region in REGIONS:
            assert _shadow_of(lab, region.name, ports[region.name]) is None

        gone, keeper = REGIONS[0], REGIONS[1]
        lab.openstack("server", "delete", "--wait", servers.pop(gone.name)["id"], user="demo",
                      region=CENTRAL_REGION)
        assert poll(lambda: _shadow_of(lab, keeper.name, ports[gone.name]) is None), \
            f"the shadow of the deleted server's port stays in {keeper.name}"
    finally:
        for server in servers.values():
            lab.openstack("server", "delete", "--wait", server["id"], user="demo",
                          region=CENTRAL_REGION, check=False)
    lab.sdk("demo", CENTRAL_REGION).network.delete_network(network)
    for region in REGIONS:
        assert poll(lambda name=region.name: list(_admin_network(lab, name).ports(
            network_id=network.id)) == [], timeout=60), region.name


def _rules(network_api, group_id: str) -> set[tuple]:
    """What the group's rules do, ids aside (a copy's rules have their own ids)."""
    return {(r.direction, r.ether_type, r.protocol, r.port_range_min, r.port_range_max,
             r.remote_ip_prefix, r.remote_group_id)
            for r in network_api.security_group_rules(security_group_id=group_id)}


def test_a_central_security_group_follows_the_port_into_the_region(lab, central_net,
                                                                   unique_name):
    """Issue #5: a group named at boot is copied with the same id and rules; a rule
    added centrally reaches the copy (xjob seg_rule_setup); deleting it centrally
    removes the copy."""
    network, _ = central_net
    region = REGIONS[0]
    central_api = lab.sdk("demo", CENTRAL_REGION).network
    group = central_api.create_security_group(name=unique_name)
    central_api.create_security_group_rule(security_group_id=group.id, direction="ingress",
                                           ether_type="IPv4", protocol="tcp",
                                           port_range_min=22, port_range_max=22,
                                           remote_ip_prefix="0.0.0.0/0")
    central, local = _admin_network(lab, CENTRAL_REGION), _admin_network(lab, region.name)
    server = None
    try:
        server = lab.openstack_json("server", "create", "--flavor", "m1.tiny", "--image",
                                    "tiny", "--network", network.id, "--availability-zone",
                                    region.az, "--security-group", group.id, "--wait",
                                    unique_name, user="demo", region=CENTRAL_REGION)
        # Listed by project, which never copies: the boot made the copy.
        (copy,) = [g for g in local.security_groups(project_id=group.project_id)
                   if g.id == group.id]
        assert copy.name == group.name
        assert _rules(local, group.id) == _rules(central, group.id)
        (port,) = list(local.ports(device_id=server["id"]))
        assert port.security_group_ids == [group.id]
        assert central.get_port(port.id).security_group_ids == [group.id]

        central_api.create_security_group_rule(security_group_id=group.id,
                                               direction="ingress", ether_type="IPv4",
                                               protocol="icmp", remote_ip_prefix="10.0.0.0/8")
        assert poll(lambda: _rules(local, group.id) == _rules(central, group.id),
                     timeout=60), "the new rule did not reach the region's copy"
        assert len(_rules(local, group.id)) == len(_rules(central, group.id))
    finally:
        if server is not None:
            lab.openstack("server", "delete", "--wait", server["id"], user="demo",
                          region=CENTRAL_REGION, check=False)
        central_api.delete_security_group(group, ignore_missing=True)
    lab.sdk("demo", CENTRAL_REGION).network.delete_network(network)
    assert poll(lambda: local.find_security_group(group.id, ignore_missing=True) is None,
                timeout=60)
    assert list(local.security_group_rules(security_group_id=group.id)) == []
    assert poll(lambda: list(local.ports(network_id=network.id)) == [], timeout=60)


def test_a_ports_new_groups_reach_the_other_side(lab, central_net, unique_name):
    """Issue #5: groups set on the port centrally reach its copy in the region, and a
    group Nova adds in the region (add-security-group through the gateway) reaches
    the central port."""
    network, _ = central_net
    region = REGIONS[0]
    central_api = lab.sdk("demo", CENTRAL_REGION).network
    web = central_api.create_security_group(name=f"{unique_name}-web")
    db = central_api.create_security_group(name=f"{unique_name}-db")
    central, local = _admin_network(lab, CENTRAL_REGION), _admin_network(lab, region.name)
    server = None
    try:
        server = lab.openstack_json("server", "create", "--flavor", "m1.tiny", "--image",
                                    "tiny", "--network", network.id, "--availability-zone",
                                    region.az, "--wait", unique_name, user="demo",
                                    region=CENTRAL_REGION)
        (port,) = list(local.ports(device_id=server["id"]))

        lab.openstack("port", "set", "--no-security-group", "--security-group", web.id,
                      port.id, user="demo", region=CENTRAL_REGION)
        # xjob's port_update, queued by central, gives the region's copy the group.
        assert poll(lambda: local.get_port(port.id).security_group_ids == [web.id],
                    timeout=60)
        assert local.get_security_group(web.id).name == web.name  # copied on the way

        lab.openstack("server", "add", "security", "group", server["id"], db.id,
                      user="demo", region=CENTRAL_REGION)
        both = sorted([web.id, db.id])
        assert sorted(central.get_port(port.id).security_group_ids) == both
        assert poll(lambda: sorted(local.get_port(port.id).security_group_ids) == both,
                    timeout=60)
    finally:
        if server is not None:
            lab.openstack("server", "delete", "--wait", server["id"], user="demo",
                          region=CENTRAL_REGION, check=False)
        for group in (web, db):
            central_api.delete_security_group(group, ignore_missing=True)
    for group in (web, db):
        assert poll(lambda id_=group.id: local.find_security_group(
            id_, ignore_missing=True) is None, timeout=60), group.name


def test_remote_group_rules_reach_other_regions_members_as_subnet_cidrs(lab, central_net,
                                                                         unique_name):
    """A region sees only its own members of a group: each remote-group rule also gets
    one rule per subnet CIDR of the project, in the copies and in the region's own
    default group (xjob seg_rule_setup), following subnets as they come and go."""
    network, subnet = central_net
    region = REGIONS[0]
    central_api = lab.sdk("demo", CENTRAL_REGION).network
    web = central_api.create_security_group(name=unique_name)
    central_api.create_security_group_rule(security_group_id=web.id, direction="ingress",
                                           ether_type="IPv4", protocol="tcp",
                                           port_range_min=80, port_range_max=80,
                                           remote_group_id=web.id)
    local = _admin_network(lab, region.name)
    server = None

    def web_from(cidr):
        return ("ingress", "IPv4", "tcp", 80, 80, cidr, None)

    def members_from(cidr):  # Neutron's default-group template rule, expanded
        return ("ingress", "IPv4", None, None, None, cidr, None)

    try:
        server = lab.openstack_json("server", "create", "--flavor", "m1.tiny", "--image",
                                    "tiny", "--network", network.id, "--availability-zone",
                                    region.az, "--security-group", web.id, "--wait",
                                    unique_name, user="demo", region=CENTRAL_REGION)
        (default,) = list(local.security_groups(project_id=web.project_id, name="default"))
        assert poll(lambda: web_from(subnet.cidr) in _rules(local, web.id), timeout=60)
        assert poll(lambda: members_from(subnet.cidr) in _rules(local, default.id),
                    timeout=60)
        assert ("ingress", "IPv4", "tcp", 80, 80, None, web.id) in _rules(local, web.id)

        second = central_api.create_subnet(network_id=network.id, ip_version=4,
                                           cidr="10.250.9.0/24", name=unique_name)
        assert poll(lambda: web_from(second.cidr) in _rules(local, web.id), timeout=60)
        central_api.delete_subnet(second)
        assert poll(lambda: web_from(second.cidr) not in _rules(local, web.id), timeout=60)
    finally:
        if server is not None:
            lab.openstack("server", "delete", "--wait", server["id"], user="demo",
                          region=CENTRAL_REGION, check=False)
        central_api.delete_security_group(web, ignore_missing=True)
    central_api.delete_network(network)
    assert poll(lambda: members_from(subnet.cidr) not in _rules(local, default.id),
                timeout=60), "the region's default group keeps a deleted subnet's rule"
