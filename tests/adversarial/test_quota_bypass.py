"""Central quota cannot be bypassed: by racing, by another create path, by a huge
max_count or by a flavor link.

The in-process app on every database, fake Nova and Cinder regions, Keystone's
limits faked (FakeLimits counts its calls); see tests/functional/test_quota.py
for the fixtures.
"""

import threading

from tests.adversarial.conftest import expect_refused
from tests.functional.test_gateway import boot, cinder, nova, routings
from tests.functional.test_quota import volume
from tricircle.common import config
from tricircle.objects import quota_lock

SERVERS = "/compute/v2.1/servers"


def _all_servers(fakes) -> int:
    return sum(len(nova(fakes, region).items["servers"]) for region in ("RegionOne",
                                                                         "RegionTwo"))


def _in_parallel(count: int, action) -> list:
    """``action(i)`` in ``count`` threads started together; their answers."""
    answers: list = [None] * count
    start = threading.Barrier(count)

    def run(index: int) -> None:
        start.wait()
        answers[index] = action(index)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return answers


# -- races ---------------------------------------------------------------------------

def test_parallel_boots_never_exceed_the_limit(keystone, gw, fakes):
    keystone.set_project("compute", "demo", servers=2)
    alice = gw.as_user("alice", "demo")
    answers = _in_parallel(8, lambda i: boot(alice, name=f"vm{i}",
                                             az=("az1", "az2")[i % 2]))
    statuses = sorted(answer.status_int for answer in answers)
    assert statuses == [202, 202] + [403] * 6, statuses
    assert _all_servers(fakes) == 2
    for answer in answers:
        if answer.status_int == 403:
            expect_refused(answer, "a boot racing others past the limit")


def test_parallel_volume_creates_never_exceed_the_limit(keystone, gw, fakes):
    keystone.set_project("block-storage", "demo", volumes=2)
    alice = gw.as_user("alice", "demo")
    answers = _in_parallel(6, lambda i: volume(alice, az=("az1", "az2")[i % 2]))
    assert sorted(a.status_int for a in answers) == [202, 202] + [413] * 4
    made = sum(len(cinder(fakes, r).items["volumes"]) for r in ("RegionOne", "RegionTwo"))
    assert made == 2


def test_a_lease_left_by_a_dead_process_expires(keystone, gw, fakes):
    # A process died holding demo's lease for a short time: the next boot waits it out.
    assert quota_lock.try_take("demo", "compute", "dead-process", 0.3)
    assert boot(gw.as_user("alice", "demo"), az="az1").status_int == 202


def test_a_lease_held_too_long_is_503_not_a_create_past_the_check(keystone, gw, fakes):
    config.CONF.set_override("quota_lease_wait", 0.2, "gateway")
    assert quota_lock.try_take("demo", "compute", "slow-process", 60)
    refused = boot(gw.as_user("alice", "demo"), az="az1")
    assert refused.status_int == 503
    assert "try again later" in refused.json["computeFault"]["message"]
    assert _all_servers(fakes) == 0
    # Another project has its own lease.
    assert boot(gw.as_user("bob", "other"), az="az1").status_int == 202


# -- other create paths ----------------------------------------------------------------

def test_os_volumes_boot_is_placed_checked_and_recorded_as_servers(keystone, gw, pods,
                                                                   fakes):
    keystone.set_project("compute", "demo", servers=1)
    alice = gw.as_user("alice", "demo")
    made = alice.post("/compute/v2.1/os-volumes_boot", {"server": {
        "name": "bfv", "flavorRef": "1", "availability_zone": "az2"}})
    assert made.status_int == 202, made.text
    server_id = made.json["server"]["id"]
    assert server_id in nova(fakes, "RegionTwo").items["servers"]
    assert routings(gw, "server")[server_id]["pod_id"] == pods["RegionTwo"]["pod_id"]
    assert alice.get(f"/compute/v2.1/os-volumes_boot/{server_id}").status_int == 200
    for path in ("/compute/v2.1/os-volumes_boot", "/compute/v2.1/demo/os-volumes_boot",
                 SERVERS):
        refused = alice.post(path, {"server": {"name": "more", "flavorRef": "1",
                                               "availability_zone": "az1"}})
        expect_refused(refused, f"a boot over the limit through {path}")
        assert refused.status_int == 403
    assert _all_servers(fakes) == 1


