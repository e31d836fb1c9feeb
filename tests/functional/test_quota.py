"""Central quota in the gateway and /v1.0/usages, against the fake regions.

Keystone's unified limits are the only fake here besides the regions
(tests/unit/gateway/fakes.py FakeLimits, plugged in as oslo.limit's
connection); oslo.limit itself and the usage count over HTTP are real.
"""

import pytest
from oslo_limit import limit

from tests.functional import test_gateway as base
from tests.unit.gateway.fakes import FakeLimits
from tricircle.common import config
from tricircle.gateway import unified_limits
from tricircle.objects import quota_lock

# The gateway fixtures: fake Nova and Cinder of RegionOne (az1) and RegionTwo (az2).
fakes = base.fakes
gw = base.gw
boot, nova, cinder = base.boot, base.nova, base.cinder


@pytest.fixture
def keystone(gw, monkeypatch):
    """Central quota on, Keystone's limits faked: generous defaults to tighten."""
    limits = FakeLimits()
    limits.register("compute", servers=10, class__VCPU=20, class__MEMORY_MB=51200)
    limits.register("block-storage", volumes=10, gigabytes=1000, snapshots=10)
    monkeypatch.setattr(limit, "_SDK_CONNECTION", limits)
    config.CONF.set_override("central_quota", True, "gateway")
    unified_limits.reset()
    yield limits
    unified_limits.reset()


def volume(client, az=None, size=1, **extra):
    body = {"name": "v", "size": size, **extra}
    if az:
        body["availability_zone"] = az
    return client.post("/volume/v3/demo/volumes", {"volume": body})


# -- off by default ---------------------------------------------------------------

def test_off_by_default_nothing_asks_keystone(gw, fakes, monkeypatch):
    limits = FakeLimits()
    monkeypatch.setattr(limit, "_SDK_CONNECTION", limits)
    alice = gw.as_user("alice", "demo")
    assert boot(alice, az="az1").status_int == 202
    shown = alice.get("/compute/v2.1/limits").json["limits"]["absolute"]
    assert shown["maxTotalInstances"] == 20  # the regions' own quotas (10 each), summed
    assert limits.calls == 0


def test_resources_without_any_limit_are_left_to_the_regions(gw, fakes, monkeypatch):
    limits = FakeLimits()
    limits.register("compute", servers=1)  # cores and RAM have no limit at all
    monkeypatch.setattr(limit, "_SDK_CONNECTION", limits)
    config.CONF.set_override("central_quota", True, "gateway")
    unified_limits.reset()
    alice = gw.as_user("alice", "demo")
    try:
        assert boot(alice, az="az1", flavorRef="2").status_int == 202
        assert boot(alice, az="az2").status_int == 403
        absolute = alice.get("/compute/v2.1/limits").json["limits"]["absolute"]
        assert absolute["maxTotalInstances"] == 1 and absolute["maxTotalCores"] == -1
        assert absolute["totalCoresUsed"] == 2
        assert volume(alice, az="az1").status_int == 202  # no volume limit at all
    finally:
        unified_limits.reset()


# -- servers ------------------------------------------------------------------------

def test_second_server_in_another_region_is_over_quota(keystone, gw, fakes):
    keystone.set_project("compute", "demo", servers=1)
    alice = gw.as_user("alice", "demo")
    assert boot(alice, az="az1").status_int == 202
    refused = boot(alice, az="az2")
    assert refused.status_int == 403
    assert refused.json == {"forbidden": {"code": 403, "message": (
        "Quota exceeded for instances: Requested 1, but already used 1 of 1 instances")}}
    assert not nova(fakes, "RegionTwo").items["servers"]
    # Another project has its own count and the registered default.
    assert boot(gw.as_user("bob", "other"), az="az2").status_int == 202


def test_cores_and_ram_come_from_the_flavor(keystone, gw, fakes):
    keystone.set_project("compute", "demo", class__VCPU=2, class__MEMORY_MB=4096)
    alice = gw.as_user("alice", "demo")
    assert boot(alice, az="az1", flavorRef="2").status_int == 202  # 2 cores, 2048 MiB
    refused = boot(alice, az="az2", flavorRef="1")
    assert refused.status_int == 403
    assert refused.json["forbidden"]["message"] == (
        "Quota exceeded for cores: Requested 1, but already used 2 of 2 cores")


