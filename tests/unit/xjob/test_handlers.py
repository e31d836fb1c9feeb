"""port_delete and resource_recycle: idempotent, driven by the routing rows."""

import pytest
import sqlalchemy as sa

from tricircle.db import api as db_api
from tricircle.db import models
from tricircle.xjob import handlers, regions
from tricircle.xjob.registry import Job


@pytest.fixture
def region(monkeypatch):
    """The regions as a dict of (collection, bottom id) -> still there."""
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
def _recycle(session, top_id, kind, bottoms):
    session.merge(models.Pod(pod_id="pod1", region_name="RegionOne"))
    session.merge(models.Pod(pod_id="pod2", region_name="RegionTwo"))
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
