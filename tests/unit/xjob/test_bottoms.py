"""bottom_delete and port_update: the regions follow a central change without
central calling them."""

import pytest

from tests.unit.xjob.conftest import FakeNeutron
from tricircle.common.neutron import RemoteError
from tricircle.db import api as db_api
from tricircle.db import models
from tricircle.objects import routing
from tricircle.xjob import bottoms
from tricircle.xjob.recycle import Incomplete


@db_api.writer
def _pods(session):
    session.merge(models.Pod(pod_id="pod0", region_name="CentralRegion", az_name=""))
    session.merge(models.Pod(pod_id="pod1", region_name="RegionOne", az_name="az1"))
    session.merge(models.Pod(pod_id="pod2", region_name="RegionTwo", az_name="az2"))


@pytest.fixture
def neutrons(db, fake_neutrons) -> dict[str, FakeNeutron]:
    _pods()
    for pod_id in ("pod0", "pod1", "pod2"):
        fake_neutrons[pod_id] = FakeNeutron(pod_id)
    return fake_neutrons


def _hold(neutron: FakeNeutron, resource_type: str, body: dict) -> None:
    neutron.objects[resource_type][body["id"]] = body


def test_a_deleted_network_goes_from_every_region_then_its_routings(neutrons):
    for pod_id in ("pod1", "pod2"):
        _hold(neutrons[pod_id], "network", {"id": "net-1"})
    routing.record("network", "net-1", "pod1", "demo")  # pod2's copy has no routing

    bottoms.delete("network", "net-1")
    assert not neutrons["pod1"].objects["network"] and not neutrons["pod2"].objects["network"]
    assert routing.of_top("network", "net-1") == []

    bottoms.delete("network", "net-1")  # again, as a redo: nothing left to do, no error


def test_a_port_goes_only_where_a_routing_names_it(neutrons):
    _hold(neutrons["pod2"], "port", {"id": "port-1"})
    routing.record("port", "port-1", "pod2", "demo")
    bottoms.delete("port", "port-1")
    assert [call[0] for call in neutrons["pod1"].deleted + neutrons["pod2"].deleted] == ["pod2"]
    assert routing.of_top("port", "port-1") == []


def test_a_region_that_fails_keeps_its_routing_for_the_retry(neutrons):
    routing.record("security_group", "sg-1", "pod1", "demo")
    routing.record("security_group", "sg-1", "pod2", "demo")

    def down(*_args):
        raise RemoteError("RegionOne Neutron", None, "connection refused", "RegionOne")
    neutrons["pod1"].delete = down
    with pytest.raises(Incomplete, match="RegionOne Neutron: unreachable"):
        bottoms.delete("security_group", "sg-1")
    assert [r["pod_id"] for r in routing.of_top("security_group", "sg-1")] == ["pod1"]


def test_nothing_is_deleted_while_central_still_has_the_object(neutrons):
    _hold(neutrons["pod0"], "network", {"id": "net-1"})
    _hold(neutrons["pod1"], "network", {"id": "net-1"})
    with pytest.raises(Incomplete, match="central Neutron still has network net-1"):
        bottoms.delete("network", "net-1")
    assert neutrons["pod1"].objects["network"]


class Updating(FakeNeutron):
    def update(self, resource_type: str, resource_id: str, body: dict) -> dict:
        self.objects[resource_type][resource_id].update(body)
        return self.objects[resource_type][resource_id]


def test_a_ports_copies_get_centrals_groups_in_their_own_ids(db, fake_neutrons):
    _pods()
    central, region = Updating("pod0"), Updating("pod1")
    fake_neutrons.update(pod0=central, pod1=region)
    for neutron, default_id in ((central, "central-default"), (region, "region-default")):
        _hold(neutron, "security_group", {"id": default_id, "name": "default",
                                          "project_id": "demo"})
    _hold(central, "security_group", {"id": "web", "name": "web", "project_id": "demo"})
    _hold(central, "port", {"id": "port-1", "project_id": "demo",
                            "security_groups": ["central-default", "web"]})
    _hold(region, "port", {"id": "port-1", "security_groups": ["region-default"]})
    routing.record("port", "port-1", "pod1", "demo")
    # The region copies a group it lacks when asked for it by id.
    region.get = lambda rt, id_: {"id": id_} if (rt, id_) == ("security_group", "web") \
        else FakeNeutron.get(region, rt, id_)

    bottoms.update_port("port-1")
    assert region.objects["port"]["port-1"]["security_groups"] == ["region-default", "web"]
