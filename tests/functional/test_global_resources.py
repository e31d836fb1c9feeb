"""Global resources through the gateway: volume types, QoS specs and default types
written to every region and matched by name (each region has its own ids),
drift shown to admins; flavors and key pairs; and a region that missed a write
repaired by xjob's global_sync job, as often as it runs."""


import pytest

from tests.functional import test_gateway
from tests.functional.test_gateway import cinder, nova
from tests.unit.gateway.fakes import FakeGlobalCinder, FakeGlobalNova, stop_all
from tricircle.xjob import handlers
from tricircle.xjob.registry import Incomplete, Job

gw = test_gateway.gw  # the app with both regions' endpoints, on every database
V3 = "/volume/v3/admin"


@pytest.fixture
def fakes():
    made = {("compute", "RegionOne"): FakeGlobalNova("RegionOne", "2.96", "az1"),
            ("compute", "RegionTwo"): FakeGlobalNova("RegionTwo", "2.90", "az2"),
            ("volume", "RegionOne"): FakeGlobalCinder("RegionOne", "3.70", "az1"),
            ("volume", "RegionTwo"): FakeGlobalCinder("RegionTwo", "3.66", "az2")}
    yield made
    stop_all(made)


def make_type(client, name="gold", **extra):
    resp = client.post(f"{V3}/types", {"volume_type": {"name": name, **extra}})
    assert resp.status_int == 200, resp.text
    return resp


def sync_jobs(api):
    return [j for j in api.get("/v1.0/jobs?type=global_sync").json["jobs"]]


def run_sync(resource_type, name):
    handlers.HANDLERS.get("global_sync")(Job("j", "global_sync", "admin",
                                             {"resource_type": resource_type,
                                              "name": name}))


def test_a_type_is_made_in_every_region_and_answered_with_the_default_regions_id(
        gw, fakes):
    made = make_type(gw, extra_specs={"volume_backend_name": "lvm"})
    one = cinder(fakes, "RegionOne").named("types", "gold")
    two = cinder(fakes, "RegionTwo").named("types", "gold")
    assert one and two and one["id"] != two["id"]
    assert made.json["volume_type"]["id"] == one["id"]
    assert "X-Tricircle-Partial" not in made.headers
    # Writes by the default region's id reach each region under its own id.
    specs = gw.post(f"{V3}/types/{one['id']}/extra_specs", {"extra_specs": {"k": "v"}})
    assert specs.status_int == 200, specs.text
    assert two["extra_specs"] == {"volume_backend_name": "lvm", "k": "v"}
    assert gw.delete(f"{V3}/types/{one['id']}/extra_specs/k").status_int == 202
    assert "k" not in two["extra_specs"]
    assert gw.delete(f"{V3}/types/{one['id']}").status_int == 202
    assert cinder(fakes, "RegionTwo").named("types", "gold") is None


def test_a_region_that_missed_a_create_is_repaired_by_the_job_as_often_as_it_runs(
        gw, fakes):
    two = cinder(fakes, "RegionTwo")
    two.down_for_writes = True
    made = make_type(gw, extra_specs={"x": "1"})
    assert made.headers["X-Tricircle-Partial"] == "RegionTwo"
    assert two.named("types", "gold") is None
    jobs = sync_jobs(gw)
    assert [j["resource"] for j in jobs] == [{"resource_type": "volume_type",
                                             "name": "gold"}]
    listed = gw.get(f"{V3}/types")
    assert listed.headers["X-Tricircle-Drift"] == "RegionTwo"
    two.down_for_writes = False
    run_sync("volume_type", "gold")
    repaired = two.named("types", "gold")
    assert repaired["extra_specs"] == {"x": "1"}
    run_sync("volume_type", "gold")  # redone: nothing changes, nothing doubles
    assert [t["name"] for t in two.items["types"].values()] == ["gold"]
    assert two.named("types", "gold")["id"] == repaired["id"]
    assert "X-Tricircle-Drift" not in gw.get(f"{V3}/types").headers


def test_the_job_repairs_a_missed_delete_and_a_missed_spec_change(gw, fakes):
    made = make_type(gw, name="a#b c", extra_specs={"x": "1"})
    type_id = made.json["volume_type"]["id"]
    two = cinder(fakes, "RegionTwo")
    two.down_for_writes = True
    gw.post(f"{V3}/types/{type_id}/extra_specs", {"extra_specs": {"x": "2"}})
    two.down_for_writes = False
    name = sync_jobs(gw)[0]["resource"]["name"]
    run_sync("volume_type", name)
    assert two.named("types", "a#b c")["extra_specs"] == {"x": "2"}
    two.down_for_writes = True
    assert gw.delete(f"{V3}/types/{type_id}").status_int == 202
    two.down_for_writes = False
    run_sync("volume_type", name)
    assert two.named("types", "a#b c") is None


def test_members_see_no_drift_header(gw, fakes):
    cinder(fakes, "RegionTwo").down_for_writes = True
    make_type(gw)
    member = gw.as_user("alice", "demo").get("/volume/v3/demo/types")
    assert member.status_int == 200 and "X-Tricircle-Drift" not in member.headers


