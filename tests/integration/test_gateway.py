"""The compute and volume gateway in the real lab: the stock `openstack` CLI and
openstacksdk against CentralRegion reach every region's Nova and Cinder."""

import subprocess
import time

import pytest

from tests.integration.conftest import lab_command, poll
from tests.integration.test_quota import COMPUTE_DEFAULTS, demo_limit  # noqa: F401
from tricircle.lab import procs
from tricircle.lab.layout import CENTRAL_REGION, REGIONS, Layout

REGION_IDS = [region.name for region in REGIONS]
COMPUTE = {"service_type": "compute", "interface": "public", "region_name": CENTRAL_REGION}


def boot(lab, name: str, az: str, user: str = "demo") -> dict:
    return lab.openstack_json(
        "server", "create", "--flavor", "m1.tiny", "--image", "tiny", "--nic", "none",
        "--availability-zone", az, "--wait", name, user=user, region=CENTRAL_REGION)


@pytest.fixture
def servers(lab, unique_name):
    """One server per region, created through the gateway; deleted afterwards."""
    created = {region.name: boot(lab, f"{unique_name}-{region.short}", region.az)
               for region in REGIONS}
    yield created
    for server in created.values():
        lab.openstack("server", "delete", "--wait", server["id"], user="demo",
                      region=CENTRAL_REGION, check=False)


def test_server_create_lands_in_the_region_of_its_az(lab, servers):
    for region in REGIONS:
        server = servers[region.name]
        assert server["status"] == "ACTIVE"
        assert server["OS-EXT-AZ:availability_zone"] == region.az
        # The region's own Nova holds it under the same id; the other does not.
        here = lab.sdk("demo", region.name).compute.find_server(server["id"],
                                                                ignore_missing=True)
        assert here is not None and here.name == server["name"]
        for other in set(REGIONS) - {region}:
            assert lab.sdk("demo", other.name).compute.find_server(
                server["id"], ignore_missing=True) is None


def test_server_list_merges_every_region(lab, servers):
    listed = lab.openstack_json("server", "list", user="demo", region=CENTRAL_REGION)
    ids = {server["ID"] for server in listed}
    assert {server["id"] for server in servers.values()} <= ids
    # Pages across the region boundary: one server per page, no duplicates.
    compute = lab.sdk("demo", CENTRAL_REGION).compute
    paged = [server.id for server in compute.servers(limit=1, paginated=True)]
    assert len(paged) == len(set(paged)) and set(paged) >= {s["id"] for s in servers.values()}


def test_actions_reach_the_right_region(lab, servers):
    server = servers["RegionTwo"]
    lab.openstack("server", "stop", server["id"], user="demo", region=CENTRAL_REGION)
    region_two = lab.sdk("demo", "RegionTwo").compute
    region_two.wait_for_server(region_two.get_server(server["id"]), status="SHUTOFF", wait=60)
    lab.openstack("server", "start", server["id"], user="demo", region=CENTRAL_REGION)
    region_two.wait_for_server(region_two.get_server(server["id"]), status="ACTIVE", wait=60)
    shown = lab.openstack_json("server", "show", server["id"], user="demo",
                               region=CENTRAL_REGION)
    assert shown["status"] == "ACTIVE"


def test_links_point_at_the_gateway(lab, servers):
    session = lab.sdk("demo", CENTRAL_REGION).session
    body = session.get("/servers?limit=1", endpoint_filter=COMPUTE).json()
    for link in body["servers"][0]["links"]:
        assert link["href"].startswith("http://127.0.0.1:20999/compute/"), link


@pytest.mark.parametrize("region", REGIONS, ids=REGION_IDS)
def test_volume_create_lands_in_the_region_of_its_az(lab, region, unique_name):
    volume = lab.openstack_json("volume", "create", "--size", "1", "--availability-zone",
                                region.az, unique_name, user="demo", region=CENTRAL_REGION)
    try:
        local = lab.sdk("demo", region.name).block_storage
        found = local.wait_for_status(local.get_volume(volume["id"]), status="available",
                                      failures=["error"], wait=120)
        assert found.availability_zone == region.az
        listed = lab.openstack_json("volume", "list", user="demo", region=CENTRAL_REGION)
        assert volume["id"] in {v["ID"] for v in listed}
    finally:
        lab.openstack("volume", "delete", volume["id"], user="demo", region=CENTRAL_REGION)


