"""Server creates through the gateway name security groups as the region knows them."""

# ruff: noqa: F811  (pytest fixtures imported by name, then requested by argument)
import json
import uuid

import pytest

from tests.functional.test_gateway import boot, fakes, gw, nova  # noqa: F401
from tricircle.gateway import security_groups


@pytest.fixture
def central_groups(monkeypatch):
    """Central's groups by id (the demo project's) and the regions they were copied to."""
    groups, copied = {}, []
    monkeypatch.setattr(security_groups, "central_group", groups.get)
    monkeypatch.setattr(security_groups, "copy_to_region",
                        lambda region, group_id: copied.append((region.region_name, group_id)))
    return groups, copied


@pytest.mark.parametrize("collection", ["servers", "os-volumes_boot"])
def test_central_group_ids_reach_the_region_as_it_knows_them(gw, fakes, central_groups,
                                                             collection):
    groups, copied = central_groups
    default, web = str(uuid.uuid4()), str(uuid.uuid4())
    groups[default] = {"id": default, "name": "default", "project_id": "demo"}
    groups[web] = {"id": web, "name": "web", "project_id": "demo"}
    alice = gw.as_user("alice", "demo")
    resp = alice.post(f"/compute/v2.1/{collection}", {"server": {
        "name": "vm", "flavorRef": "1", "imageRef": "img", "availability_zone": "az2",
        "security_groups": [{"name": default}, {"name": web}, {"name": "ssh"}]}})
    assert resp.status_int == 202, resp.text
    stored = nova(fakes, "RegionTwo").items["servers"][resp.json["server"]["id"]]
    assert stored["security_groups"] == [{"name": "default"}, {"name": web}, {"name": "ssh"}]
    assert copied == [("RegionTwo", web)]


def test_a_create_without_group_ids_never_asks_central(gw, fakes, monkeypatch):
    def no_central(group_id):
        raise AssertionError("central Neutron asked")

    monkeypatch.setattr(security_groups, "central_group", no_central)
    resp = boot(gw.as_user("alice", "demo"), az="az1", security_groups=[{"name": "default"}])
    assert resp.status_int == 202, resp.text


def test_group_actions_name_centrals_default_as_the_regions_own(gw, fakes, central_groups):
    groups, _ = central_groups
    default = str(uuid.uuid4())
    groups[default] = {"id": default, "name": "default", "project_id": "demo"}
    alice = gw.as_user("alice", "demo")
    server_id = boot(alice, az="az2").json["server"]["id"]
    two = nova(fakes, "RegionTwo")
    for action in ("addSecurityGroup", "removeSecurityGroup"):
        alice.post(f"/compute/v2.1/servers/{server_id}/action", {action: {"name": default}})
        sent = two.requests[-1]
        assert sent["path"].endswith(f"/servers/{server_id}/action")
        assert json.loads(sent["body"]) == {action: {"name": "default"}}
    # Any other action reaches the region exactly as sent.
    alice.post(f"/compute/v2.1/servers/{server_id}/action", {"reboot": {"type": "SOFT"}})
    assert json.loads(two.requests[-1]["body"]) == {"reboot": {"type": "SOFT"}}
