"""The compute gateway's multi-region behaviour against fake Nova and Cinder regions:
server groups, placement by every input of a create, availability zone names,
admin views summed or merged over regions, list order and microversions."""

# ruff: noqa: F811  (pytest fixtures imported by name, then requested by argument)
import uuid

from tests.functional.test_gateway import boot, cinder, fakes, gw, nova  # noqa: F401
from tricircle.common import config
from tricircle.common.neutron import RemoteError
from tricircle.gateway import placement, regions

SERVERS = "/compute/v2.1/servers"


def make_group(client, name="g"):
    return client.post("/compute/v2.1/os-server-groups",
                       {"server_group": {"name": name, "policies": ["anti-affinity"]}})


def boot_with(client, body_extra=None, **server):
    body = {"server": {"name": "vm", "flavorRef": "1", "imageRef": "img", **server},
            **(body_extra or {})}
    return client.post(SERVERS, body)


def message(resp) -> str:
    return next(iter(resp.json.values()))["message"]


# -- server groups ---------------------------------------------------------------

def test_server_group_is_made_where_the_project_creates_and_routed_by_id(gw, fakes):
    alice = gw.as_user("alice", "demo")
    boot(alice, az="az2")  # binds demo to RegionTwo
    made = make_group(alice)
    assert made.status_int == 200, made.text
    group_id = made.json["server_group"]["id"]
    assert group_id in nova(fakes, "RegionTwo").items["os-server-groups"]
    shown = alice.get(f"/compute/v2.1/os-server-groups/{group_id}")
    assert shown.status_int == 200 and shown.json["server_group"]["id"] == group_id
    assert alice.delete(f"/compute/v2.1/os-server-groups/{group_id}").status_int == 204
    assert group_id not in nova(fakes, "RegionTwo").items["os-server-groups"]


def test_server_groups_are_listed_from_every_region(gw, fakes):
    alice = gw.as_user("alice", "demo")
    one = nova(fakes, "RegionOne").add("os-server-groups", "demo", name="one")
    two = nova(fakes, "RegionTwo").add("os-server-groups", "demo", name="two")
    nova(fakes, "RegionTwo").add("os-server-groups", "other", name="theirs")
    listed = alice.get("/compute/v2.1/os-server-groups")
    assert listed.status_int == 200
    assert {g["id"] for g in listed.json["server_groups"]} == {one["id"], two["id"]}


def test_a_server_with_the_group_hint_goes_to_the_groups_region(gw, fakes):
    alice = gw.as_user("alice", "demo")
    # Made directly in RegionTwo: the hint finds (and adopts) it there.
    group = nova(fakes, "RegionTwo").add("os-server-groups", "demo", name="direct")
    hints = {"os:scheduler_hints": {"group": group["id"]}}
    resp = boot_with(alice, hints)
    assert resp.status_int == 202, resp.text
    assert resp.json["server"]["id"] in nova(fakes, "RegionTwo").items["servers"]
    again = boot_with(alice, hints, availability_zone="az2")
    assert again.status_int == 202
    conflict = boot_with(alice, hints, availability_zone="az1")
    assert conflict.status_int == 409
    assert "RegionTwo" in message(conflict) and "az1" in message(conflict)
    assert len(nova(fakes, "RegionOne").items["servers"]) == 0


def test_a_group_hint_that_is_no_group_is_a_400(gw, fakes):
    alice = gw.as_user("alice", "demo")
    for group, said in (("not-a-uuid", "not-a-uuid is not a UUID"),
                        (str(uuid.uuid4()), "server group it names could not be found")):
        resp = boot_with(alice, {"os:scheduler_hints": {"group": group}})
        assert resp.status_int == 400, (group, resp.text)
        assert said in message(resp)
    assert not nova(fakes, "RegionOne").items["servers"]


# -- placement by volumes, snapshots, ports ----------------------------------------

def test_a_volume_never_seen_through_the_gateway_places_the_server(gw, fakes):
    alice = gw.as_user("alice", "demo")
    volume = cinder(fakes, "RegionTwo").add("volumes", "demo", size=1)
    bdm = [{"boot_index": 0, "source_type": "volume", "destination_type": "volume",
            "uuid": volume["id"]}]
    # With Nova's microversion header, as openstacksdk and the CLI send it: the
    # gateway's look-up in Cinder must not carry it (Cinder would answer 404).
    body = {"server": {"name": "vm", "flavorRef": "1", "imageRef": "img",
                       "block_device_mapping_v2": bdm}}
    resp = alice.post(SERVERS, body, headers={"OpenStack-API-Version": "compute 2.37"})
    assert resp.status_int == 202, resp.text
    assert resp.json["server"]["id"] in nova(fakes, "RegionTwo").items["servers"]
    routed = gw.get("/v1.0/routings?resource_type=volume").json["routings"]
    assert [r["top_id"] for r in routed] == [volume["id"]]  # adopted


