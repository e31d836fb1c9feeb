"""A volume transfer accepted under central quota is counted, not refused.

The accepting project gains one volume and its gigabytes: they are checked
against its limits, under its quota lease, before the accept reaches the
region, and an accept over quota is Cinder's 413. The transfer's size is read
with the service account (here the fake regions' admin token).
"""

import threading

import pytest

from tests.functional import test_gateway, test_gateway_volume, test_quota
from tricircle.gateway import transfers

# The fixtures: Cinder fakes that serve transfers, the app, Keystone's limits.
fakes, gw, keystone = test_gateway_volume.fakes, test_gateway.gw, test_quota.keystone
routings, cinder = test_gateway.routings, test_gateway.cinder
_transfer, make_volume = test_gateway_volume._transfer, test_gateway_volume.make_volume

SERVICE = ("tricircle:admin", "admin")  # the fakes read project "admin" as an admin


@pytest.fixture
def service_account(monkeypatch):
    monkeypatch.setattr(transfers, "service_credentials", lambda: SERVICE)


def _accept(client, transfer, url="volume-transfers"):
    return client.post(f"/volume/v3/other/{url}/{transfer['id']}/accept",
                       {"accept": {"auth_key": transfer["auth_key"]}})


def _accepts_sent(fakes) -> list[str]:
    return [r["path"] for f in fakes.values() for r in f.requests
            if r["path"].endswith("/accept")]


def _volume_owner(fakes, volume_id: str) -> str:
    return cinder(fakes, "RegionTwo").items["volumes"][volume_id]["tenant_id"]


@pytest.mark.parametrize("url", ["volume-transfers", "os-volume-transfer"])
def test_an_accept_within_the_limits_is_counted_and_forwarded(keystone, service_account,
                                                              gw, fakes, url):
    keystone.set_project("block-storage", "other", volumes=1, gigabytes=5)
    alice, bob = gw.as_user("alice", "demo"), gw.as_user("bob", "other")
    volume_id = make_volume(alice, "az2", size=5)
    accepted = _accept(bob, _transfer(alice, volume_id, url), url)
    assert accepted.status_int == 202, accepted.text
    assert _volume_owner(fakes, volume_id) == "other"
    assert routings(gw, "volume")[volume_id]["project_id"] == "other"
    read = [r for r in cinder(fakes, "RegionTwo").requests
            if r["headers"].get("x-auth-token") == SERVICE[0]]
    assert [r["path"].split("/")[4] for r in read] == ["os-volume-transfer", "volumes"]
    # Now Bob's one volume is used: a volume of his own is over his limit.
    refused = bob.post("/volume/v3/other/volumes", {"volume": {"size": 1,
                                                               "availability_zone": "az1"}})
    assert refused.status_int == 413, refused.text


def test_an_accept_over_the_volume_limit_is_cinders_413_and_not_sent(
        keystone, service_account, gw, fakes):
    keystone.set_project("block-storage", "other", volumes=1)
    alice, bob = gw.as_user("alice", "demo"), gw.as_user("bob", "other")
    first, second = make_volume(alice, "az2"), make_volume(alice, "az1")
    assert _accept(bob, _transfer(alice, first)).status_int == 202
    refused = _accept(bob, _transfer(alice, second))
    assert refused.status_int == 413, refused.text
    assert refused.json["overLimit"]["message"] == (
        "VolumeLimitExceeded: Maximum number of volumes allowed (1) exceeded for quota "
        "'volumes'.")
    assert refused.headers["Retry-After"] == "0"
    assert len(_accepts_sent(fakes)) == 1
    assert cinder(fakes, "RegionOne").items["volumes"][second]["tenant_id"] == "demo"


def test_an_accept_over_the_gigabytes_names_the_size(keystone, service_account, gw, fakes):
    keystone.set_project("block-storage", "other", gigabytes=4)
    alice, bob = gw.as_user("alice", "demo"), gw.as_user("bob", "other")
    volume_id = make_volume(alice, "az2", size=5)
    refused = _accept(bob, _transfer(alice, volume_id))
    assert refused.status_int == 413, refused.text
    assert "Requested 5G, quota is 4G and 0G has been consumed" in (
        refused.json["overLimit"]["message"])
    assert _accepts_sent(fakes) == [] and _volume_owner(fakes, volume_id) == "demo"


def test_parallel_accepts_never_exceed_the_limit(keystone, service_account, gw, fakes):
    keystone.set_project("block-storage", "other", volumes=1)
    alice, bob = gw.as_user("alice", "demo"), gw.as_user("bob", "other")
    offered = [_transfer(alice, make_volume(alice, "az2")) for _ in range(4)]
    answers: list = [None] * len(offered)
    start = threading.Barrier(len(offered))

    def accept(index: int) -> None:
        start.wait()
        answers[index] = _accept(bob, offered[index]).status_int

    threads = [threading.Thread(target=accept, args=(i,)) for i in range(len(offered))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(answers) == [202, 413, 413, 413], answers
    owners = [v["tenant_id"] for v in cinder(fakes, "RegionTwo").items["volumes"].values()]
    assert owners.count("other") == 1


def test_a_transfer_its_region_no_longer_has_is_404_before_any_accept(
        keystone, service_account, gw, fakes):
    alice, bob = gw.as_user("alice", "demo"), gw.as_user("bob", "other")
    transfer = _transfer(alice, make_volume(alice, "az2"))
    del cinder(fakes, "RegionTwo").items["transfers"][transfer["id"]]
    gone = _accept(bob, transfer)
    assert gone.status_int == 404, gone.text
    assert _accepts_sent(fakes) == []


def test_without_a_service_account_an_accept_is_refused_not_uncounted(keystone, gw, fakes,
                                                                       monkeypatch):
    monkeypatch.setattr(transfers, "service_credentials", lambda: None)
    alice, bob = gw.as_user("alice", "demo"), gw.as_user("bob", "other")
    refused = _accept(bob, _transfer(alice, make_volume(alice, "az2")))
    assert refused.status_int == 403
    assert "service account" in refused.json["forbidden"]["message"]
    assert _accepts_sent(fakes) == []
