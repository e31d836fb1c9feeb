"""Nova's floating IP proxy API through the gateway, answered from central Neutron
(a fake one here: the regions are tests/unit/gateway/fakes.py's fake Novas)."""

# ruff: noqa: F811  (pytest fixtures imported by name, then requested by argument)
import uuid

import pytest

from tests.functional.test_gateway import boot, cinder, fakes, gw, nova  # noqa: F401
from tricircle.common.neutron import RemoteError
from tricircle.gateway import floating_ips

FIPS = "/compute/v2.1/os-floating-ips"
OLD = {"OpenStack-API-Version": "compute 2.35"}


class FakeCentralNeutron:
    """Central Neutron as the [client] account (an admin) sees it."""

    def __init__(self):
        self.objects = {"network": {}, "port": {}, "floatingip": {}}
        self.down = False
        self.next_address = 10

    def add(self, kind, **fields):
        item = {"id": str(uuid.uuid4()), **fields}
        self.objects[kind][item["id"]] = item
        return item

    def _check(self):
        if self.down:
            raise RemoteError("CentralRegion Neutron", None, "connection refused")

    @staticmethod
    def _matches(item, filters):
        for key, wanted in filters.items():
            wanted = wanted if isinstance(wanted, list) else [wanted]
            if str(item.get(key)) not in [str(w) for w in wanted]:
                return False
        return True

    def find(self, kind, **filters):
        self._check()
        return [dict(i) for i in self.objects[kind].values() if self._matches(i, filters)]

    def get(self, kind, item_id):
        self._check()
        found = self.objects[kind].get(item_id)
        return dict(found) if found else None

    def create(self, kind, body):
        self._check()
        network = self.objects["network"][body["floating_network_id"]]
        if network.get("exhausted"):
            raise RemoteError("CentralRegion Neutron", 409,
                              '{"NeutronError": {"type": "IpAddressGenerationFailure"}}')
        self.next_address += 1
        return self.add("floatingip", floating_ip_address=f"172.24.4.{self.next_address}",
                        fixed_ip_address=None, port_id=None, **body)

    def update(self, kind, item_id, body):
        self._check()
        port_id = body.get("port_id")
        taken = [f for f in self.objects["floatingip"].values()
                 if port_id and f["port_id"] == port_id and f["id"] != item_id]
        if taken:
            raise RemoteError("CentralRegion Neutron", 409, '{"NeutronError": {"message": '
                              '"Cannot associate floating IP: the port has one already"}}')
        item = self.objects[kind][item_id]
        item.update(body)
        if port_id is None:
            item["fixed_ip_address"] = None
        return dict(item)

    def delete(self, kind, item_id):
        self._check()
        return self.objects[kind].pop(item_id, None) is not None


@pytest.fixture
def central(monkeypatch):
    found = FakeCentralNeutron()
    found.public = found.add("network", name="public", project_id="admin",
                             **{"router:external": True})
    found.add("network", name="private", project_id="demo", **{"router:external": False})
    monkeypatch.setattr(floating_ips, "_central", lambda: found)
    return found


def message(resp) -> str:
    return next(iter(resp.json.values()))["message"]


def server_in_region_two(alice, central, address="10.0.0.5"):
    server_id = boot(alice, az="az2").json["server"]["id"]
    central.add("port", device_id=server_id, device_owner="compute:az2",
                project_id="demo", fixed_ips=[{"ip_address": "fd00::5"},
                                              {"ip_address": address}])
    return server_id


def action(client, server_id, name, address, **extra):
    return client.post(f"/compute/v2.1/servers/{server_id}/action",
                       {name: {"address": address, **extra}}, headers=OLD)


def test_allocate_list_show_and_release_through_central_neutron(gw, central):
    alice = gw.as_user("alice", "demo")
    made = alice.post(FIPS, {"pool": "public"}, headers=OLD)
    assert made.status_int == 200, made.text
    fip = made.json["floating_ip"]
    assert fip == {"id": fip["id"], "ip": "172.24.4.11", "fixed_ip": None,
                   "instance_id": None, "pool": "public"}
    assert central.objects["floatingip"][fip["id"]]["project_id"] == "demo"
    central.add("floatingip", project_id="other", floating_ip_address="172.24.4.99",
                floating_network_id=central.public["id"], port_id=None)
    listed = alice.get(FIPS, headers=OLD)
    assert listed.json == {"floating_ips": [fip]}  # not the other project's
    assert alice.get(f"{FIPS}/{fip['id']}", headers=OLD).json == {"floating_ip": fip}
    assert alice.delete(f"{FIPS}/{fip['id']}", headers=OLD).status_int == 202
    assert alice.get(f"{FIPS}/{fip['id']}", headers=OLD).status_int == 404
    assert alice.delete(f"{FIPS}/{fip['id']}", headers=OLD).status_int == 404


def test_pools_are_central_external_networks(gw, central):
    pools = gw.as_user("alice", "demo").get("/compute/v2.1/os-floating-ip-pools")
    assert pools.status_int == 200
    assert pools.json == {"floating_ip_pools": [{"name": "public"}]}


