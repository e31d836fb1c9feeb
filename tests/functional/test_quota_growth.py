"""Central quota of what grows in place: a server resize and a volume extend
(tricircle.gateway.quota_growth), against the fake regions.

The fake Nova resizes at once (its usage counts the new flavor as soon as it
answers) and the fake Cinder extends at once, so what the regions count after
an action that was let through is what a user would see once it finished.
"""

from oslo_limit import limit

from tests.functional import test_gateway, test_quota
from tests.unit.gateway.fakes import FakeLimits

fakes, gw, keystone = test_gateway.fakes, test_gateway.gw, test_quota.keystone
boot, nova, cinder = test_gateway.boot, test_gateway.nova, test_gateway.cinder
volume = test_quota.volume


def _server(client, az: str, flavor: str) -> str:
    created = boot(client, az=az, flavorRef=flavor)
    assert created.status_int == 202
    return created.json["server"]["id"]


def _resize(client, server_id: str, flavor: str):
    return client.post(f"/compute/v2.1/servers/{server_id}/action",
                       {"resize": {"flavorRef": flavor}})


def _extend(client, volume_id: str, new_size):
    return client.post(f"/volume/v3/demo/volumes/{volume_id}/action",
                       {"os-extend": {"new_size": new_size}})


def _actions(fakes, kind: str, region: str, collection: str, item_id: str) -> list:
    return fakes[(kind, region)].items[collection][item_id].get("actions", [])


# -- resize ------------------------------------------------------------------------

def test_a_resize_over_the_central_cores_is_refused_as_nova_words_it(keystone, gw, fakes):
    keystone.set_project("compute", "demo", class__VCPU=2)
    alice = gw.as_user("alice", "demo")
    first = _server(alice, "az1", "1")  # 1 core in each region: 2 of 2 used
    _server(alice, "az2", "1")
    refused = _resize(alice, first, "2")  # 2 cores: 1 more than it has
    assert refused.status_int == 403
    assert refused.json["forbidden"]["message"] == (
        "Quota exceeded for cores: Requested 1, but already used 2 of 2 cores")
    assert _actions(fakes, "compute", "RegionOne", "servers", first) == []


def test_a_resize_that_fits_reaches_the_servers_region(keystone, gw, fakes):
    keystone.set_project("compute", "demo", class__VCPU=3, class__MEMORY_MB=2560)
    alice = gw.as_user("alice", "demo")
    first = _server(alice, "az1", "1")
    _server(alice, "az2", "1")
    assert _resize(alice, first, "2").status_int == 202  # 3 of 3 cores, 2560 of 2560 MiB
    assert nova(fakes, "RegionOne").items["servers"][first]["flavorRef"] == "2"
    absolute = alice.get("/compute/v2.1/limits").json["limits"]["absolute"]
    assert (absolute["totalCoresUsed"], absolute["totalRAMUsed"]) == (3, 2560)


def test_the_ram_a_resize_adds_is_checked_too(keystone, gw, fakes):
    keystone.set_project("compute", "demo", class__MEMORY_MB=1024)
    alice = gw.as_user("alice", "demo")
    first = _server(alice, "az2", "1")  # 512 MiB
    refused = _resize(alice, first, "2")  # 2048 MiB: 1536 more
    assert refused.status_int == 403
    assert refused.json["forbidden"]["message"] == (
        "Quota exceeded for ram: Requested 1536, but already used 512 of 1024 ram")
    assert _actions(fakes, "compute", "RegionTwo", "servers", first) == []


def test_a_smaller_flavor_and_other_actions_pass_a_project_at_its_limits(keystone, gw,
                                                                       fakes):
    keystone.set_project("compute", "demo", servers=2, class__VCPU=3)
    alice = gw.as_user("alice", "demo")
    large = _server(alice, "az1", "2")
    _server(alice, "az2", "1")  # 3 of 3 cores
    assert _resize(alice, large, "1").status_int == 202
    reboot = alice.post(f"/compute/v2.1/servers/{large}/action",
                        {"reboot": {"type": "SOFT"}})
    assert reboot.status_int == 202
    assert _actions(fakes, "compute", "RegionOne", "servers", large)[-1] == {
        "reboot": {"type": "SOFT"}}


def test_a_resize_to_a_flavor_no_region_has_is_a_400(keystone, gw, fakes):
    alice = gw.as_user("alice", "demo")
    server = _server(alice, "az1", "1")
    refused = _resize(alice, server, "no-such-flavor")
    assert refused.status_int == 400
    assert "Flavor no-such-flavor could not be found." in refused.text
    assert _resize(alice, "not-a-uuid", "2").status_int == 404


def test_without_central_quota_a_resize_asks_no_keystone(gw, fakes, monkeypatch):
    limits = FakeLimits()
    monkeypatch.setattr(limit, "_SDK_CONNECTION", limits)
    alice = gw.as_user("alice", "demo")
    server = _server(alice, "az1", "1")
    assert _resize(alice, server, "2").status_int == 202
    assert limits.calls == 0


# -- extend ------------------------------------------------------------------------

def test_an_extend_over_the_central_gigabytes_is_refused_as_cinder_words_it(keystone, gw,
                                                                          fakes):
    keystone.set_project("block-storage", "demo", gigabytes=10)
    alice = gw.as_user("alice", "demo")
    first = volume(alice, az="az1", size=5).json["volume"]["id"]
    volume(alice, az="az2", size=3)  # 8 of 10 GiB
    refused = _extend(alice, first, 8)  # 3 more
    assert refused.status_int == 413
    assert refused.json["overLimit"]["message"] == (
        "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed "
        "gigabytes quota. Requested 3G, quota is 10G and 8G has been consumed.")
    assert _actions(fakes, "volume", "RegionOne", "volumes", first) == []


def test_an_extend_that_fits_reaches_the_volumes_region(keystone, gw, fakes):
    keystone.set_project("block-storage", "demo", gigabytes=10)
    alice = gw.as_user("alice", "demo")
    first = volume(alice, az="az1", size=5).json["volume"]["id"]
    volume(alice, az="az2", size=3)
    assert _extend(alice, first, "7").status_int == 202  # Cinder takes the digits too
    assert cinder(fakes, "RegionOne").items["volumes"][first]["size"] == "7"
    absolute = alice.get("/volume/v3/demo/limits").json["limits"]["absolute"]
    assert absolute["totalGigabytesUsed"] == 10
