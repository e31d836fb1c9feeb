"""port_delete and resource_recycle: idempotent, driven by the routing rows."""

import pytest
import sqlalchemy as sa

from tricircle.db import api as db_api
from tricircle.db import models
from tricircle.xjob import handlers, regions
from tricircle.xjob.registry import Job


@pytest.fixture
def central(monkeypatch):
    """Central Neutron as the set of (collection, id) it still holds."""
    held = set()

    def call(pod_id, method, path, body=None):
        assert (pod_id, method) == ("pod0", "GET"), "only central is asked, only GETs"
        collection, id_ = path.rsplit("/", 1)
        return {"found": id_} if (collection, id_) in held else None

    monkeypatch.setattr(regions, "call", call)
    return held


@pytest.fixture
def region(monkeypatch, central):
    """The regions as a set of (collection, bottom id) still there."""
    existing, calls = set(), []

    def delete(pod_id, collection, resource_id):
        calls.append((pod_id, collection, resource_id))
        if (collection, resource_id) == ("routers", "stuck"):
            raise regions.RegionError("HTTP 409 router has interfaces")
        if (collection, resource_id) not in existing:
            return False
        existing.remove((collection, resource_id))
        return True

    monkeypatch.setattr(regions, "delete", delete)
    return existing, calls


def test_port_delete_counts_a_missing_port_as_done(region):
    existing, calls = region
    existing.add(("ports", "p1"))
    job = Job("j", "port_delete", "demo", {"pod_id": "pod", "port_id": "p1"})
    handlers.port_delete(job)
    handlers.port_delete(job)  # again, as after a crash: nothing left to do, no error
    assert calls == [("pod", "ports", "p1")] * 2 and not existing


@db_api.writer
def _pods(session, central=True):
    if central:
        session.merge(models.Pod(pod_id="pod0", region_name="CentralRegion", az_name=""))
    session.merge(models.Pod(pod_id="pod1", region_name="RegionOne", az_name="az1"))
    session.merge(models.Pod(pod_id="pod2", region_name="RegionTwo", az_name="az2"))


@db_api.writer
def _recycle(session, top_id, kind, bottoms, listed=True):
    """Routings of ``top_id`` to ``bottoms`` (pod1, pod2); ``listed``: in recycle_resources."""
    if listed:
        session.add(models.RecycleResource(resource_id=top_id, resource_type=kind,
                                           project_id="demo"))
    for pod_id, bottom in zip(("pod1", "pod2"), bottoms, strict=False):
        session.add(models.ResourceRouting(top_id=top_id, bottom_id=bottom, pod_id=pod_id,
                                           project_id="demo", resource_type=kind))


@db_api.reader
def _left(session, model):
    return session.scalar(sa.select(sa.func.count()).select_from(model))


def test_recycle_deletes_ports_before_networks_and_keeps_what_failed(db, region):
    existing, calls = region
    _pods()
    _recycle("net", "network", ["b-net"])
    _recycle("router", "router", ["stuck"])
    _recycle("port", "port", ["b-port", None])
    existing |= {("networks", "b-net"), ("ports", "b-port")}
    job = Job("j", "resource_recycle", "demo", {"project_id": "demo"})

    with pytest.raises(regions.RegionError, match="router router: HTTP 409"):
        handlers.resource_recycle(job)
    assert [c[1] for c in calls] == ["ports", "routers", "networks"]
    assert not existing
    assert _left(models.RecycleResource) == 1 and _left(models.ResourceRouting) == 1

    existing.add(("routers", "ok"))
    with pytest.raises(regions.RegionError):
        handlers.resource_recycle(job)  # the router still refuses: still there
    assert _left(models.RecycleResource) == 1


def test_recycle_deletes_copies_whose_central_object_is_gone(db, region, central):
    """What a failed central delete leaves: routings only, no recycle_resources row."""
    existing, calls = region
    _pods()
    _recycle("gone-net", "network", ["gone-net", "gone-net"], listed=False)
    _recycle("live-net", "network", ["live-net"], listed=False)
    _recycle("gone-port", "port", [None, "gone-port"], listed=False)
    central.add(("networks", "live-net"))
    existing |= {("networks", "gone-net"), ("networks", "live-net"), ("ports", "gone-port")}
    job = Job("j", "resource_recycle", "demo", {"project_id": "demo"})

    handlers.resource_recycle(job)
    assert calls == [("pod2", "ports", "gone-port"), ("pod1", "networks", "gone-net"),
                     ("pod2", "networks", "gone-net")]
    assert existing == {("networks", "live-net")}
    assert _left(models.ResourceRouting) == 1  # the live network's copy keeps its routing

    handlers.resource_recycle(job)  # again, as after a crash: nothing more is deleted
    assert len(calls) == 3


def test_without_a_central_pod_routings_are_not_judged(db, region, caplog):
    existing, calls = region
    _pods(central=False)
    _recycle("net", "network", ["net"], listed=False)
    existing.add(("networks", "net"))
    handlers.resource_recycle(Job("j", "resource_recycle", "demo", {"project_id": "demo"}))
    assert calls == [] and existing == {("networks", "net")}
    assert "no central pod is registered" in caplog.text
