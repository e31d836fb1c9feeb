"""[gateway] usage_cache_seconds: a project's next create starts from the usage its
previous create left, never missing a create made through the gateway.

The fakes count every /limits call, which is how a region is asked for usage.
"""

import threading
import time

import pytest
import sqlalchemy as sa

from tests.functional import test_gateway, test_quota
from tricircle.common import config
from tricircle.db import api as db_api
from tricircle.db import models
from tricircle.gateway import quota_lease
from tricircle.objects import quota_lock

fakes, gw, keystone = test_gateway.fakes, test_gateway.gw, test_quota.keystone
boot, nova = test_gateway.boot, test_gateway.nova


@pytest.fixture
def cached(keystone):
    config.CONF.set_override("usage_cache_seconds", 60, "gateway")
    return keystone


@db_api.reader
def _lease_free(session) -> bool:
    return not session.scalar(sa.select(sa.func.count()).select_from(models.QuotaLock)
                              .where(models.QuotaLock.holder.is_not(None)))


def _booted(client, az: str) -> int:
    """A boot's status, once its lease is given back (the region counted it)."""
    status = boot(client, az=az).status_int
    deadline = time.monotonic() + 10
    while not _lease_free() and time.monotonic() < deadline:
        time.sleep(0.02)
    return status


def _usage_asks(fakes, region: str) -> int:
    return sum(1 for r in nova(fakes, region).requests if r["path"].endswith("/limits"))


def test_the_next_create_asks_no_region_but_the_one_it_settles_in(cached, gw, fakes):
    alice = gw.as_user("alice", "demo")
    assert _booted(alice, "az1") == 202
    first = _usage_asks(fakes, "RegionOne"), _usage_asks(fakes, "RegionTwo")
    assert _booted(alice, "az2") == 202
    # RegionOne is not asked again; RegionTwo only by the settle of its new server.
    assert _usage_asks(fakes, "RegionOne") == first[0]
    assert _usage_asks(fakes, "RegionTwo") == first[1] + 1


def test_the_limit_holds_from_the_cached_usage(cached, gw, fakes):
    cached.set_project("compute", "demo", servers=2)
    alice = gw.as_user("alice", "demo")
    assert [_booted(alice, az) for az in ("az1", "az2", "az1", "az2")] == [
        202, 202, 403, 403]
    assert len(nova(fakes, "RegionOne").items["servers"]) + len(
        nova(fakes, "RegionTwo").items["servers"]) == 2


def test_a_create_of_another_process_in_between_makes_the_next_one_count(cached, gw,
                                                                          fakes):
    cached.set_project("compute", "demo", servers=2)
    alice = gw.as_user("alice", "demo")
    assert _booted(alice, "az1") == 202
    # Another tricircle-api process creates a server in RegionTwo under the lease.
    lease = quota_lock.try_take("demo", "compute", "other-process", 60)
    nova(fakes, "RegionTwo").add("servers", "demo", flavorRef="1")
    quota_lock.give_back("demo", "compute", lease.holder)
    asked = _usage_asks(fakes, "RegionOne")
    assert _booted(alice, "az1") == 403  # counted live: the other server is seen
    assert _usage_asks(fakes, "RegionOne") > asked


def test_a_server_made_in_a_region_directly_is_seen_once_the_count_is_old(cached, gw,
                                                                          fakes):
    config.CONF.set_override("usage_cache_seconds", 1, "gateway")
    cached.set_project("compute", "demo", servers=2)
    alice = gw.as_user("alice", "demo")
    assert _booted(alice, "az1") == 202
    nova(fakes, "RegionTwo").add("servers", "demo", flavorRef="1")  # behind the gateway
    time.sleep(1.1)  # the documented bound: older counts are not used
    assert _booted(alice, "az1") == 403


def test_parallel_boots_with_the_cache_never_exceed_the_limit(cached, gw, fakes):
    cached.set_project("compute", "demo", servers=3)
    alice = gw.as_user("alice", "demo")
    assert _booted(alice, "az1") == 202  # a cached usage to start from
    answers: list = [None] * 6
    start = threading.Barrier(len(answers))

    def run(index: int) -> None:
        start.wait()
        answers[index] = boot(alice, name=f"vm{index}", az=("az1", "az2")[index % 2]
                              ).status_int

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(answers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(answers) == [202, 202] + [403] * 4, answers
    assert len(nova(fakes, "RegionOne").items["servers"]) + len(
        nova(fakes, "RegionTwo").items["servers"]) == 3


def test_the_usage_is_left_on_the_lease_for_every_process(cached, gw, fakes):
    alice = gw.as_user("alice", "demo")
    assert _booted(alice, "az1") == 202
    # What another tricircle-api process finds when it takes the project's lease.
    lease = quota_lock.try_take("demo", "compute", "other-process", 60)
    left = quota_lease.CachedUsage.from_text(lease.usage)
    quota_lock.give_back("demo", "compute", lease.holder)
    assert left is not None and left.generation + 1 == lease.generation
    assert left.regions["RegionOne"]["servers"] == 1
    assert left.regions["RegionTwo"]["servers"] == 0


def test_refused_creates_leave_the_count_and_the_limit_holds(cached, gw, fakes):
    cached.set_project("compute", "demo", servers=2)
    alice = gw.as_user("alice", "demo")
    assert _booted(alice, "az1") == 202
    asked = _usage_asks(fakes, "RegionOne"), _usage_asks(fakes, "RegionTwo")
    nameless = {"server": {"flavorRef": "1"}}  # the region's 400: nothing made
    assert [alice.post("/compute/v2.1/servers", nameless).status_int
            for _ in range(2)] == [400, 400]
    assert _booted(alice, "az2") == 202
    assert _booted(alice, "az2") == 403  # the gateway's refusal: nothing sent
    assert _booted(alice, "az1") == 403
    # Only the settle of the server made in RegionTwo asked a region.
    assert (_usage_asks(fakes, "RegionOne"), _usage_asks(fakes, "RegionTwo")) == (
        asked[0], asked[1] + 1)
    assert len(nova(fakes, "RegionOne").items["servers"]) + len(
        nova(fakes, "RegionTwo").items["servers"]) == 2