def test_snapshot_sources_and_legacy_mappings_place_the_server(gw, fakes):
    alice = gw.as_user("alice", "demo")
    snapshot = cinder(fakes, "RegionTwo").add("snapshots", "demo")
    bdm = [{"boot_index": 0, "source_type": "snapshot", "destination_type": "volume",
            "uuid": snapshot["id"], "volume_size": 1}]
    first = boot_with(alice, block_device_mapping_v2=bdm)
    assert first.json["server"]["id"] in nova(fakes, "RegionTwo").items["servers"]
    volume = cinder(fakes, "RegionTwo").add("volumes", "demo", size=1)
    legacy = [{"device_name": "vda", "volume_id": volume["id"]}]
    second = boot_with(alice, block_device_mapping=legacy)
    assert second.json["server"]["id"] in nova(fakes, "RegionTwo").items["servers"]
    assert not nova(fakes, "RegionOne").items["servers"]


def test_inputs_of_two_regions_are_a_409_naming_both(gw, fakes):
    alice = gw.as_user("alice", "demo")
    volume = cinder(fakes, "RegionOne").add("volumes", "demo", size=1)
    group = nova(fakes, "RegionTwo").add("os-server-groups", "demo", name="g")
    bdm = [{"boot_index": 0, "source_type": "volume", "destination_type": "volume",
            "uuid": volume["id"]}]
    resp = boot_with(alice, {"os:scheduler_hints": {"group": group["id"]}},
                     block_device_mapping_v2=bdm)
    assert resp.status_int == 409
    text = message(resp)
    assert "RegionOne" in text and "RegionTwo" in text and volume["id"] in text
    assert not any(nova(fakes, r).items["servers"] for r in ("RegionOne", "RegionTwo"))


def test_a_missing_volume_is_a_400_not_a_server_elsewhere(gw, fakes):
    alice = gw.as_user("alice", "demo")
    missing = str(uuid.uuid4())
    bdm = [{"boot_index": 0, "source_type": "volume", "destination_type": "volume",
            "uuid": missing}]
    resp = boot_with(alice, block_device_mapping_v2=bdm)
    assert resp.status_int == 400
    assert "volume it names could not be found" in message(resp)
    assert not nova(fakes, "RegionOne").items["servers"]


def test_a_port_bound_in_a_region_places_the_server(gw, pods, fakes):
    alice = gw.as_user("alice", "demo")
    port_id = str(uuid.uuid4())
    gw.post("/v1.0/routings", {"routing": {
        "top_id": port_id, "bottom_id": port_id, "pod_id": pods["RegionTwo"]["pod_id"],
        "project_id": "demo", "resource_type": "port"}})
    resp = boot_with(alice, networks=[{"port": port_id}])
    assert resp.status_int == 202, resp.text
    assert resp.json["server"]["id"] in nova(fakes, "RegionTwo").items["servers"]
    refused = boot_with(alice, networks=[{"port": port_id}], availability_zone="az1")
    assert refused.status_int == 409 and port_id in message(refused)


def test_attaching_a_volume_of_another_region_is_a_409_naming_it(gw, fakes):
    alice = gw.as_user("alice", "demo")
    server_id = boot(alice, az="az1").json["server"]["id"]
    there = cinder(fakes, "RegionTwo").add("volumes", "demo", size=1)
    here = cinder(fakes, "RegionOne").add("volumes", "demo", size=1)
    path = f"{SERVERS}/{server_id}/os-volume_attachments"
    refused = alice.post(path, {"volumeAttachment": {"volumeId": there["id"]}})
    assert refused.status_int == 409
    assert "RegionTwo" in message(refused) and there["id"] in message(refused)
    attached = alice.post(path, {"volumeAttachment": {"volumeId": here["id"]}})
    assert attached.status_int == 200, attached.text
    assert nova(fakes, "RegionOne").items["servers"][server_id]["attached"] == [here["id"]]


