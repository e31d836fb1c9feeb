"""os-quota-class-sets of Nova and Cinder through the gateway: Keystone's registered
limits with central quota, every region's class without it (fake regions, fake
Keystone limits as in test_quota.py)."""

# ruff: noqa: F811  (pytest fixtures imported by name, then requested by argument)
import json

import pytest

from tests.functional.test_gateway import cinder, fakes, gw, nova  # noqa: F401
from tests.functional.test_quota import keystone  # noqa: F401
from tests.unit.gateway.fakes import REGION_QUOTA
from tricircle.common import config

NOVA_CLASS = "/compute/v2.1/os-quota-class-sets/default"
CINDER_CLASS = "/volume/v3/admin/os-quota-class-sets/default"
# What each fake region's quota class holds before a test changes it.
CLASS_SETS = {"compute": {"instances": 10, "cores": 20, "ram": 51200, "key_pairs": 100,
                          "metadata_items": 128},
              "volume": {"volumes": 10, "gigabytes": 1000, "snapshots": 10, "backups": 10}}


def _serve_quota_classes(fake):
    """Give a fake region a quota class that a GET shows and a PUT changes."""
    fake.class_set = dict(CLASS_SETS[fake.kind])
    route = fake._route

    def routed(method, path, environ, body, headers):
        if "/os-quota-class-sets/" not in path:
            return route(method, path, environ, body, headers)
        class_id = path.rstrip("/").rsplit("/", 1)[-1]
        if method == "PUT":
            fake.class_set.update(json.loads(body)["quota_class_set"])
            return 200, {"quota_class_set": dict(fake.class_set)}, []
        return 200, {"quota_class_set": {"id": class_id, **fake.class_set}}, []

    fake._route = routed


@pytest.fixture
def classes(fakes):
    for fake in fakes.values():
        _serve_quota_classes(fake)
    return fakes


def message(resp) -> str:
    return next(iter(resp.json.values()))["message"]


def test_with_central_quota_the_default_class_is_keystones_registered_limits(
        gw, classes, keystone):
    keystone.register("compute", servers=7, class__VCPU=9)
    del keystone.registered[("compute", "class:MEMORY_MB")]  # no RAM limit registered
    keystone.register("block-storage", volumes=3, gigabytes=30, snapshots=4)

    compute = gw.get(NOVA_CLASS)
    volume = gw.get(CINDER_CLASS)

    assert compute.status_int == 200, compute.text
    assert compute.json["quota_class_set"] == {
        "id": "default", "instances": 7, "cores": 9, "ram": -1,  # -1: unlimited
        "key_pairs": 100, "metadata_items": 128}  # not central quota's: the region's
    assert volume.json["quota_class_set"] == {
        "id": "default", "volumes": 3, "gigabytes": 30, "snapshots": 4, "backups": 10}


def test_with_central_quota_a_class_put_points_at_registered_limit_set(
        gw, classes, keystone):
    for path, body in ((NOVA_CLASS, {"quota_class_set": {"instances": 50}}),
                       (CINDER_CLASS, {"quota_class_set": {"volumes": 50}})):
        resp = gw.put(path, body)
        assert resp.status_int == 400
        assert "openstack registered limit set" in message(resp)
    assert all(fake.class_set == CLASS_SETS[fake.kind] for fake in classes.values())


def test_with_central_quota_keystone_down_is_a_503(gw, classes, keystone):
    keystone.down = True
    resp = gw.get(NOVA_CLASS)
    assert resp.status_int == 503 and "Keystone" in message(resp)


def test_without_central_quota_a_class_put_reaches_every_region(gw, classes):
    assert not config.CONF.gateway.central_quota
    resp = gw.put(NOVA_CLASS, {"quota_class_set": {"instances": 50}})
    assert resp.status_int == 200, resp.text
    assert resp.json["quota_class_set"]["instances"] == 50
    for region in ("RegionOne", "RegionTwo"):
        assert nova(classes, region).class_set["instances"] == 50
    assert gw.get(NOVA_CLASS).json["quota_class_set"]["instances"] == 50  # one region's
    volume = gw.put(CINDER_CLASS, {"quota_class_set": {"gigabytes": 77}})
    assert volume.status_int == 200
    assert [cinder(classes, r).class_set["gigabytes"] for r in ("RegionOne", "RegionTwo")
            ] == [77, 77]


def test_without_central_quota_a_region_that_misses_the_put_is_named(gw, classes):
    nova(classes, "RegionTwo").stop()
    resp = gw.put(NOVA_CLASS, {"quota_class_set": {"cores": 33}})
    assert resp.status_int == 503
    assert "RegionTwo" in message(resp) and "RegionOne" in message(resp)
    assert resp.headers["X-Tricircle-Partial"] == "RegionTwo"
    assert nova(classes, "RegionOne").class_set["cores"] == 33



NOVA_DEFAULTS = "/compute/v2.1/os-quota-sets/demo/defaults"
CINDER_DEFAULTS = "/volume/v3/admin/os-quota-sets/demo/defaults"


def test_with_central_quota_a_projects_defaults_are_the_registered_limits(
        gw, classes, keystone):
    keystone.register("compute", servers=7, class__VCPU=9)
    keystone.register("block-storage", volumes=3, gigabytes=30, snapshots=4)
    keystone.set_project("compute", "demo", servers=2)  # the project's, not a default

    compute = gw.get(NOVA_DEFAULTS)
    volume = gw.get(CINDER_DEFAULTS)

    assert compute.status_int == 200, compute.text
    assert (compute.json["quota_set"]["instances"], compute.json["quota_set"]["cores"]
            ) == (7, 9)
    assert volume.status_int == 200, volume.text
    shown = volume.json["quota_set"]
    assert (shown["volumes"], shown["gigabytes"], shown["snapshots"]) == (3, 30, 4)
    # The same numbers as the default class, as on one Nova or Cinder.
    assert gw.get(CINDER_CLASS).json["quota_class_set"]["volumes"] == 3


def test_without_central_quota_a_projects_defaults_add_up_over_the_regions(gw, classes):
    assert not config.CONF.gateway.central_quota
    compute = gw.get(NOVA_DEFAULTS)
    volume = gw.get(CINDER_DEFAULTS)
    assert compute.status_int == 200 and volume.status_int == 200, volume.text
    assert compute.json["quota_set"]["instances"] == 2 * REGION_QUOTA["compute"]["instances"]
    assert volume.json["quota_set"]["volumes"] == 2 * REGION_QUOTA["volume"]["volumes"]
