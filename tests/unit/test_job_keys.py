"""A job's resource is stored as one key and read back as the same fields."""

from tricircle.common import constants
from tricircle.objects import job


def test_every_job_type_round_trips_its_resource():
    for job_type, keys in constants.JOB_TYPES.items():
        resource = {key: f"{key}-value" for key in keys}
        assert job.resource_of(job_type, job.resource_id(job_type, resource)) == resource


def test_the_key_follows_the_declared_order_not_the_request_order():
    a = job.resource_id("router_setup", {"network_id": "n", "pod_id": "p", "router_id": "r"})
    assert a == "p#r#n"