def test_qos_specs_and_their_association_by_name_in_every_region(gw, fakes):
    type_id = make_type(gw).json["volume_type"]["id"]
    qos = gw.post(f"{V3}/qos-specs", {"qos_specs": {"name": "fast", "read_iops": "100"}})
    assert qos.status_int == 200, qos.text
    qos_id = qos.json["qos_specs"]["id"]
    resp = gw.get(f"{V3}/qos-specs/{qos_id}/associate?vol_type_id={type_id}")
    assert resp.status_int == 202, resp.text
    two = cinder(fakes, "RegionTwo")
    assert two.named("qos-specs", "fast")["associations"] == [
        two.named("types", "gold")["id"]]
    gw.put(f"{V3}/qos-specs/{qos_id}", {"qos_specs": {"write_iops": "50"}})
    assert two.named("qos-specs", "fast")["specs"] == {"read_iops": "100",
                                                       "write_iops": "50"}
    # A missed disassociation is repaired by the job.
    two.down_for_writes = True
    gw.get(f"{V3}/qos-specs/{qos_id}/disassociate?vol_type_id={type_id}")
    two.down_for_writes = False
    assert two.named("qos-specs", "fast")["associations"]
    run_sync("qos_spec", "fast")
    assert two.named("qos-specs", "fast")["associations"] == []


def test_default_type_names_the_type_by_name_to_other_regions(gw, fakes):
    type_id = make_type(gw).json["volume_type"]["id"]
    resp = gw.put(f"{V3}/default-types/demo", {"default_type": {"volume_type": type_id}})
    assert resp.status_int == 200, resp.text
    two = cinder(fakes, "RegionTwo")
    assert two.items["default-types"]["demo"] == two.named("types", "gold")["id"]
    two.down_for_writes = True
    gw.delete(f"{V3}/default-types/demo")
    two.down_for_writes = False
    run_sync("default_type", "demo")
    assert "demo" not in two.items["default-types"]


def test_a_bad_body_is_400_before_any_region_is_written(gw, fakes):
    resp = gw.post(f"{V3}/types", raw=b'{"volume_type": {"name": NaN}}')
    assert resp.status_int == 400
    assert not cinder(fakes, "RegionOne").items["types"]


def test_a_member_cannot_write_types_in_another_project(gw):
    resp = gw.as_user("alice", "demo").post(f"{V3}/types",
                                            {"volume_type": {"name": "x"}})
    assert resp.status_int == 403


def test_a_private_types_access_is_repaired_by_the_job(gw, fakes):
    type_id = make_type(gw, is_public=False).json["volume_type"]["id"]
    two = cinder(fakes, "RegionTwo")
    two.down_for_writes = True
    resp = gw.post(f"{V3}/types/{type_id}/action", {"addProjectAccess": {"project": "p1"}})
    assert resp.status_int == 202 and resp.headers["X-Tricircle-Partial"] == "RegionTwo"
    two.down_for_writes = False
    run_sync("volume_type", "gold")
    assert two.named("types", "gold")["access"] == ["p1"]
    gw.post(f"{V3}/types/{type_id}/action", {"removeProjectAccess": {"project": "p1"}})
    assert two.named("types", "gold")["access"] == []


def test_a_flavor_that_missed_a_region_is_made_there_by_the_job(gw, fakes):
    two = nova(fakes, "RegionTwo")
    two.down_for_writes = True
    made = gw.post("/compute/v2.1/flavors", {"flavor": {
        "name": "big", "ram": 4096, "vcpus": 4, "disk": 40,
        "os-flavor-access:is_public": False}})
    assert made.status_int == 200 and made.headers["X-Tricircle-Partial"] == "RegionTwo"
    flavor_id = made.json["flavor"]["id"]
    gw.post(f"/compute/v2.1/flavors/{flavor_id}/os-extra_specs",
            {"extra_specs": {"hw:cpu_policy": "dedicated"}})
    gw.post(f"/compute/v2.1/flavors/{flavor_id}/action",
            {"addTenantAccess": {"tenant": "demo"}})
    assert [j["resource"] for j in sync_jobs(gw)] == [
        {"resource_type": "flavor", "name": flavor_id}]
    two.down_for_writes = False
    for _ in range(2):  # redone: the same flavor, once
        run_sync("flavor", flavor_id)
        copy = two.flavors[flavor_id]
        assert (copy["name"], copy["ram"], copy["vcpus"]) == ("big", 4096, 4)
        assert copy["extra_specs"] == {"hw:cpu_policy": "dedicated"}
        assert copy["access"] == ["demo"]
    two.down_for_writes = True
    gw.delete(f"/compute/v2.1/flavors/{flavor_id}")
    two.down_for_writes = False
    run_sync("flavor", flavor_id)
    assert flavor_id not in two.flavors


def test_a_generated_key_pair_missed_by_a_region_is_imported_there_by_the_job(gw, fakes):
    alice = gw.as_user("alice", "demo")
    two = nova(fakes, "RegionTwo")
    two.down_for_writes = True
    made = alice.post("/compute/v2.1/os-keypairs", {"keypair": {"name": "k"}})
    assert made.status_int == 200 and made.headers["X-Tricircle-Partial"] == "RegionTwo"
    assert [j["resource"] for j in sync_jobs(gw)] == [
        {"resource_type": "keypair", "name": "alice%2Fk"}]
    two.down_for_writes = False
    run_sync("keypair", "alice%2Fk")
    one = nova(fakes, "RegionOne").keypairs[("alice", "k")]
    assert two.keypairs[("alice", "k")]["public_key"] == one["public_key"]
    two.down_for_writes = True
    alice.delete("/compute/v2.1/os-keypairs/k")
    two.down_for_writes = False
    run_sync("keypair", "alice%2Fk")
    assert ("alice", "k") not in two.keypairs


def test_the_job_fails_naming_a_region_it_could_not_reach_so_it_is_retried(gw, fakes):
    make_type(gw)
    two = cinder(fakes, "RegionTwo")
    two.stop()
    with pytest.raises(Incomplete) as failed:
        run_sync("volume_type", "gold")
    assert "RegionTwo" in str(failed.value)
