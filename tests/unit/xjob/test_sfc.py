"""sfc_sync: a central port chain rebuilt in the region holding its port pairs' ports."""

import pytest

from tests.unit.xjob import servicefakes
from tests.unit.xjob.servicefakes import CENTRAL, R1, R2
from tricircle.objects import routing
from tricircle.xjob import handlers
from tricircle.xjob.registry import Incomplete, Job

PORTS = ("in1", "out1", "in2", "out2", "src")


@pytest.fixture
def neutrons(db, fake_neutrons):
    servicefakes.make(fake_neutrons, extensions=("sfc", "flow_classifier"))
    central = fake_neutrons[CENTRAL].objects
    for port_id in PORTS:
        central["port"][port_id] = {"id": port_id}
    for port_id in PORTS[:4]:  # the pairs' ports live in RegionOne; src not yet
        fake_neutrons[R1].objects["port"][port_id] = {"id": port_id}
        routing.record("port", port_id, R1, "demo")
    common = {"project_id": "demo", "description": ""}
    central["port_pair"]["pp1"] = dict(common, id="pp1", name="pp1", ingress="in1",
                                       egress="out1")
    central["port_pair"]["pp2"] = dict(common, id="pp2", name="pp2", ingress="in2",
                                       egress="out2")
    central["port_pair_group"]["g1"] = dict(common, id="g1", name="g1", port_pairs=["pp1"])
    central["port_pair_group"]["g2"] = dict(common, id="g2", name="g2", port_pairs=["pp2"])
    central["flow_classifier"]["fc"] = dict(common, id="fc", name="fc", protocol="tcp",
                                            logical_source_port="src")
    central["port_chain"]["chain"] = dict(common, id="chain", name="chain",
                                          port_pair_groups=["g2", "g1"],
                                          flow_classifiers=["fc"])
    return fake_neutrons


def _run() -> None:
    handlers.sfc_sync(Job(id="j", type="sfc_sync", project_id="demo",
                          resource={"port_chain_id": "chain"}))


def _bottom(neutrons, kind: str, top_id: str, pod: str = R1) -> dict | None:
    found = [r for r in routing.of_top(kind, top_id) if r["pod_id"] == pod]
    return neutrons[pod].get(kind, found[0]["bottom_id"]) if found else None


def test_a_chain_is_rebuilt_in_order_where_its_pairs_ports_live(neutrons):
    _run()
    chain = _bottom(neutrons, "port_chain", "chain")
    groups = [neutrons[R1].get("port_pair_group", id_) for id_ in chain["port_pair_groups"]]
    assert [group["name"] for group in groups] == ["g2", "g1"]  # the chain's order
    pairs = [neutrons[R1].get("port_pair", group["port_pairs"][0]) for group in groups]
    assert [(p["ingress"], p["egress"]) for p in pairs] == [("in2", "out2"), ("in1", "out1")]
    classifier = neutrons[R1].get("flow_classifier", chain["flow_classifiers"][0])
    assert classifier["logical_source_port"] == "src" and classifier["protocol"] == "tcp"
    assert "src" in neutrons[R1].objects["port"]  # copied for the classifier
    assert not any(neutrons[R2].objects[kind] for kind in ("port_chain", "port_pair"))


def test_running_again_makes_nothing_twice(neutrons):
    _run()
    _run()
    for kind in ("port_chain", "port_pair_group", "port_pair", "flow_classifier"):
        assert len(neutrons[R1].objects[kind]) == len(neutrons[CENTRAL].objects[kind])


def test_a_group_change_follows_into_the_bottom_chain(neutrons):
    _run()
    neutrons[CENTRAL].objects["port_chain"]["chain"]["port_pair_groups"] = ["g1"]
    _run()
    chain = _bottom(neutrons, "port_chain", "chain")
    assert chain["port_pair_groups"] == [_bottom(neutrons, "port_pair_group", "g1")["id"]]
    # g2 and its pair are used by no chain of the region any more: gone.
    assert len(neutrons[R1].objects["port_pair_group"]) == 1
    assert _bottom(neutrons, "port_pair", "pp2") is None


def test_a_deleted_chain_takes_its_bottom_objects_and_routings_with_it(neutrons):
    _run()
    del neutrons[CENTRAL].objects["port_chain"]["chain"]
    _run()
    for kind in ("port_chain", "port_pair_group", "port_pair", "flow_classifier"):
        assert not neutrons[R1].objects[kind], kind
        assert not routing.in_pod(kind, R1)
    deleted = [kind for _, kind, _ in neutrons[R1].deleted]
    assert deleted.index("sfc/port_chains") < deleted.index("sfc/port_pair_groups") \
        < deleted.index("sfc/port_pairs")


def test_a_region_without_sfc_fails_naming_it_and_makes_nothing(neutrons):
    neutrons[R1].extensions = ("flow_classifier",)
    with pytest.raises(Incomplete, match="RegionOne Neutron has no 'sfc' extension"):
        _run()
    assert not neutrons[R1].objects["port_pair"]
