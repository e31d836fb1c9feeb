"""resource_recycle: the bottom resources whose top resource central no longer has
go, ports before routers before networks, each routing after its bottom resource."""

import pytest
import sqlalchemy as sa

from tricircle.common import neutron
from tricircle.common.neutron import RemoteConflict
from tricircle.db import api as db_api
from tricircle.db import models
from tricircle.xjob import handlers, recycle
from tricircle.xjob.registry import Job

JOB = Job("j", "resource_recycle", "demo", {"project_id": "demo"})


# The resource type behind each URL collection, to answer under its body key.
KINDS = {neutron.collection(kind): kind for kind in recycle.ORDER}


class Central(neutron.Neutron):
    """Central Neutron as the set of (collection, id) it still holds: the real
    client's get, answered by this request."""

    def __init__(self, held: set) -> None:
        self.held = held

    def request(self, method, path, body=None, missing_ok=False):
        assert (method, missing_ok) == ("GET", True), "central is only asked, never changed"
        collection, id_ = path.rsplit("/", 1)
        if (collection, id_) not in self.held:
            return None
        return {neutron.body_key(KINDS[collection]): {"id": id_}}


class Region:
    """A region's Neutron over the set of (collection, bottom id) still there in
    any region; it refuses to delete router "stuck" (it has interfaces)."""

    def __init__(self, pod_id: str, existing: set, calls: list) -> None:
        self.pod_id, self.existing, self.calls = pod_id, existing, calls

    def find(self, resource_type: str, **filters) -> list[dict]:
        """A router by id or name, if still there; nothing hangs on it (no ports or
        floating IPs), as router_setup's teardown asks before deleting it."""
        if resource_type != "router":
            return []
        wanted = filters.get("id") or filters.get("name")
        return [{"id": wanted}] if ("routers", wanted) in self.existing else []

    def delete(self, resource_type: str, resource_id: str) -> bool:
        collection = neutron.collection(resource_type)
        self.calls.append((self.pod_id, collection, resource_id))
        if (collection, resource_id) == ("routers", "stuck"):
            raise RemoteConflict(f"{self.pod_id} Neutron", 409,
                                 "DELETE routers/stuck: router has interfaces")
        if (collection, resource_id) not in self.existing:
            return False
        self.existing.remove((collection, resource_id))
        return True


@pytest.fixture
def central(fake_neutrons):
    held: set = set()
    fake_neutrons["pod0"] = Central(held)
    return held


@pytest.fixture
def region(fake_neutrons, central):
    existing, calls = set(), []
    for pod_id in ("pod1", "pod2"):
        fake_neutrons[pod_id] = Region(pod_id, existing, calls)
    return existing, calls


@db_api.writer
def _pods(session, central=True):
    if central:
        session.merge(models.Pod(pod_id="pod0", region_name="CentralRegion", az_name=""))
    session.merge(models.Pod(pod_id="pod1", region_name="RegionOne", az_name="az1"))
    session.merge(models.Pod(pod_id="pod2", region_name="RegionTwo", az_name="az2"))


@db_api.writer
def _route(session, top_id, resource_type, bottoms):
    """Routings of ``top_id`` to ``bottoms`` (pod1, pod2)."""
    for pod_id, bottom in zip(("pod1", "pod2"), bottoms, strict=False):
        session.add(models.ResourceRouting(top_id=top_id, bottom_id=bottom, pod_id=pod_id,
                                           project_id="demo", resource_type=resource_type))


@db_api.reader
def _left(session, model):
    return session.scalar(sa.select(sa.func.count()).select_from(model))


def test_recycle_deletes_ports_before_networks_and_keeps_what_failed(db, region):
    existing, calls = region
    _pods()
    _route("net", "network", ["b-net"])
    _route("router", "router", ["stuck"])
    _route("port", "port", ["b-port", None])
    existing |= {("networks", "b-net"), ("ports", "b-port"), ("routers", "stuck")}

    with pytest.raises(recycle.Incomplete,
                       match="router router: pod1 Neutron: 409: DELETE routers/stuck"):
        handlers.resource_recycle(JOB)
    assert [c[1] for c in calls] == ["ports", "routers", "networks"]
    assert existing == {("routers", "stuck")}
    assert _left(models.ResourceRouting) == 1  # the stuck router's

    with pytest.raises(recycle.Incomplete):
        handlers.resource_recycle(JOB)  # the router still refuses: still there
    assert _left(models.ResourceRouting) == 1


def test_recycle_deletes_bottom_resources_whose_top_resource_is_gone(db, region, central):
    """What a failed central delete leaves: routings whose top resource is gone."""
    existing, calls = region
    _pods()
    _route("gone-net", "network", ["gone-net", "gone-net"])
    _route("live-net", "network", ["live-net"])
    _route("gone-port", "port", [None, "gone-port"])
    central.add(("networks", "live-net"))
    existing |= {("networks", "gone-net"), ("networks", "live-net"), ("ports", "gone-port")}

    handlers.resource_recycle(JOB)
    assert calls == [("pod2", "ports", "gone-port"), ("pod1", "networks", "gone-net"),
                     ("pod2", "networks", "gone-net")]
    assert existing == {("networks", "live-net")}
    assert _left(models.ResourceRouting) == 1  # the live network's bottom keeps its routing

    handlers.resource_recycle(JOB)  # again, as after a crash: nothing more is deleted
    assert len(calls) == 3


def test_central_is_asked_once_per_top_resource_with_its_id_quoted(db, fake_neutrons):
    asked = []

    class Counting(Central):
        def request(self, method, path, body=None, missing_ok=False):
            asked.append(path)
            return {neutron.body_key("qos_policy"): {"id": "qos/1"}}

    fake_neutrons["pod0"] = Counting(set())
    _pods()
    _route("qos/1", "qos_policy", ["b1", "b2"])
    assert recycle.orphans("demo") == []  # central holds it: nothing is garbage
    assert asked == ["qos/policies/qos%2F1"]


def test_without_a_central_pod_routings_are_not_judged(db, region, caplog):
    existing, calls = region
    _pods(central=False)
    _route("net", "network", ["net"])
    existing.add(("networks", "net"))
    handlers.resource_recycle(JOB)
    assert calls == [] and existing == {("networks", "net")}
    assert "no central pod is registered" in caplog.text