def test_another_tenant_cannot_reach_a_server_through_the_gateway(lab, servers):
    server = servers["RegionOne"]
    shown = lab.openstack("server", "show", server["id"], user="alt", region=CENTRAL_REGION,
                          check=False)
    assert shown.returncode != 0
    assert "No Server found" in shown.stderr or "404" in shown.stderr
    listed = lab.openstack_json("server", "list", user="alt", region=CENTRAL_REGION)
    assert server["id"] not in {s["ID"] for s in listed}


def test_a_server_made_directly_in_a_region_is_adopted(lab, unique_name):
    direct = lab.openstack_json(
        "server", "create", "--flavor", "m1.tiny", "--image", "tiny", "--nic", "none",
        "--wait", unique_name, user="demo", region="RegionTwo")
    try:
        shown = lab.openstack_json("server", "show", direct["id"], user="demo",
                                   region=CENTRAL_REGION)
        assert shown["name"] == unique_name
        assert shown["OS-EXT-AZ:availability_zone"] == "az2"
    finally:
        lab.openstack("server", "delete", "--wait", direct["id"], user="demo",
                      region="RegionTwo")


def test_a_stopped_region_fails_fast_by_name_and_recovers(lab, servers):
    layout = Layout.default()
    session = lab.sdk("demo", CENTRAL_REGION).session
    down_server = servers["RegionTwo"]["id"]
    assert procs.stop(layout, "nova-r2-api")
    try:
        routed = session.get(f"/servers/{down_server}", endpoint_filter=COMPUTE,
                             raise_exc=False)
        assert routed.status_code == 503
        assert "RegionTwo" in routed.json()["computeFault"]["message"]
        listed = session.get("/servers/detail", endpoint_filter=COMPUTE, raise_exc=False,
                             headers={"OpenStack-API-Version": "compute 2.69"})
        assert listed.status_code == 200
        assert listed.headers["X-Tricircle-Partial"] == "RegionTwo"
        by_id = {s["id"]: s for s in listed.json()["servers"]}
        assert by_id[servers["RegionOne"]["id"]]["status"] == "ACTIVE"
        assert by_id[down_server]["status"] == "UNKNOWN"  # as Nova shows a down cell
        older = session.get("/servers/detail", endpoint_filter=COMPUTE, raise_exc=False,
                            headers={"OpenStack-API-Version": "compute 2.68"})
        assert down_server not in {s["id"] for s in older.json()["servers"]}
    finally:
        restarted = subprocess.run(lab_command() + ["up"], capture_output=True, text=True)
        assert restarted.returncode == 0, restarted.stderr
    deadline = time.monotonic() + 120  # the circuit breaker's cool-down, at most
    while True:
        again = session.get(f"/servers/{down_server}", endpoint_filter=COMPUTE,
                            raise_exc=False)
        if again.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(2)
    assert again.status_code == 200, again.text


def test_a_flavor_created_through_the_gateway_exists_in_every_region(lab, unique_name):
    flavor = lab.openstack_json("flavor", "create", "--vcpus", "1", "--ram", "64", "--disk",
                                "1", unique_name, region=CENTRAL_REGION)
    try:
        for region in REGIONS:
            here = lab.sdk("admin", region.name).compute.find_flavor(flavor["id"],
                                                                     ignore_missing=True)
            assert here is not None and here.name == unique_name, region.name
    finally:
        lab.openstack("flavor", "delete", flavor["id"], region=CENTRAL_REGION)
    for region in REGIONS:
        assert lab.sdk("admin", region.name).compute.find_flavor(
            flavor["id"], ignore_missing=True) is None, region.name


def test_a_generated_key_pair_opens_servers_in_every_region(lab, unique_name):
    created = lab.openstack("keypair", "create", unique_name, user="demo",
                            region=CENTRAL_REGION)
    assert "BEGIN" in created.stdout  # the private key, shown once
    try:
        keys = [lab.sdk("demo", region.name).compute.find_keypair(unique_name)
                for region in REGIONS]
        assert all(key is not None for key in keys)
        assert len({key.public_key for key in keys}) == 1  # one private key for all
    finally:
        lab.openstack("keypair", "delete", unique_name, user="demo", region=CENTRAL_REGION)
    for region in REGIONS:
        assert lab.sdk("demo", region.name).compute.find_keypair(
            unique_name, ignore_missing=True) is None