def test_a_pool_is_named_by_name_or_id_and_a_missing_one_is_a_404(gw, central):
    alice = gw.as_user("alice", "demo")
    by_id = alice.post(FIPS, {"pool": central.public["id"]})
    assert by_id.status_int == 200 and by_id.json["floating_ip"]["pool"] == "public"
    assert alice.post(FIPS, None).json["floating_ip"]["pool"] == "public"  # the only one
    missing = alice.post(FIPS, {"pool": "nowhere"})
    assert missing.status_int == 404 and "nowhere" in message(missing)
    assert alice.post(FIPS, {"pool": "private"}).status_int == 404  # not external
    assert alice.post(FIPS, {"pool": 5}).status_int == 400
    central.public["exhausted"] = True
    full = alice.post(FIPS, {"pool": "public"})
    assert full.status_int == 404 and message(full) == "No more floating IPs in pool public."


def test_another_projects_floating_ip_cannot_be_seen_or_released(gw, central):
    theirs = central.add("floatingip", project_id="other", port_id=None,
                         floating_ip_address="172.24.4.50",
                         floating_network_id=central.public["id"])
    alice = gw.as_user("alice", "demo")
    assert alice.get(f"{FIPS}/{theirs['id']}").status_int == 404
    assert alice.delete(f"{FIPS}/{theirs['id']}").status_int == 404
    assert theirs["id"] in central.objects["floatingip"]
    assert alice.get(f"{FIPS}/not-a-uuid").status_int == 404
    assert action(alice, str(uuid.uuid4()), "addFloatingIp", "172.24.4.50").status_int == 404


def test_a_server_of_another_region_gets_the_address_and_loses_it(gw, fakes, central):
    alice = gw.as_user("alice", "demo")
    server_id = server_in_region_two(alice, central)
    fip = alice.post(FIPS, {"pool": "public"}).json["floating_ip"]

    added = action(alice, server_id, "addFloatingIp", fip["ip"])

    assert added.status_int == 202, added.text
    shown = alice.get(f"{FIPS}/{fip['id']}").json["floating_ip"]
    assert shown["instance_id"] == server_id and shown["fixed_ip"] == "10.0.0.5"
    # Neither region's Nova was asked to associate anything.
    for region in ("RegionOne", "RegionTwo"):
        assert not any(r["path"].endswith("/action") for r in nova(fakes, region).requests)
    other = boot(alice, az="az1").json["server"]["id"]
    assert action(alice, other, "removeFloatingIp", fip["ip"]).status_int == 409
    removed = action(alice, server_id, "removeFloatingIp", fip["ip"])
    assert removed.status_int == 202, removed.text
    assert alice.get(f"{FIPS}/{fip['id']}").json["floating_ip"]["instance_id"] is None


def test_association_refusals_are_novas(gw, fakes, central):
    alice = gw.as_user("alice", "demo")
    server_id = server_in_region_two(alice, central)
    first, second = (alice.post(FIPS, {"pool": "public"}).json["floating_ip"]
                     for _ in range(2))
    assert action(alice, server_id, "addFloatingIp", "0.0.0.0").status_int == 404
    assert action(alice, server_id, "removeFloatingIp", "0.0.0.0").status_int == 404
    assert action(alice, server_id, "addFloatingIp", "").status_int == 400
    assert action(alice, server_id, "addFloatingIp", first["ip"],
                  fixed_address="10.9.9.9").status_int == 400
    assert action(alice, server_id, "addFloatingIp", first["ip"], bogus=1).status_int == 400
    assert action(alice, server_id, "addFloatingIp", first["ip"]).status_int == 202
    again = action(alice, server_id, "addFloatingIp", second["ip"])
    assert again.status_int == 400 and "has one already" in message(again)


def test_microversion_cut_offs_are_novas(gw, fakes, central):
    alice = gw.as_user("alice", "demo")
    newer = {"OpenStack-API-Version": "compute 2.36"}
    assert alice.get(FIPS, headers=newer).status_int == 404
    assert alice.get("/compute/v2.1/os-floating-ip-pools", headers=newer).status_int == 404
    server_id = server_in_region_two(alice, central)
    fip = alice.post(FIPS, {"pool": "public"}).json["floating_ip"]
    # From 2.44 the action is the region's Nova's to refuse: it is forwarded there.
    alice.post(f"/compute/v2.1/servers/{server_id}/action",
               {"addFloatingIp": {"address": fip["ip"]}},
               headers={"OpenStack-API-Version": "compute 2.44"})
    assert any(r["path"].endswith(f"{server_id}/action")
               for r in nova(fakes, "RegionTwo").requests)
    assert central.objects["floatingip"][fip["id"]]["port_id"] is None


def test_other_server_actions_still_reach_the_servers_region(gw, fakes, central):
    alice = gw.as_user("alice", "demo")
    server_id = server_in_region_two(alice, central)
    alice.post(f"/compute/v2.1/servers/{server_id}/action", {"os-stop": None})
    assert [r["body"] for r in nova(fakes, "RegionTwo").requests
            if r["path"].endswith("/action")] == [b'{"os-stop": null}']


def test_central_neutron_down_is_a_503_naming_it(gw, central):
    central.down = True
    resp = gw.as_user("alice", "demo").get(FIPS)
    assert resp.status_int == 503 and "CentralRegion Neutron" in message(resp)
