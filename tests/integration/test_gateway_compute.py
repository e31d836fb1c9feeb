"""Compute through CentralRegion in the real lab: server groups place servers, the
admin views count every region (stock `openstack` CLI and openstacksdk)."""

from tricircle.lab.layout import CENTRAL_REGION, REGIONS


def test_a_server_with_a_group_hint_lands_in_the_groups_region(lab, unique_name):
    group = lab.openstack_json("server", "group", "create", "--policy", "anti-affinity",
                               unique_name, user="demo", region=CENTRAL_REGION)
    try:
        listed = lab.openstack_json("server", "group", "list", user="demo",
                                    region=CENTRAL_REGION)
        assert group["id"] in {g["ID"] for g in listed}
        home = next(r for r in REGIONS if lab.sdk("demo", r.name).compute.find_server_group(
            group["id"], ignore_missing=True) is not None)
        server = lab.openstack_json(
            "server", "create", "--flavor", "m1.tiny", "--image", "tiny", "--nic", "none",
            "--hint", f"group={group['id']}", "--wait", unique_name, user="demo",
            region=CENTRAL_REGION)
        try:
            assert server["OS-EXT-AZ:availability_zone"] == home.az
            assert lab.sdk("demo", home.name).compute.find_server(
                server["id"], ignore_missing=True) is not None
        finally:
            lab.openstack("server", "delete", "--wait", server["id"], user="demo",
                          region=CENTRAL_REGION)
    finally:
        lab.openstack("server", "group", "delete", group["id"], user="demo",
                      region=CENTRAL_REGION, check=False)


def test_admin_views_count_every_region(lab):
    zones = lab.openstack_json("availability", "zone", "list", "--long", "--compute",
                               region=CENTRAL_REGION)
    hosts = {z["Zone Name"]: z["Host Name"] for z in zones if z.get("Host Name")}
    assert {region.az for region in REGIONS} <= set(hosts)
    through = lab.openstack_json("hypervisor", "list", region=CENTRAL_REGION)
    direct = sum(len(lab.openstack_json("hypervisor", "list", region=r.name))
                 for r in REGIONS)
    assert len(through) == direct
    usage = lab.openstack("usage", "list", region=CENTRAL_REGION)
    assert usage.returncode == 0
