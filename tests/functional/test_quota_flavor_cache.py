"""[gateway] limits_cache_seconds keeps the flavors a server create's quota check
read, as it keeps the limits: per region and project, for that long.

The fake Novas log every request, which is how a flavor read is seen.
"""

import pytest

from tests.functional import test_gateway, test_quota
from tests.unit.gateway import fakes as fake_regions
from tests.unit.gateway.fakes import Later
from tricircle.common import config
from tricircle.gateway import unified_limits

fakes, gw, keystone = test_gateway.fakes, test_gateway.gw, test_quota.keystone
boot, nova = test_gateway.boot, test_gateway.nova


class Clock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def later(monkeypatch):
    held = Later()
    monkeypatch.setattr(unified_limits.FLAVORS, "_submit", held)
    return held


@pytest.fixture
def clock(keystone, later, monkeypatch):
    config.CONF.set_override("limits_cache_seconds", 10, "gateway")
    ticking = Clock()
    monkeypatch.setattr(unified_limits.FLAVORS, "clock", ticking)
    return ticking


def _flavor_reads(fakes, region: str) -> int:
    return sum(1 for r in nova(fakes, region).requests
               if r["method"] == "GET" and "/flavors/" in r["path"])


def test_the_next_boot_of_the_project_reads_no_flavor(clock, gw, fakes):
    alice = gw.as_user("alice", "demo")
    assert [boot(alice, az="az1").status_int for _ in range(3)] == [202, 202, 202]
    assert _flavor_reads(fakes, "RegionOne") == 1
    assert boot(alice, az="az2").status_int == 202  # another region reads its own
    assert _flavor_reads(fakes, "RegionTwo") == 1


def test_each_project_reads_the_flavor_itself(clock, gw, fakes):
    # A private flavor's size is never told to a project by another's read.
    assert boot(gw.as_user("alice", "demo"), az="az1").status_int == 202
    assert boot(gw.as_user("bob", "other"), az="az1").status_int == 202
    assert _flavor_reads(fakes, "RegionOne") == 2


def test_a_flavor_made_again_larger_counts_once_the_bound_passed(clock, gw, fakes,
                                                                  monkeypatch):
    alice = gw.as_user("alice", "demo")
    servers = nova(fakes, "RegionOne").items["servers"]
    monkeypatch.setitem(fake_regions.FLAVORS, "3", (1, 512, 1))
    assert boot(alice, az="az1", flavorRef="3").status_int == 202
    servers.clear()  # deleted: the project uses nothing
    # Flavor 3 deleted and made again under its id with 32 vCPUs (the limit is 20).
    monkeypatch.setitem(fake_regions.FLAVORS, "3", (32, 512, 1))
    clock.now += 9
    # Within the bound the check still counts 1 vCPU: the staleness the option allows.
    assert boot(alice, az="az1", flavorRef="3").status_int == 202
    assert _flavor_reads(fakes, "RegionOne") == 1
    servers.clear()
    clock.now += 2
    refused = boot(alice, az="az1", flavorRef="3")
    assert refused.status_int == 403  # read again: 32 vCPUs do not fit in 20
    assert "cores" in refused.json["forbidden"]["message"]
    assert _flavor_reads(fakes, "RegionOne") == 2


def test_a_flavor_in_the_second_half_of_its_life_is_read_again_after_the_boot(
        clock, later, gw, fakes, monkeypatch):
    alice = gw.as_user("alice", "demo")
    monkeypatch.setitem(fake_regions.FLAVORS, "3", (1, 512, 1))
    assert boot(alice, az="az1", flavorRef="3").status_int == 202
    clock.now += 6
    assert boot(alice, az="az1", flavorRef="3").status_int == 202
    assert _flavor_reads(fakes, "RegionOne") == 1  # the boot did not wait for a read
    later.run()  # after the boot's answer, with the copy of its headers it kept
    assert _flavor_reads(fakes, "RegionOne") == 2
    clock.now += 9  # 15 s after the first read, 9 after the second
    assert boot(alice, az="az1", flavorRef="3").status_int == 202
    assert _flavor_reads(fakes, "RegionOne") == 2  # kept from the read in the background


def test_a_flavor_that_was_not_found_is_not_kept(clock, gw, fakes):
    alice = gw.as_user("alice", "demo")
    assert boot(alice, az="az1", flavorRef="9").status_int == 400
    assert boot(alice, az="az1", flavorRef="9").status_int == 400
    assert _flavor_reads(fakes, "RegionOne") == 2


def test_without_the_limits_cache_every_boot_reads_its_flavor(keystone, gw, fakes):
    alice = gw.as_user("alice", "demo")
    assert [boot(alice, az="az1").status_int for _ in range(2)] == [202, 202]
    assert _flavor_reads(fakes, "RegionOne") == 2