# -- instance actions of a deleted server -------------------------------------------

def test_instance_actions_of_a_deleted_server_are_still_found(gw, fakes):
    alice = gw.as_user("alice", "demo")
    server_id = boot(alice, az="az2").json["server"]["id"]
    actions = {"instanceActions": [{"action": "delete", "instance_uuid": server_id}]}
    two = nova(fakes, "RegionTwo")
    assert alice.delete(f"{SERVERS}/{server_id}").status_int == 204
    assert alice.get(f"{SERVERS}/{server_id}").status_int == 404  # routing forgotten
    two.canned[f"servers/{server_id}/os-instance-actions"] = (200, actions)
    resp = alice.get(f"{SERVERS}/{server_id}/os-instance-actions")
    assert resp.status_int == 200, resp.text
    assert resp.json == actions
    unknown = alice.get(f"{SERVERS}/{uuid.uuid4()}/os-instance-actions")
    assert unknown.status_int == 404


# -- availability zone names both ways --------------------------------------------

def rename_zone_inside(api, pods, region, inside):
    """The region calls its zone ``inside``; users keep the pods table's az_name."""
    resp = api.put(f"/v1.0/pods/{pods[region]['pod_id']}", {"pod": {"pod_az_name": inside}})
    assert resp.status_int == 200, resp.text
    regions.TABLE.invalidate()


def test_bodies_show_the_pods_az_name_and_the_filter_is_translated(gw, pods, fakes):
    rename_zone_inside(gw, pods, "RegionTwo", "nova-two")
    alice = gw.as_user("alice", "demo")
    made = boot(alice, az="az2").json["server"]["id"]
    two = nova(fakes, "RegionTwo")
    assert two.items["servers"][made]["availability_zone"] == "nova-two"
    inside = two.add("servers", "demo", **{"OS-EXT-AZ:availability_zone": "nova-two"})
    shown = alice.get(f"{SERVERS}/{inside['id']}")
    assert shown.json["server"]["OS-EXT-AZ:availability_zone"] == "az2"
    detail = alice.get(f"{SERVERS}/detail").json["servers"]
    assert {s["OS-EXT-AZ:availability_zone"] for s in detail if s["id"] == inside["id"]} == {
        "az2"}
    volume = cinder(fakes, "RegionTwo").add("volumes", "demo", size=1,
                                            availability_zone="nova-two")
    seen = alice.get(f"/volume/v3/demo/volumes/{volume['id']}").json["volume"]
    assert seen["availability_zone"] == "az2"
    one = nova(fakes, "RegionOne")
    one.requests.clear()
    two.requests.clear()
    filtered = alice.get(f"{SERVERS}?availability_zone=az2")
    assert filtered.status_int == 200
    assert not one.requests  # RegionOne is not in az2
    assert "availability_zone=nova-two" in two.requests[-1]["query"]
    nowhere = alice.get(f"{SERVERS}?availability_zone=az9")
    assert nowhere.status_int == 200 and nowhere.json == {"servers": []}


def test_zone_detail_shows_every_regions_hosts_under_the_pods_names(gw, pods, fakes):
    rename_zone_inside(gw, pods, "RegionTwo", "nova-two")

    def zones(name, compute_host, control_host):
        return (200, {"availabilityZoneInfo": [
            {"zoneName": name, "zoneState": {"available": True},
             "hosts": {compute_host: {"nova-compute": {"available": True}}}},
            {"zoneName": "internal", "zoneState": {"available": True},
             "hosts": {control_host: {"nova-scheduler": {"available": True}}}}]})

    nova(fakes, "RegionOne").canned["os-availability-zone/detail"] = zones(
        "az1", "c1", "ctl1")
    nova(fakes, "RegionTwo").canned["os-availability-zone/detail"] = zones(
        "nova-two", "c2", "ctl2")
    resp = gw.get("/compute/v2.1/os-availability-zone/detail",
                  headers={"OpenStack-API-Version": "compute 2.79"})
    assert resp.status_int == 200, resp.text
    info = {z["zoneName"]: z for z in resp.json["availabilityZoneInfo"]}
    assert set(info) == {"az1", "az2", "internal"}
    assert set(info["az1"]["hosts"]) == {"c1"} and set(info["az2"]["hosts"]) == {"c2"}
    assert set(info["internal"]["hosts"]) == {"ctl1", "ctl2"}
    assert resp.headers["OpenStack-API-Version"] == "compute 2.79"
    assert resp.headers["X-OpenStack-Nova-API-Version"] == "2.79"


