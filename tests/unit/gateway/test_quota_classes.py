"""A quota class under central quota: Keystone's registered limits in the region's set."""

from tricircle.gateway import quota_classes


def test_central_resources_are_the_registered_limits_and_the_rest_the_regions():
    region = {"id": "default", "instances": 10, "cores": 20, "ram": 51200, "key_pairs": 100}
    shown = quota_classes.central_class_set(region, {"servers": 4, "class:VCPU": 8},
                                            "compute")
    assert shown == {"id": "default", "instances": 4, "cores": 8, "ram": -1,
                     "key_pairs": 100}
    assert region["instances"] == 10  # the region's answer is left as it was


def test_cinder_classes_take_volumes_gigabytes_and_snapshots():
    shown = quota_classes.central_class_set({"backups": 10, "volumes_lvm": 5},
                                            {"volumes": 3, "gigabytes": 30}, "volumev3")
    assert shown == {"backups": 10, "volumes_lvm": 5, "volumes": 3, "gigabytes": 30,
                     "snapshots": -1}
