"""QoS, trunks and service function chains across regions (#13), proven in the lab.

Each check asks the Neutron concerned (central, RegionOne, RegionTwo) through
its own API.
"""

import uuid

import pytest

from tests.integration.conftest import poll
from tricircle.lab.layout import CENTRAL_REGION, REGIONS

ALL_NEUTRONS = [CENTRAL_REGION] + [region.name for region in REGIONS]
EXTENSIONS = ("qos", "qos-bw-limit-direction", "trunk", "sfc", "flow_classifier")


@pytest.mark.parametrize("region_name", ALL_NEUTRONS)
def test_every_neutron_offers_qos_trunks_and_sfc(lab, region_name):
    network = lab.sdk("admin", region_name).network
    aliases = {extension.alias for extension in network.extensions()}
    assert set(EXTENSIONS) <= aliases, f"{region_name} lacks {set(EXTENSIONS) - aliases}"
    # The lab's bind-all ports take the rules a VM's port needs.
    rule_types = {rule_type.type for rule_type in network.qos_rule_types()}
    assert {"bandwidth_limit", "dscp_marking", "minimum_bandwidth"} <= rule_types


# --- helpers ------------------------------------------------------------------------

@pytest.fixture
def central_net(lab, unique_name):
    """A vxlan network and subnet of the demo tenant, spanning regions."""
    network_api = lab.sdk("demo", CENTRAL_REGION).network
    network = network_api.create_network(name=unique_name)
    cidr = f"10.{uuid.uuid4().int % 200 + 20}.{uuid.uuid4().int % 250}.0/24"
    network_api.create_subnet(network_id=network.id, ip_version=4, cidr=cidr, name=unique_name)
    yield network
    # Normally the test has deleted what it made; leftovers go so the lab stays clean.
    for port in network_api.ports(network_id=network.id):
        network_api.delete_port(port, ignore_missing=True)
    network_api.delete_network(network, ignore_missing=True)


def _boot(lab, region, network_id: str, name: str):
    """A server booted through the region's own Nova on the central network."""
    sdk = lab.sdk("demo", region.name)
    flavor = sdk.compute.find_flavor("m1.tiny", ignore_missing=False)
    image = sdk.image.find_image("tiny", ignore_missing=False)
    server = sdk.compute.create_server(name=name, flavor_id=flavor.id, image_id=image.id,
                                       networks=[{"uuid": network_id}],
                                       availability_zone=region.az)
    return sdk.compute.wait_for_server(server, status="ACTIVE", failures=["ERROR"], wait=240)


def _delete_server(lab, region, server) -> None:
    compute = lab.sdk("demo", region.name).compute
    compute.delete_server(server, ignore_missing=True)
    compute.wait_for_delete(server, wait=240)


def _vm_port(lab, server) -> dict:
    ports = list(lab.sdk("admin", CENTRAL_REGION).network.ports(device_id=server.id))
    assert len(ports) == 1, ports
    return ports[0]


def _admin(lab, region_name: str):
    return lab.sdk("admin", region_name).network


def _listed_port(lab, region_name: str, port_id: str):
    """The region's copy of a port, listed by id (a lookup by id would copy it)."""
    found = list(_admin(lab, region_name).ports(id=port_id))
    return found[0] if found else None


def _rule_contents(policy) -> list[tuple]:
    fields = ("type", "max_kbps", "max_burst_kbps", "direction", "dscp_mark")
    return sorted(tuple(rule.get(key) for key in fields) for rule in policy.rules)


# --- QoS ------------------------------------------------------------------------------