def test_servers_created_directly_in_a_region_count(keystone, gw, fakes):
    keystone.set_project("compute", "demo", servers=2)
    nova(fakes, "RegionTwo").add("servers", "demo", flavorRef="1")
    alice = gw.as_user("alice", "demo")
    assert boot(alice, az="az1").status_int == 202
    assert boot(alice, az="az1").status_int == 403


def test_max_count_is_lowered_to_what_fits(keystone, gw, fakes):
    keystone.set_project("compute", "demo", servers=3)
    alice = gw.as_user("alice", "demo")
    assert boot(alice, az="az1").status_int == 202
    assert boot(alice, az="az1", min_count=1, max_count=5).status_int == 202
    sent = [r for r in nova(fakes, "RegionOne").requests if r["method"] == "POST"][-1]
    assert b'"max_count": 2' in sent["body"]
    refused = boot(alice, az="az2", min_count=2, max_count=4)
    assert refused.status_int == 403
    # The fake region made one server of that request: 2 are used.
    assert "Requested 4, but already used 2 of 3 instances" in refused.json["forbidden"][
        "message"]


def test_down_region_is_counted_from_the_routing_table(keystone, gw, fakes):
    keystone.set_project("compute", "demo", servers=1)
    alice = gw.as_user("alice", "demo")
    assert boot(alice, az="az2").status_int == 202
    nova(fakes, "RegionTwo").stop()
    refused = boot(alice, az="az1")
    assert refused.status_int == 403, refused.text
    assert not nova(fakes, "RegionOne").items["servers"]


def test_keystone_down_refuses_creates_with_503(keystone, gw, fakes):
    keystone.down = True
    refused = boot(gw.as_user("alice", "demo"), az="az1")
    assert refused.status_int == 503
    assert "central quota" in refused.json["computeFault"]["message"]
    assert not nova(fakes, "RegionOne").items["servers"]


def test_a_create_whose_lease_another_create_holds_reaches_no_region(keystone, gw, fakes):
    # The lease's take runs beside the placement: the create still waits for it
    # before anything is checked or sent.
    config.CONF.set_override("quota_lease_wait", 0.3, "gateway")
    other = quota_lock.take("demo", "compute", 60, 0)
    try:
        refused = boot(gw.as_user("alice", "demo"), az="az1")
    finally:
        quota_lock.give_back("demo", "compute", other.holder)
    assert refused.status_int == 503
    assert refused.headers["Retry-After"] == "5"
    assert "being checked against the central quota" in refused.json["computeFault"][
        "message"]
    assert [r for fake in fakes.values() for r in fake.requests if r["method"] == "POST"] == []


@pytest.mark.parametrize("create", [
    lambda alice: boot(alice, az="nowhere"),
    lambda alice: volume(alice, az="nowhere"),
], ids=["server", "volume"])
def test_a_create_its_placement_refuses_gives_its_lease_back(keystone, gw, fakes, create):
    # Refused while the lease's take still ran: the lease goes back once taken,
    # so the project's next create is not kept waiting for quota_lease_seconds.
    config.CONF.set_override("quota_lease_wait", 5, "gateway")
    alice = gw.as_user("alice", "demo")
    assert create(alice).status_int == 400
    assert boot(alice, az="az1").status_int == 202
    assert volume(alice, az="az1").status_int == 202


# -- volumes and snapshots ------------------------------------------------------------

def test_volumes_gigabytes_and_snapshots(keystone, gw, fakes):
    keystone.set_project("block-storage", "demo", volumes=1, gigabytes=5, snapshots=0)
    alice = gw.as_user("alice", "demo")
    first = volume(alice, az="az1", size=3)
    assert first.status_int == 202, first.text
    refused = volume(alice, az="az2")
    assert refused.status_int == 413
    assert refused.headers["Retry-After"] == "0"
    assert refused.json == {"overLimit": {
        "code": 413, "retryAfter": "0",
        "message": "VolumeLimitExceeded: Maximum number of volumes allowed (1) exceeded "
                   "for quota 'volumes'."}}
    keystone.set_project("block-storage", "demo", volumes=5)
    too_big = volume(alice, az="az2", size=3)
    assert too_big.json["overLimit"]["message"] == (
        "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed "
        "gigabytes quota. Requested 3G, quota is 5G and 3G has been consumed.")
    keystone.set_project("block-storage", "demo", gigabytes=100)
    snap = alice.post("/volume/v3/demo/snapshots", {"snapshot": {
        "name": "s", "volume_id": first.json["volume"]["id"]}})
    assert snap.status_int == 413
    assert snap.json["overLimit"]["message"] == (
        "SnapshotLimitExceeded: Maximum number of snapshots allowed (0) exceeded")
    assert not cinder(fakes, "RegionTwo").items["volumes"]


