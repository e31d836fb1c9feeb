"""The pure rules of service function chains across regions (tricircle.network.sfc_rules)."""

from tricircle.network import sfc_rules

CHAINS = [{"id": "c1", "port_pair_groups": ["g1"], "flow_classifiers": ["fc1"]},
          {"id": "c2", "port_pair_groups": ["g2"], "flow_classifiers": []}]
GROUPS = [{"id": "g1", "port_pairs": ["p1"]}, {"id": "g2", "port_pairs": ["p2", "p1"]}]


def test_the_chains_using_a_pair_group_or_classifier():
    assert sfc_rules.chains_using(CHAINS, "port_pair", "p1", GROUPS) == ["c1", "c2"]
    assert sfc_rules.chains_using(CHAINS, "port_pair", "p2", GROUPS) == ["c2"]
    assert sfc_rules.chains_using(CHAINS, "port_pair_group", "g1") == ["c1"]
    assert sfc_rules.chains_using(CHAINS, "flow_classifier", "fc1") == ["c1"]
    assert sfc_rules.chains_using(CHAINS, "flow_classifier", "other") == []


def test_bottom_bodies_name_the_bottom_ids_in_the_chains_order():
    top = {"id": "c", "name": "n", "description": None, "project_id": "demo",
           "chain_parameters": {"correlation": "mpls"}, "port_pair_groups": ["g1", "g2"]}
    assert sfc_rules.chain_body(top, ["b2", "b1"], ["f"]) == {
        "name": "n", "project_id": "demo", "chain_parameters": {"correlation": "mpls"},
        "port_pair_groups": ["b2", "b1"], "flow_classifiers": ["f"]}
    pair = {"id": "p", "name": "p", "ingress": "i", "egress": "e", "project_id": "demo"}
    assert sfc_rules.pair_body(pair) == {"name": "p", "ingress": "i", "egress": "e",
                                         "project_id": "demo"}
    assert sfc_rules.pair_ports(pair) == {"i", "e"}


def test_a_classifier_names_its_logical_ports():
    assert sfc_rules.classifier_ports({"logical_source_port": "s",
                                       "logical_destination_port": None}) == ["s"]