def test_zone_list_carries_nova_and_cinder_version_headers(gw):
    nova_zones = gw.get("/compute/v2.1/os-availability-zone")
    assert nova_zones.headers["X-OpenStack-Nova-API-Version"] == "2.1"
    assert "OpenStack-API-Version" in nova_zones.headers["Vary"]
    cinder_zones = gw.get("/volume/v3/admin/os-availability-zone",
                          headers={"OpenStack-API-Version": "volume 3.50"})
    assert cinder_zones.headers["OpenStack-API-Version"] == "volume 3.50"


# -- microversions and list order -----------------------------------------------

def test_latest_is_pinned_to_the_common_max_and_above_it_is_refused(gw, fakes):
    alice = gw.as_user("alice", "demo")
    one = nova(fakes, "RegionOne")
    resp = alice.get(SERVERS, headers={"OpenStack-API-Version": "compute latest",
                                       "X-OpenStack-Nova-API-Version": "latest"})
    assert resp.status_int == 200
    sent = one.requests[-1]["headers"]
    assert sent["openstack-api-version"] == "compute 2.90"  # RegionTwo's max
    assert sent["x-openstack-nova-api-version"] == "2.90"
    asked = len(one.requests)
    above = alice.get(SERVERS, headers={"OpenStack-API-Version": "compute 2.95"})
    assert above.status_int == 406 and "2.90" in message(above)
    assert len(one.requests) == asked


def test_detail_lists_come_newest_first_and_nova_sort_keys_work(gw, fakes):
    alice = gw.as_user("alice", "demo")
    one, two = nova(fakes, "RegionOne"), nova(fakes, "RegionTwo")
    oldest = one.add("servers", "demo", created="2026-01-01T00:00:01Z",
                     **{"OS-EXT-SRV-ATTR:host": "b"})
    middle = two.add("servers", "demo", created="2026-01-01T00:00:02Z",
                     **{"OS-EXT-SRV-ATTR:host": "c"})
    newest = one.add("servers", "demo", created="2026-01-01T00:00:03Z",
                     **{"OS-EXT-SRV-ATTR:host": "a"})
    listed = alice.get(f"{SERVERS}/detail").json["servers"]
    assert [s["id"] for s in listed] == [newest["id"], middle["id"], oldest["id"]]
    by_host = alice.get(f"{SERVERS}/detail?sort_key=host&sort_dir=asc").json["servers"]
    assert [s["id"] for s in by_host] == [newest["id"], oldest["id"], middle["id"]]
    first_page = alice.get(f"{SERVERS}/detail?limit=1").json
    assert [s["id"] for s in first_page["servers"]] == [newest["id"]]
    after = alice.get(f"{SERVERS}/detail?limit=2&marker={newest['id']}").json["servers"]
    assert [s["id"] for s in after] == [middle["id"], oldest["id"]]


# -- admin views over every region ----------------------------------------------

def usage(tenant, hours, servers):
    return {"tenant_id": tenant, "start": "2026-01-01T00:00:00", "stop": "2026-01-02T00:00:00",
            "total_hours": hours, "total_vcpus_usage": hours, "total_memory_mb_usage":
            hours * 512, "total_local_gb_usage": hours,
            "server_usages": [{"instance_id": s, "hours": hours} for s in servers]}


def test_tenant_usage_is_summed_over_regions(gw, fakes):
    one, two = nova(fakes, "RegionOne"), nova(fakes, "RegionTwo")
    one.canned["os-simple-tenant-usage"] = (200, {"tenant_usages": [
        usage("demo", 2.0, ["a"]), usage("other", 1.0, ["b"])]})
    two.canned["os-simple-tenant-usage"] = (200, {"tenant_usages": [
        usage("demo", 3.0, ["c"])]})
    one.canned["os-simple-tenant-usage/demo"] = (200, {"tenant_usage": usage("demo", 2.0,
                                                                              ["a"])})
    two.canned["os-simple-tenant-usage/demo"] = (200, {"tenant_usage": usage("demo", 3.0,
                                                                              ["c"])})
    listed = gw.get("/compute/v2.1/os-simple-tenant-usage?detailed=1")
    assert listed.status_int == 200, listed.text
    by_tenant = {u["tenant_id"]: u for u in listed.json["tenant_usages"]}
    assert by_tenant["demo"]["total_hours"] == 5.0
    assert by_tenant["demo"]["total_memory_mb_usage"] == 5.0 * 512
    assert {s["instance_id"] for s in by_tenant["demo"]["server_usages"]} == {"a", "c"}
    assert by_tenant["other"]["total_hours"] == 1.0
    alice = gw.as_user("alice", "demo")
    own = alice.get("/compute/v2.1/os-simple-tenant-usage/demo")
    assert own.status_int == 200 and own.json["tenant_usage"]["total_vcpus_usage"] == 5.0
    theirs = alice.get("/compute/v2.1/os-simple-tenant-usage/other")
    assert theirs.status_int == 403
    # Before 2.40 Nova ignores a marker here; the regions get it as sent.
    paged = gw.get(f"/compute/v2.1/os-simple-tenant-usage?marker={uuid.uuid4()}")
    assert paged.status_int == 200 and len(paged.json["tenant_usages"]) == 2