def test_server_create_keeps_every_field_and_logs_no_secret(lab, unique_name, tmp_path):
    secret = f"user-data-{unique_name}"
    user_data = tmp_path / "user-data"
    user_data.write_text(f"#!/bin/sh\necho {secret}\n")
    lab.openstack("keypair", "create", "--public-key", str(_public_key(tmp_path)), unique_name,
                  user="demo", region=CENTRAL_REGION)
    server = lab.openstack_json(
        "--os-compute-api-version", "2.52",
        "server", "create", "--flavor", "m1.tiny", "--image", "tiny", "--nic", "none",
        "--availability-zone", "az2", "--key-name", unique_name, "--property", "role=web",
        "--tag", "blue", "--user-data", str(user_data), "--wait", unique_name,
        user="demo", region=CENTRAL_REGION)
    try:
        there = lab.sdk("demo", "RegionTwo").compute.get_server(server["id"])
        assert there.key_name == unique_name
        assert there.metadata == {"role": "web"}
        assert "blue" in (there.tags or lab.openstack_json(
            "--os-compute-api-version", "2.52", "server", "show", server["id"],
            user="demo", region="RegionTwo")["tags"])
        log = Layout.default().logs / "tricircle-api-app.log"
        assert secret not in log.read_text(errors="replace")
    finally:
        lab.openstack("server", "delete", "--wait", server["id"], user="demo",
                      region=CENTRAL_REGION)
        lab.openstack("keypair", "delete", unique_name, user="demo", region=CENTRAL_REGION)


