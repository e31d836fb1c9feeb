"""trunk_sync: a central trunk rebuilt in the region of its parent port."""

import pytest

from tests.unit.xjob import servicefakes
from tests.unit.xjob.servicefakes import CENTRAL, R1, R2
from tricircle.objects import routing
from tricircle.xjob import handlers
from tricircle.xjob.registry import Incomplete, Job


class TrunkNeutron(servicefakes.ServiceNeutron):
    """Trunks and ports, with the subport actions."""

    def __init__(self, pod_id: str, everyone: dict, extensions: tuple[str, ...]) -> None:
        super().__init__(pod_id, everyone, extensions)
        self.actions: list[tuple[str, list[str]]] = []

    def action(self, kind, resource_id, name, body):
        trunk = self.objects["trunk"][resource_id]
        ports = [entry["port_id"] for entry in body["sub_ports"]]
        self.actions.append((name, ports))
        if name == "add_subports":
            trunk["sub_ports"] += body["sub_ports"]
        else:
            trunk["sub_ports"] = [e for e in trunk["sub_ports"] if e["port_id"] not in ports]
        return trunk


@pytest.fixture
def neutrons(db, fake_neutrons):
    return servicefakes.make(fake_neutrons, TrunkNeutron, ("trunk",))


def _sub(port_id: str, vlan: int) -> dict:
    return {"port_id": port_id, "segmentation_type": "vlan", "segmentation_id": vlan}


def _central_trunk(neutrons, *subports) -> dict:
    central = neutrons[CENTRAL].objects
    for port_id in ("parent", "sub1", "sub2", "sub3"):
        central["port"][port_id] = {"id": port_id, "project_id": "demo"}
    trunk = {"id": "trunk", "name": "t", "description": "", "admin_state_up": True,
             "port_id": "parent", "project_id": "demo", "sub_ports": list(subports)}
    central["trunk"]["trunk"] = trunk
    neutrons[R1].objects["port"]["parent"] = {"id": "parent", "project_id": "demo"}
    routing.record("port", "parent", R1, "demo")
    return trunk


def _run() -> None:
    handlers.trunk_sync(Job(id="j", type="trunk_sync", project_id="demo",
                            resource={"trunk_id": "trunk"}))


def _bottom(neutrons) -> dict | None:
    found = routing.of_top("trunk", "trunk")
    return neutrons[found[0]["pod_id"]].get("trunk", found[0]["bottom_id"]) if found else None


def test_a_trunk_is_made_in_its_parent_ports_region_with_copies_of_its_subports(neutrons):
    _central_trunk(neutrons, _sub("sub1", 101), _sub("sub2", 102))
    _run()
    bottom = _bottom(neutrons)
    assert routing.of_top("trunk", "trunk")[0]["pod_id"] == R1
    assert bottom["port_id"] == "parent" and bottom["name"] == "t"
    assert bottom["sub_ports"] == [_sub("sub1", 101), _sub("sub2", 102)]
    assert {"sub1", "sub2"} <= set(neutrons[R1].objects["port"])  # copies, same ids
    assert not neutrons[R2].objects["trunk"] and not neutrons[R2].objects["port"]


def test_subports_added_and_removed_centrally_follow_and_a_rerun_changes_nothing(neutrons):
    trunk = _central_trunk(neutrons, _sub("sub1", 101), _sub("sub2", 102))
    _run()
    trunk["sub_ports"] = [_sub("sub2", 102), _sub("sub3", 103)]
    _run()
    assert neutrons[R1].actions == [("remove_subports", ["sub1"]),
                                    ("add_subports", ["sub3"])]
    assert _bottom(neutrons)["sub_ports"] == [_sub("sub2", 102), _sub("sub3", 103)]
    _run()
    assert len(neutrons[R1].actions) == 2 and len(neutrons[R1].objects["trunk"]) == 1


def test_a_trunk_deleted_centrally_goes_from_the_region_with_its_routing(neutrons):
    _central_trunk(neutrons, _sub("sub1", 101))
    _run()
    del neutrons[CENTRAL].objects["trunk"]["trunk"]
    _run()
    assert not neutrons[R1].objects["trunk"] and routing.of_top("trunk", "trunk") == []


def test_a_trunk_left_by_a_run_that_stopped_is_adopted_not_made_twice(neutrons):
    _central_trunk(neutrons, _sub("sub1", 101))
    _run()
    routing.forget("trunk", "trunk", R1)
    _run()
    assert len(neutrons[R1].objects["trunk"]) == 1 and _bottom(neutrons) is not None


def test_a_region_without_the_trunk_extension_fails_naming_it(neutrons):
    neutrons[R1].extensions = ("qos",)
    _central_trunk(neutrons, _sub("sub1", 101))
    with pytest.raises(Incomplete, match="RegionOne Neutron has no 'trunk' extension"):
        _run()
    assert not neutrons[R1].objects["trunk"]