def test_a_qos_policy_on_a_vm_port_follows_into_its_region(lab, central_net, unique_name):
    """A policy with two rules set on a VM port of RegionTwo: RegionTwo holds an equal
    policy on the port's copy; a rule changed follows; detached and deleted, it goes."""
    region = REGIONS[1]
    central = _admin(lab, CENTRAL_REGION)
    server = _boot(lab, region, central_net.id, unique_name)
    policy = None
    try:
        port = _vm_port(lab, server)
        policy = central.create_qos_policy(name=unique_name, project_id=central_net.project_id)
        limit = central.create_qos_bandwidth_limit_rule(policy, max_kbps=10000,
                                                        max_burst_kbps=1000,
                                                        direction="egress")
        central.create_qos_dscp_marking_rule(policy, dscp_mark=26)
        central.update_port(port, qos_policy_id=policy.id)

        def bottom_policy():
            copy = _listed_port(lab, region.name, port.id)
            if copy is None or not copy.qos_policy_id:
                return None
            return _admin(lab, region.name).get_qos_policy(copy.qos_policy_id)

        bottom = poll(bottom_policy, timeout=60)
        assert bottom is not None, "RegionTwo's copy of the port never got a policy"
        assert bottom.id != policy.id and bottom.name == unique_name
        assert bottom.project_id == central_net.project_id
        assert _rule_contents(bottom) == _rule_contents(central.get_qos_policy(policy.id))
        assert len(bottom.rules) == 2
        # RegionOne does not hold the port, so it holds no policy either.
        assert not list(_admin(lab, REGIONS[0].name).qos_policies(name=unique_name))

        central.update_qos_bandwidth_limit_rule(limit, policy, max_kbps=20000)
        changed = poll(lambda: 20000 in [rule.get("max_kbps") for rule in
                                         _admin(lab, region.name).get_qos_policy(
                                             bottom.id).rules], timeout=60)
        assert changed, "the changed rule never reached RegionTwo"

        central.update_port(port, qos_policy_id=None)
        gone = poll(lambda: not _listed_port(lab, region.name, port.id).qos_policy_id
                    and not list(_admin(lab, region.name).qos_policies(name=unique_name)),
                    timeout=60)
        assert gone, "the detached policy stayed on RegionTwo's copy or in RegionTwo"
        central.delete_qos_policy(policy)
        policy = None
    finally:
        _delete_server(lab, region, server)
        if policy is not None:
            central.delete_qos_policy(policy, ignore_missing=True)
    for region_name in ALL_NEUTRONS:
        assert not list(_admin(lab, region_name).qos_policies(name=unique_name))


# --- trunks ---------------------------------------------------------------------------

def _subports(lab, region_name: str, parent_id: str) -> list[tuple] | None:
    """(port id, VLAN) of the region's trunk on ``parent_id``; None without a trunk."""
    trunks = list(_admin(lab, region_name).trunks(port_id=parent_id))
    if not trunks:
        return None
    return sorted((sub["port_id"], sub["segmentation_id"]) for sub in trunks[0].sub_ports)


def test_a_trunk_on_a_vm_port_follows_into_its_region(lab, central_net, unique_name):
    """A trunk with two subports on a VM port of RegionOne: RegionOne holds it with
    the subports' copies and VLANs; subports added and removed follow; deleted, it goes."""
    region = REGIONS[0]
    central = _admin(lab, CENTRAL_REGION)
    server = _boot(lab, region, central_net.id, unique_name)
    trunk = None
    try:
        parent = _vm_port(lab, server)
        subs = [central.create_port(network_id=central_net.id, name=f"{unique_name}-{i}",
                                    project_id=central_net.project_id) for i in range(3)]
        trunk = central.create_trunk(port_id=parent.id, name=unique_name, sub_ports=[
            {"port_id": subs[i].id, "segmentation_type": "vlan", "segmentation_id": 101 + i}
            for i in range(2)])
        wanted = [(subs[0].id, 101), (subs[1].id, 102)]
        assert poll(lambda: _subports(lab, region.name, parent.id) == sorted(wanted),
                    timeout=60), f"RegionOne: {_subports(lab, region.name, parent.id)}"
        for sub in subs[:2]:
            copy = _listed_port(lab, region.name, sub.id)
            assert copy is not None and copy.mac_address == sub.mac_address
        assert _subports(lab, REGIONS[1].name, parent.id) is None

        central.add_trunk_subports(trunk, [{"port_id": subs[2].id, "segmentation_type": "vlan",
                                            "segmentation_id": 103}])
        central.delete_trunk_subports(trunk, [{"port_id": subs[0].id}])
        wanted = [(subs[1].id, 102), (subs[2].id, 103)]
        assert poll(lambda: _subports(lab, region.name, parent.id) == sorted(wanted),
                    timeout=60), f"RegionOne: {_subports(lab, region.name, parent.id)}"

        central.delete_trunk(trunk)
        trunk = None
        assert poll(lambda: _subports(lab, region.name, parent.id) is None, timeout=60)
        for sub in subs:
            central.delete_port(sub)
    finally:
        if trunk is not None:
            central.delete_trunk(trunk, ignore_missing=True)
        _delete_server(lab, region, server)
    for region_name in ALL_NEUTRONS:
        assert not [t for t in _admin(lab, region_name).trunks() if t.name == unique_name]


