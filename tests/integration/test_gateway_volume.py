"""Cinder's global resources and families through CentralRegion in the real lab,
with the stock `openstack` CLI and openstacksdk."""

from tests.integration.conftest import poll
from tricircle.lab.layout import CENTRAL_REGION, REGIONS


def test_a_volume_type_made_centrally_exists_by_name_in_every_region(lab, unique_name):
    made = lab.openstack_json("volume", "type", "create", "--property", "tier=gold",
                              unique_name, region=CENTRAL_REGION)
    try:
        for region in REGIONS:
            found = lab.openstack_json("volume", "type", "show", unique_name,
                                       region=region.name)
            assert found["name"] == unique_name
            assert "tier" in str(found["properties"])
    finally:
        lab.openstack("volume", "type", "delete", made["id"], region=CENTRAL_REGION)
    for region in REGIONS:
        assert unique_name not in lab.openstack("volume", "type", "list",
                                                region=region.name).stdout


def _summary(lab, region_name: str) -> dict:
    cinder = lab.sdk("demo", region_name).block_storage
    return cinder.get("/volumes/summary", microversion="3.12").json()["volume-summary"]


def test_the_summary_is_summed_and_a_transfer_is_accepted_through_the_gateway(
        lab, unique_name):
    volumes = [lab.openstack_json("volume", "create", "--size", "1",
                                  "--availability-zone", region.az,
                                  f"{unique_name}-{region.short}", user="demo",
                                  region=CENTRAL_REGION) for region in REGIONS]
    try:
        central = _summary(lab, CENTRAL_REGION)
        direct = [_summary(lab, region.name) for region in REGIONS]
        assert central["total_count"] == sum(s["total_count"] for s in direct)
        assert central["total_size"] == sum(s["total_size"] for s in direct)
        assert all(s["total_count"] >= 1 for s in direct)
        assert poll(lambda: lab.openstack_json("volume", "show", volumes[-1]["id"],
                                               user="demo", region=CENTRAL_REGION,
                                               )["status"] == "available")
        transfer = lab.openstack_json("volume", "transfer", "request", "create",
                                      volumes[-1]["id"], user="demo",
                                      region=CENTRAL_REGION)
        # The lab runs central quota: the accept is counted for admin's project
        # (the size read with the service account), then forwarded to the region.
        accepted = lab.openstack_json("volume", "transfer", "request", "accept",
                                      "--auth-key", transfer["auth_key"], transfer["id"],
                                      user="admin", region=CENTRAL_REGION)
        assert accepted["volume_id"] == volumes[-1]["id"]
        shown = lab.openstack_json("volume", "show", volumes[-1]["id"], user="admin",
                                   region=CENTRAL_REGION)
        assert shown["id"] == volumes[-1]["id"]
    finally:
        for volume, user in zip(volumes, ["demo"] * (len(volumes) - 1) + ["admin"],
                                strict=True):
            lab.openstack("volume", "delete", volume["id"], user=user,
                          region=CENTRAL_REGION, check=False)