def _public_key(tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    public = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    path = tmp_path / "id_ed25519.pub"
    path.write_bytes(public + b"\n")
    return path


def test_a_volume_attaches_to_a_server_of_its_region(lab, unique_name):
    server = boot(lab, unique_name, "az1")
    volume = lab.openstack_json("volume", "create", "--size", "1", "--availability-zone",
                                "az1", unique_name, user="demo", region=CENTRAL_REGION)
    storage = lab.sdk("demo", "RegionOne").block_storage
    try:
        storage.wait_for_status(storage.get_volume(volume["id"]), status="available",
                                failures=["error"], wait=120)
        lab.openstack("server", "add", "volume", server["id"], volume["id"], user="demo",
                      region=CENTRAL_REGION)
        storage.wait_for_status(storage.get_volume(volume["id"]), status="in-use",
                                failures=["error"], wait=120)
        lab.openstack("server", "remove", "volume", server["id"], volume["id"], user="demo",
                      region=CENTRAL_REGION)
        storage.wait_for_status(storage.get_volume(volume["id"]), status="available",
                                failures=["error"], wait=120)
    finally:
        lab.openstack("server", "delete", "--wait", server["id"], user="demo",
                      region=CENTRAL_REGION)
        lab.openstack("volume", "delete", volume["id"], user="demo", region=CENTRAL_REGION,
                      check=False)


def test_first_create_in_an_az_binds_the_tenant_to_its_pod(lab, servers):
    session = lab.sdk("admin", CENTRAL_REGION).session
    admin_api = {"service_type": "tricircle", "interface": "public",
                 "region_name": CENTRAL_REGION}
    demo_project = lab.sdk("demo", CENTRAL_REGION).current_project_id
    pods = {p["pod_id"]: p for p in session.get("/pods", endpoint_filter=admin_api)
            .json()["pods"]}
    bindings = session.get(f"/bindings?tenant_id={demo_project}",
                           endpoint_filter=admin_api).json()["bindings"]
    bound_zones = {pods[b["pod_id"]]["az_name"] for b in bindings if b["is_binding"]}
    assert {region.az for region in REGIONS} <= bound_zones


NOVA_PROXY = {"OpenStack-API-Version": "compute 2.35", "X-OpenStack-Nova-API-Version": "2.35"}


def _exit_in_region_one(lab, name: str) -> dict:
    """An external network of RegionOne, a network of RegionTwo and a router joining
    them: what a floating IP of a RegionTwo server needs in central Neutron."""
    admin, demo = (lab.sdk(user, CENTRAL_REGION).network for user in ("admin", "demo"))
    made = {"ext": admin.create_network(
        name=f"{name}-ext", is_router_external=True, availability_zone_hints=["RegionOne"],
        provider_network_type="flat", provider_physical_network=f"{name}-ext")}
    admin.create_subnet(network_id=made["ext"].id, ip_version=4, cidr="10.197.200.0/24",
                        is_dhcp_enabled=False, name=f"{name}-ext")
    made["net"] = demo.create_network(name=name, availability_zone_hints=["RegionTwo"])
    made["subnet"] = demo.create_subnet(network_id=made["net"].id, ip_version=4,
                                        cidr="10.197.2.0/24", name=name)
    made["router"] = demo.create_router(name=name)
    demo.add_interface_to_router(made["router"], subnet=made["subnet"].id)
    demo.update_router(made["router"], external_gateway_info={"network_id": made["ext"].id})
    return made


def _tear_down_exit(lab, made: dict) -> None:
    admin = lab.sdk("admin", CENTRAL_REGION).network
    for step in (lambda: admin.update_router(made["router"], external_gateway_info=None),
                 lambda: admin.remove_interface_from_router(
                     made["router"], subnet=made["subnet"].id),
                 lambda: admin.delete_router(made["router"]),
                 lambda: admin.delete_network(made["net"]),
                 lambda: admin.delete_network(made["ext"])):
        try:
            step()
        except Exception as exc:  # noqa: BLE001 (cleanup goes on; the test said what failed)
            print(f"cleanup: {exc}")


def test_novas_floating_ip_proxy_gives_a_server_of_another_region_an_address(
        lab, unique_name):
    """os-floating-ips and addFloatingIp through CentralRegion for a server of
    RegionTwo: allocated and associated in central Neutron, carried to the exit
    region (RegionOne) with the server's fixed IP, then released."""
    made = _exit_in_region_one(lab, unique_name)
    session = lab.sdk("demo", CENTRAL_REGION).session
    server = fip = None
    try:
        server = lab.openstack_json(
            "server", "create", "--flavor", "m1.tiny", "--image", "tiny", "--network",
            made["net"].id, "--availability-zone", "az2", "--wait", unique_name,
            user="demo", region=CENTRAL_REGION)
        fip = session.post("/os-floating-ips", json={"pool": made["ext"].name},
                           endpoint_filter=COMPUTE, headers=NOVA_PROXY).json()["floating_ip"]
        assert fip["pool"] == made["ext"].name and fip["instance_id"] is None

        added = session.post(f"/servers/{server['id']}/action",
                             json={"addFloatingIp": {"address": fip["ip"]}},
                             endpoint_filter=COMPUTE, headers=NOVA_PROXY)

        assert added.status_code == 202
        shown = session.get(f"/os-floating-ips/{fip['id']}", endpoint_filter=COMPUTE,
                            headers=NOVA_PROXY).json()["floating_ip"]
        assert shown["instance_id"] == server["id"]
        assert shown["fixed_ip"].startswith("10.197.2.")
        exit_region = lab.sdk("admin", "RegionOne").network
        bottom = poll(lambda: [f for f in exit_region.ips(floating_ip_address=fip["ip"])
                               if f.port_id], timeout=60)
        assert bottom and bottom[0].fixed_ip_address == shown["fixed_ip"]
        listed = session.get("/os-floating-ips", endpoint_filter=COMPUTE,
                             headers=NOVA_PROXY).json()["floating_ips"]
        assert shown in listed

        removed = session.post(f"/servers/{server['id']}/action",
                               json={"removeFloatingIp": {"address": fip["ip"]}},
                               endpoint_filter=COMPUTE, headers=NOVA_PROXY)
        assert removed.status_code == 202
        assert session.get(f"/os-floating-ips/{fip['id']}", endpoint_filter=COMPUTE,
                           headers=NOVA_PROXY).json()["floating_ip"]["instance_id"] is None
        released = session.delete(f"/os-floating-ips/{fip['id']}", endpoint_filter=COMPUTE,
                                  headers=NOVA_PROXY)
        assert released.status_code == 202
        fip = None
    finally:
        if fip is not None:
            lab.sdk("admin", CENTRAL_REGION).network.delete_ip(fip["id"],
                                                              ignore_missing=True)
        if server is not None:
            lab.openstack("server", "delete", "--wait", server["id"], user="demo",
                          region=CENTRAL_REGION, check=False)
        _tear_down_exit(lab, made)


def test_the_default_quota_class_is_keystones_registered_limits(lab, demo_limit):  # noqa: F811
    """With central quota (the lab's), a new project's quota is the registered limits
    of CentralRegion: the default quota class shows them and cannot be set."""
    session = lab.sdk("admin", CENTRAL_REGION).session
    shown = session.get("/os-quota-class-sets/default",
                        endpoint_filter=COMPUTE).json()["quota_class_set"]
    assert (shown["instances"], shown["cores"], shown["ram"]) == (
        COMPUTE_DEFAULTS["servers"], COMPUTE_DEFAULTS["class:VCPU"],
        COMPUTE_DEFAULTS["class:MEMORY_MB"])
    refused = lab.openstack("quota", "set", "--class", "--instances", "5", "default",
                            region=CENTRAL_REGION, check=False)
    assert refused.returncode != 0
    assert "openstack registered limit set" in refused.stderr, refused.stderr
    again = session.get("/os-quota-class-sets/default",
                        endpoint_filter=COMPUTE).json()["quota_class_set"]
    assert again["instances"] == COMPUTE_DEFAULTS["servers"]