def test_volume_limits_fall_back_to_the_volumev3_service(gw, fakes, monkeypatch):
    limits = FakeLimits(service_types=("compute", "volumev3"))
    limits.register("volumev3", volumes=0, gigabytes=10, snapshots=10)
    monkeypatch.setattr(limit, "_SDK_CONNECTION", limits)
    config.CONF.set_override("central_quota", True, "gateway")
    unified_limits.reset()
    try:
        assert volume(gw.as_user("alice", "demo"), az="az1").status_int == 413
    finally:
        unified_limits.reset()


# -- reporting ---------------------------------------------------------------------------

def test_limits_and_quota_sets_show_central_numbers(keystone, gw, fakes):
    keystone.set_project("compute", "demo", servers=4)
    alice = gw.as_user("alice", "demo")
    boot(alice, az="az1", flavorRef="2")
    nova(fakes, "RegionTwo").add("servers", "demo", flavorRef="1")
    absolute = alice.get("/compute/v2.1/limits").json["limits"]["absolute"]
    assert (absolute["maxTotalInstances"], absolute["totalInstancesUsed"]) == (4, 2)
    assert (absolute["maxTotalCores"], absolute["totalCoresUsed"]) == (20, 3)
    assert (absolute["maxTotalRAMSize"], absolute["totalRAMUsed"]) == (51200, 2560)
    assert absolute["maxServerMeta"] == 128  # the rest is the default region's
    # An admin may ask for another project, as in Nova.
    other = gw.get("/compute/v2.1/limits?tenant_id=demo").json["limits"]["absolute"]
    assert other["totalInstancesUsed"] == 2
    quota_set = alice.get("/compute/v2.1/os-quota-sets/demo").json["quota_set"]
    assert (quota_set["instances"], quota_set["cores"], quota_set["ram"]) == (4, 20, 51200)
    detail = alice.get("/compute/v2.1/os-quota-sets/demo/detail").json["quota_set"]
    assert detail["instances"] == {"limit": 4, "in_use": 2, "reserved": 0}
    volume(alice, az="az2", size=7)
    cinder_limits = alice.get("/volume/v3/demo/limits").json["limits"]["absolute"]
    assert (cinder_limits["maxTotalVolumeGigabytes"],
            cinder_limits["totalGigabytesUsed"]) == (1000, 7)


# -- /v1.0/usages -----------------------------------------------------------------------

def test_usages_per_region_and_total(gw, fakes):
    alice = gw.as_user("alice", "demo")
    boot(alice, az="az1", flavorRef="2")
    boot(alice, az="az2", flavorRef="1")
    volume(alice, az="az2", size=4)
    nova(fakes, "RegionTwo").add("servers", "someone-else", flavorRef="2")
    for client in (gw, alice):  # the admin, and the project itself
        resp = client.get("/v1.0/usages/demo")
        assert resp.status_int == 200, resp.text
        assert resp.json["usage"] == {
            "project_id": "demo",
            "regions": {
                "RegionOne": {"servers": 1, "cores": 2, "ram": 2048, "volumes": 0,
                              "gigabytes": 0, "snapshots": 0},
                "RegionTwo": {"servers": 1, "cores": 1, "ram": 512, "volumes": 1,
                              "gigabytes": 4, "snapshots": 0}},
            "total": {"servers": 2, "cores": 3, "ram": 2560, "volumes": 1, "gigabytes": 4,
                      "snapshots": 0},
            "unreachable": []}


def test_usages_of_another_project_is_403_and_bad_query_400(gw):
    refused = gw.as_user("bob", "other").get("/v1.0/usages/demo")
    assert refused.status_int == 403
    assert gw.get("/v1.0/usages/demo?limit=1").status_int == 400


def test_usages_with_a_region_down_names_it(gw, fakes):
    boot(gw.as_user("alice", "demo"), az="az1")
    nova(fakes, "RegionTwo").stop()
    cinder(fakes, "RegionTwo").stop()
    resp = gw.get("/v1.0/usages/demo")
    assert resp.status_int == 200
    usage = resp.json["usage"]
    assert usage["unreachable"] == ["RegionTwo"]
    assert list(usage["regions"]) == ["RegionOne"]
    assert usage["total"]["servers"] == 1