def test_backup_restore_to_a_new_volume_counts(keystone, gw, pods, fakes):
    keystone.set_project("block-storage", "demo", volumes=1, gigabytes=10)
    alice = gw.as_user("alice", "demo")
    source = volume(alice, az="az2", size=4).json["volume"]["id"]
    backup = alice.post("/volume/v3/demo/backups", {"backup": {
        "name": "b", "volume_id": source}}).json["backup"]["id"]
    restore = f"/volume/v3/demo/backups/{backup}/restore"
    refused = alice.post(restore, {"restore": {"name": "copy"}})
    expect_refused(refused, "a backup restored into a volume over the volumes limit")
    assert refused.status_int == 413
    assert "VolumeLimitExceeded" in refused.json["overLimit"]["message"]
    keystone.set_project("block-storage", "demo", volumes=5, gigabytes=7)
    too_big = alice.post(restore, {"restore": {}})
    expect_refused(too_big, "a backup restored into a volume over the gigabytes limit")
    assert "Requested 4G, quota is 7G and 4G" in too_big.json["overLimit"]["message"]
    assert len(cinder(fakes, "RegionTwo").items["volumes"]) == 1
    keystone.set_project("block-storage", "demo", gigabytes=8)
    restored = alice.post(restore, {"restore": {"name": "copy"}})
    assert restored.status_int == 202, restored.text
    new_id = restored.json["restore"]["volume_id"]
    assert new_id in cinder(fakes, "RegionTwo").items["volumes"]
    assert routings(gw, "volume")[new_id]["pod_id"] == pods["RegionTwo"]["pod_id"]
    # Restoring over an existing volume makes none: not counted, forwarded as before.
    keystone.set_project("block-storage", "demo", volumes=0)
    over_existing = alice.post(restore, {"restore": {"volume_id": new_id}})
    assert over_existing.status_int == 202


def test_volume_transfer_accept_cannot_pass_the_quota(keystone, gw, fakes):
    """Accepts of transfers the gateway cannot count never reach a region; the
    counted accept is in tests/functional/test_quota_transfers.py."""
    bob = gw.as_user("bob", "other")
    for path in ("os-volume-transfer", "volume-transfers"):
        for transfer_id in ("t1", "00000000-0000-4000-8000-000000000001"):
            refused = bob.post(f"/volume/v3/other/{path}/{transfer_id}/accept",
                               {"accept": {"auth_key": "k"}})
            expect_refused(refused, f"a transfer accepted through {path}")
    sent = [r["path"] for f in fakes.values() for r in f.requests]
    assert not [path for path in sent if path.endswith("/accept")]


# -- max_count ----------------------------------------------------------------------------

def test_a_huge_max_count_is_answered_with_a_bounded_number_of_keystone_calls(
        keystone, gw, fakes):
    keystone.set_project("compute", "demo", servers=3)
    alice = gw.as_user("alice", "demo")
    before = keystone.calls
    assert boot(alice, az="az1").status_int == 202
    one_boot = keystone.calls - before
    keystone.budget = keystone.calls + 2 * one_boot  # a loop would run far past this
    before = keystone.calls
    fitted = boot(alice, az="az1", min_count=1, max_count=10**9)
    assert fitted.status_int == 202, fitted.text
    assert keystone.calls - before <= one_boot
    sent = [r for r in nova(fakes, "RegionOne").requests if r["method"] == "POST"][-1]
    assert b'"max_count": 2' in sent["body"]  # 1 used, 2 more fit
    before = keystone.calls
    refused = boot(alice, az="az2", min_count=10**9, max_count=10**9)
    expect_refused(refused, "max_count=min_count=10**9")
    assert refused.status_int == 403
    # Cores and RAM of 10**9 servers are over too: Nova names every resource.
    message = refused.json["forbidden"]["message"]
    assert message.startswith("Quota exceeded for cores, instances, ram: Requested "
                              "1000000000, 1000000000, 512000000000, but already used ")
    assert keystone.calls - before <= one_boot


def test_bad_counts_are_400(keystone, gw, fakes):
    alice = gw.as_user("alice", "demo")
    for extra in ({"max_count": 0}, {"max_count": -5}, {"min_count": "x"},
                  {"max_count": True}, {"min_count": 3, "max_count": 2},
                  {"max_count": [1]}):
        refused = boot(alice, az="az1", **extra)
        expect_refused(refused, f"counts {extra}")
        assert refused.status_int == 400
    assert _all_servers(fakes) == 0


# -- the flavor -----------------------------------------------------------------------------

def test_flavor_links_count_the_flavor_nova_boots(keystone, gw, fakes):
    keystone.set_project("compute", "demo", class__VCPU=1)  # flavor 2 has 2 cores
    alice = gw.as_user("alice", "demo")
    for ref in ("2", 2, "http://x/flavors/2", "http://x/flavors/2?q=/z",
                "http://x/flavors/2#/z", "/v2.1/flavors/2?", "flavors/2"):
        refused = boot(alice, az="az1", flavorRef=ref)
        expect_refused(refused, f"flavorRef {ref!r} over the cores limit")
        assert refused.status_int == 403, (ref, refused.text)
        assert "cores" in refused.json["forbidden"]["message"]
    assert _all_servers(fakes) == 0
    assert boot(alice, az="az1", flavorRef="http://x/flavors/1?q=/2").status_int == 202


def test_an_unknown_flavor_fails_closed(keystone, gw, fakes):
    alice = gw.as_user("alice", "demo")
    for ref in ("999", "http://x/flavors/2/", "http://x/flavors/..", "", None, {"id": 2},
                "%2e%2e", "2%3F"):
        refused = boot(alice, az="az1", flavorRef=ref)
        expect_refused(refused, f"flavorRef {ref!r}")
        assert refused.status_int == 400, (ref, refused.text)
    assert _all_servers(fakes) == 0