def test_tenant_usage_without_a_region_is_partial(gw, fakes):
    nova(fakes, "RegionOne").canned["os-simple-tenant-usage/demo"] = (
        200, {"tenant_usage": usage("demo", 2.0, [])})
    nova(fakes, "RegionTwo").stop()
    resp = gw.get("/compute/v2.1/os-simple-tenant-usage/demo")
    assert resp.status_int == 200
    assert resp.json["tenant_usage"]["total_hours"] == 2.0
    assert resp.headers["X-Tricircle-Partial"] == "RegionTwo"


def test_hypervisors_services_and_migrations_are_merged(gw, fakes):
    one, two = nova(fakes, "RegionOne"), nova(fakes, "RegionTwo")
    one.canned["os-hypervisors/detail"] = (200, {"hypervisors": [
        {"id": 1, "hypervisor_hostname": "c1"}]})
    two.canned["os-hypervisors/detail"] = (200, {"hypervisors": [
        {"id": 1, "hypervisor_hostname": "c2"}, {"id": 2, "hypervisor_hostname": "c3"}]})
    listed = gw.get("/compute/v2.1/os-hypervisors/detail")
    assert [h["hypervisor_hostname"] for h in listed.json["hypervisors"]] == [
        "c1", "c2", "c3"]
    one.canned["os-hypervisors/statistics"] = (200, {"hypervisor_statistics": {
        "count": 1, "vcpus": 8, "memory_mb": 1024}})
    two.canned["os-hypervisors/statistics"] = (200, {"hypervisor_statistics": {
        "count": 2, "vcpus": 16, "memory_mb": 4096}})
    stats = gw.get("/compute/v2.1/os-hypervisors/statistics").json
    assert stats["hypervisor_statistics"] == {"count": 3, "vcpus": 24, "memory_mb": 5120}
    for region, host in ((one, "h1"), (two, "h2")):
        region.canned["os-services"] = (200, {"services": [
            {"id": str(uuid.uuid4()), "host": host, "binary": "nova-compute"}]})
        region.canned["os-migrations"] = (200, {"migrations": [{"id": 1, "dest": host}]})
    services = gw.get("/compute/v2.1/os-services").json["services"]
    assert {s["host"] for s in services} == {"h1", "h2"}
    migrations = gw.get("/compute/v2.1/os-migrations").json["migrations"]
    assert [m["dest"] for m in migrations] == ["h1", "h2"]


def test_region_local_ids_go_to_their_region_or_are_a_409(gw, fakes):
    one, two = nova(fakes, "RegionOne"), nova(fakes, "RegionTwo")
    one.canned["os-aggregates"] = (200, {"aggregates": [{"id": 1, "name": "a"}]})
    two.canned["os-aggregates"] = (200, {"aggregates": [{"id": 1, "name": "b"},
                                                        {"id": 7, "name": "c"}]})
    not_found = (404, {"itemNotFound": {"code": 404, "message": "Aggregate not found"}})
    for region, shows in ((one, {1: "a"}), (two, {1: "b", 7: "c"})):
        for aggregate_id in (1, 7, 9):
            name = shows.get(aggregate_id)
            region.canned[f"os-aggregates/{aggregate_id}"] = (200, {"aggregate": {
                "id": aggregate_id, "name": name}}) if name else not_found
    shown = gw.get("/compute/v2.1/os-aggregates/7")
    assert shown.status_int == 200 and shown.json["aggregate"]["name"] == "c"
    both = gw.get("/compute/v2.1/os-aggregates/1")
    assert both.status_int == 409
    assert "RegionOne" in message(both) and "RegionTwo" in message(both)
    assert gw.get("/compute/v2.1/os-aggregates/9").status_int == 404
    service_id = str(uuid.uuid4())
    two.canned["os-services"] = (200, {"services": [{"id": service_id, "host": "h2"}]})
    assert gw.get("/compute/v2.1/os-services/not-a-uuid").status_int == 404
    listed = gw.get("/compute/v2.1/os-aggregates").json["aggregates"]
    assert [a["name"] for a in listed] == ["a", "b", "c"]