# --- service function chains ------------------------------------------------------------

def _sfc_names(lab, region_name: str, prefix: str) -> dict[str, list[str]]:
    """The names starting with ``prefix`` of each kind of SFC object in the region."""
    network = _admin(lab, region_name)
    listed = {"chains": network.sfc_port_chains(), "groups": network.sfc_port_pair_groups(),
              "pairs": network.sfc_port_pairs(), "classifiers": network.sfc_flow_classifiers()}
    return {kind: sorted(item.name for item in items if (item.name or "").startswith(prefix))
            for kind, items in listed.items()}


NOTHING = {"chains": [], "groups": [], "pairs": [], "classifiers": []}


def test_a_port_chain_over_two_pairs_follows_into_their_region(lab, central_net, unique_name):
    """Two port pairs of RegionOne ports, a group each and a classifier, chained
    centrally: RegionOne holds the chain with its groups in order, the same ingress
    and egress ports and the classifier; deleted centrally, it goes."""
    region = REGIONS[0]
    local = lab.sdk("demo", region.name).network
    central = lab.sdk("demo", CENTRAL_REGION).network
    # A port pair's two ports must belong to one device (the service function's VM).
    devices = [str(uuid.uuid4()) for _ in range(3)]
    ports = [local.create_port(network_id=central_net.id, name=f"{unique_name}-{i}",
                               device_id=devices[i // 2]) for i in range(5)]
    made: list = []
    try:
        pairs = [central.create_sfc_port_pair(name=f"{unique_name}-pp{i}",
                                              ingress=ports[2 * i].id,
                                              egress=ports[2 * i + 1].id) for i in range(2)]
        made += pairs
        groups = [central.create_sfc_port_pair_group(name=f"{unique_name}-g{i}",
                                                     port_pairs=[pairs[i].id])
                  for i in range(2)]
        made += groups
        classifier = central.create_sfc_flow_classifier(
            name=f"{unique_name}-fc", ethertype="IPv4", protocol="tcp",
            destination_port_range_min=80, destination_port_range_max=80,
            logical_source_port=ports[4].id)
        made.append(classifier)
        chain = central.create_sfc_port_chain(name=f"{unique_name}-chain",
                                              port_pair_groups=[groups[1].id, groups[0].id],
                                              flow_classifiers=[classifier.id])
        made.append(chain)

        admin = _admin(lab, region.name)

        def bottom_chain():
            return next((c for c in admin.sfc_port_chains()
                         if c.name == f"{unique_name}-chain"), None)

        bottom = poll(bottom_chain, timeout=60)
        assert bottom is not None, f"RegionOne holds {_sfc_names(lab, region.name, unique_name)}"
        assert bottom.id != chain.id
        bottom_groups = [admin.get_sfc_port_pair_group(id_) for id_ in bottom.port_pair_groups]
        assert [g.name for g in bottom_groups] == [f"{unique_name}-g1", f"{unique_name}-g0"]
        bottom_pairs = [admin.get_sfc_port_pair(g.port_pairs[0]) for g in bottom_groups]
        assert [(p.ingress, p.egress) for p in bottom_pairs] == \
            [(ports[2].id, ports[3].id), (ports[0].id, ports[1].id)]
        bottom_classifier = admin.get_sfc_flow_classifier(bottom.flow_classifiers[0])
        assert bottom_classifier.logical_source_port == ports[4].id
        assert bottom_classifier.destination_port_range_min == 80
        assert _sfc_names(lab, REGIONS[1].name, unique_name) == NOTHING

        central.delete_sfc_port_chain(chain)
        made.remove(chain)
        assert poll(lambda: _sfc_names(lab, region.name, unique_name) == NOTHING,
                    timeout=60), f"RegionOne kept {_sfc_names(lab, region.name, unique_name)}"
    finally:
        for item in reversed(made):
            delete = {"SfcPortPair": central.delete_sfc_port_pair,
                      "SfcPortPairGroup": central.delete_sfc_port_pair_group,
                      "SfcFlowClassifier": central.delete_sfc_flow_classifier,
                      "SfcPortChain": central.delete_sfc_port_chain}[type(item).__name__]
            delete(item, ignore_missing=True)
        for port in ports:
            local.delete_port(port, ignore_missing=True)
    for region_name in ALL_NEUTRONS:
        assert _sfc_names(lab, region_name, unique_name) == NOTHING
