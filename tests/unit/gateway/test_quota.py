"""The pieces of central quota that need no region: faults, deltas, usage requests."""

from oslo_limit import exception as limit_exc

from tricircle.gateway import quota, quota_resources, usage


def _over(*infos):
    return limit_exc.ProjectOverLimit("p1", [limit_exc.OverLimitInfo(*i) for i in infos])


def test_nova_fault_words_several_resources_as_nova_does():
    error = quota.nova_fault(_over(("servers", 2, 2, 1), ("class:VCPU", 4, 3, 2)))
    assert error.status == 403
    assert error.message == ("Quota exceeded for cores, instances: Requested 2, 1, but "
                             "already used 3, 2 of 4, 2 cores, instances")


def test_cinder_fault_prefers_gigabytes_and_carries_retry_after():
    error = quota.cinder_fault(_over(("volumes", 1, 1, 1), ("gigabytes", 10, 8, 5)))
    assert error.status == 413 and error.details == {"retryAfter": "0"}
    assert error.headers == {"Retry-After": "0"}
    assert error.message.startswith("VolumeSizeExceedsAvailableQuota: ")
    assert "Requested 5G, quota is 10G and 8G has been consumed." in error.message


def test_server_deltas_multiply_the_flavor():
    assert quota._server_deltas({"vcpus": 2, "ram": 1024}, 3) == {
        "servers": 3, "class:VCPU": 6, "class:MEMORY_MB": 3072}
    assert quota._server_deltas(None, 1) == {"servers": 1}


def test_usage_request_names_another_project_the_services_way():
    assert usage._request("compute", "p1", "p1") == ("/v2.1/limits", "", {})
    assert usage._request("compute", "admin", "p1") == ("/v2.1/limits", "tenant_id=p1", {})
    assert usage._request("volumev3", "admin", "p1") == (
        "/v3/admin/limits", "project_id=p1", {"OpenStack-API-Version": "volume 3.39"})


def test_usage_fields_and_names_come_from_the_one_resource_table():
    assert usage.FIELDS == {
        "compute": {"servers": "totalInstancesUsed", "cores": "totalCoresUsed",
                    "ram": "totalRAMUsed"},
        "volumev3": {"volumes": "totalVolumesUsed", "gigabytes": "totalGigabytesUsed",
                     "snapshots": "totalSnapshotsUsed"}}
    assert usage.NAMES == ("servers", "cores", "ram", "volumes", "gigabytes", "snapshots")
    names = {r.unified_name: r.legacy_name for r in quota_resources.RESOURCES}
    assert names["servers"] == "instances" and names["class:MEMORY_MB"] == "ram"


def test_usage_total_sums_regions():
    found = usage.Usage({"R1": {"servers": 1, "ram": 512}, "R2": {"servers": 2}}, [])
    assert found.total(["servers", "ram"]) == {"servers": 3, "ram": 512}