# -- limits and quota sets ------------------------------------------------------

def test_limits_and_quota_sets_add_up_the_regions_without_central_quota(gw, fakes):
    alice = gw.as_user("alice", "demo")
    boot(alice, az="az1")
    boot(alice, az="az2", flavorRef="2")
    absolute = alice.get("/compute/v2.1/limits").json["limits"]["absolute"]
    assert absolute["maxTotalInstances"] == 20  # 10 in each region
    assert absolute["totalInstancesUsed"] == 2
    assert absolute["totalCoresUsed"] == 1 + 2
    assert absolute["maxServerMeta"] == 128  # per server: not a sum
    quota = alice.get("/compute/v2.1/os-quota-sets/demo").json["quota_set"]
    assert quota["instances"] == 20 and quota["cores"] == 40 and quota["id"] == "demo"
    detail = alice.get("/compute/v2.1/os-quota-sets/demo/detail").json["quota_set"]
    assert detail["ram"] == {"limit": 102400, "in_use": 0, "reserved": 0}
    volumes = alice.get("/volume/v3/demo/limits").json["limits"]["absolute"]
    assert volumes["maxTotalVolumes"] == 20


def test_quota_set_under_central_quota_points_at_openstack_limit_set(gw, fakes):
    config.CONF.set_override("central_quota", True, "gateway")
    try:
        resp = gw.put("/compute/v2.1/os-quota-sets/demo",
                      {"quota_set": {"instances": 5}})
    finally:
        config.CONF.clear_override("central_quota", "gateway")
    assert resp.status_int == 400 and "openstack limit set" in message(resp)
    assert not any(r["method"] == "PUT" for r in nova(fakes, "RegionOne").requests)


def test_a_network_hinted_to_one_region_places_the_server(gw, fakes, monkeypatch):
    hinted, anywhere, broken = (str(uuid.uuid4()) for _ in range(3))
    networks = {hinted: {"id": hinted, "project_id": "demo",
                         "availability_zone_hints": ["az2"]},
                anywhere: {"id": anywhere, "project_id": "demo",
                           "availability_zone_hints": []}}

    def central_network(network_id):
        if network_id == broken:
            raise RemoteError("CentralRegion Neutron", None, "unreachable")
        return networks.get(network_id)

    monkeypatch.setattr(placement, "central_network", central_network)
    config.CONF.set_override("place_by_network_hints", True, "gateway")
    alice = gw.as_user("alice", "demo")
    try:
        there = boot_with(alice, networks=[{"uuid": hinted}, {"uuid": anywhere}])
        refused = boot_with(alice, networks=[{"uuid": hinted}], availability_zone="az1")
        unhinted = boot_with(alice, networks=[{"uuid": anywhere}, {"uuid": broken}])
    finally:
        config.CONF.clear_override("place_by_network_hints", "gateway")
    assert there.json["server"]["id"] in nova(fakes, "RegionTwo").items["servers"]
    assert refused.status_int == 409 and hinted in message(refused)
    # No hint (or central Neutron down): the default region, as without networks.
    assert unhinted.json["server"]["id"] in nova(fakes, "RegionOne").items["servers"]


def test_a_quota_set_without_central_quota_is_written_to_every_region(gw, fakes):
    resp = gw.put("/compute/v2.1/os-quota-sets/demo", {"quota_set": {"instances": 4}})
    assert resp.status_int == 200, resp.text
    assert resp.json["quota_set"]["instances"] == 8  # 4 in each region: what GET shows
    for name in ("RegionOne", "RegionTwo"):
        assert nova(fakes, name).quotas["demo"] == {"instances": 4}
    shown = gw.get("/compute/v2.1/os-quota-sets/demo").json["quota_set"]
    assert shown["instances"] == 8
    # The defaults are summed alike: a fresh project's quota set equals them.
    defaults = gw.get("/compute/v2.1/os-quota-sets/other/defaults").json["quota_set"]
    assert defaults == gw.get("/compute/v2.1/os-quota-sets/other").json["quota_set"]
    assert defaults["instances"] == 20
    nova(fakes, "RegionTwo").stop()
    partial = gw.put("/compute/v2.1/os-quota-sets/demo", {"quota_set": {"cores": 6}})
    assert partial.status_int == 200
    assert partial.headers["X-Tricircle-Partial"] == "RegionTwo"
    assert gw.delete("/compute/v2.1/os-quota-sets/demo").status_int == 202
    assert "demo" not in nova(fakes, "RegionOne").quotas


class _CentralNetworks:
    """Central Neutron's networks as the gateway's [client] account reads them."""

    def __init__(self, networks, down=False):
        self.networks, self.down = {n["id"]: n for n in networks}, down

    def find(self, kind):
        if self.down:
            raise RemoteError("CentralRegion Neutron", None, "connection refused")
        return list(self.networks.values())

    def get(self, kind, network_id):
        return self.find(kind) and self.networks.get(network_id)


def test_tenant_networks_come_from_central_neutron_as_the_caller_sees_them(gw, monkeypatch):
    from tricircle.gateway import tenant_networks

    own, shared, others = (str(uuid.uuid4()) for _ in range(3))
    central = _CentralNetworks([
        {"id": own, "name": "mine", "project_id": "demo"},
        {"id": shared, "name": "common", "project_id": "x", "shared": True},
        {"id": others, "name": "theirs", "project_id": "x"}])
    monkeypatch.setattr(tenant_networks, "_central", lambda: central)
    alice = gw.as_user("alice", "demo")
    listed = alice.get("/compute/v2.1/os-tenant-networks")
    assert listed.status_int == 200, listed.text
    assert sorted(n["label"] for n in listed.json["networks"]) == ["common", "mine"]
    assert listed.headers["OpenStack-API-Version"].startswith("compute ")
    shown = alice.get(f"/compute/v2.1/os-tenant-networks/{own}").json["network"]
    assert shown == {"id": own, "cidr": "None", "label": "mine"}
    assert alice.get(f"/compute/v2.1/os-tenant-networks/{others}").status_int == 404
    newer = alice.get("/compute/v2.1/os-tenant-networks",
                      headers={"OpenStack-API-Version": "compute 2.36"})
    assert newer.status_int == 404  # gone from Nova at 2.36
    central.down = True
    down = alice.get("/compute/v2.1/os-tenant-networks")
    assert down.status_int == 503 and "CentralRegion Neutron" in message(down)


def test_a_hypervisor_search_shows_the_regions_that_have_one_of_that_name(gw, fakes):
    one, two = nova(fakes, "RegionOne"), nova(fakes, "RegionTwo")
    missing = (404, {"itemNotFound": {"code": 404, "message": "No hypervisor matching"}})
    one.canned["os-hypervisors/c1/search"] = (200, {"hypervisors": [
        {"id": 1, "hypervisor_hostname": "c1"}]})
    two.canned["os-hypervisors/c1/search"] = missing
    found = gw.get("/compute/v2.1/os-hypervisors/c1/search")
    assert found.status_int == 200, found.text
    assert [h["hypervisor_hostname"] for h in found.json["hypervisors"]] == ["c1"]
    for region in (one, two):
        region.canned["os-hypervisors/c9/search"] = missing
    assert gw.get("/compute/v2.1/os-hypervisors/c9/search").status_int == 404


def test_a_trailing_slash_reaches_the_region_as_the_caller_sent_it(gw, fakes):
    one = nova(fakes, "RegionOne")
    one.canned["os-simple-tenant-usage"] = (200, {"tenant_usages": []})
    resp = gw.get("/compute/v2.1/os-simple-tenant-usage/?start=2026-01-01T00:00:00")
    assert [r["path"] for r in one.requests][-1] == "/compute/v2.1/os-simple-tenant-usage/"
    # Nova answers it 404 (the usage of the tenant ""), the fake its list: what
    # matters is that the region got exactly the path asked.
    assert resp.status_int == 200
    gw.get("/compute/v2.1/os-volumes/")  # forwarded: Nova's own 404 for the id ""
    assert [r["path"] for r in one.requests][-1] == "/compute/v2.1/os-volumes/"
