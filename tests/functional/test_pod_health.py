"""A pod's health as the gateway's breakers saw it: a region that stops answering
opens its breaker in one tricircle-api process, and the admin API shows it to
the operator from the database; members may not read it."""

import time

import pytest

from tests.functional.test_gateway import boot, fakes, gw, nova  # noqa: F401 - fixtures
from tests.unit.gateway.fakes import FakeRegion
from tricircle.common import config
from tricircle.gateway import breaker_states, regions


@pytest.fixture
def three_failures():
    config.CONF.set_override("failure_threshold", 3, "gateway")
    config.CONF.set_override("retry_after", 1.0, "gateway")
    yield
    config.CONF.clear_override("failure_threshold", "gateway")
    config.CONF.clear_override("retry_after", "gateway")


def health(api, pod_id: str) -> dict:
    resp = api.get(f"/v1.0/pods/{pod_id}/health")
    assert resp.status_int == 200, resp.text
    return resp.json["health"]


def test_a_stopped_region_shows_its_breaker_open_then_closed_once_it_answers(
        gw, pods, fakes, three_failures):  # noqa: F811 - the fixtures imported above
    alice = gw.as_user("alice", "demo")
    server = boot(alice, az="az2").json["server"]["id"]
    region_two = pods["RegionTwo"]["pod_id"]
    assert breaker_states.RECORDER.flush(10)
    assert health(gw, pods["CentralRegion"]["pod_id"])["services"] == {}  # never called
    # The process's first answer from RegionTwo's Nova: its view, closed, recorded once.
    first = health(gw, region_two)
    assert first["pod_id"] == region_two and first["region_name"] == "RegionTwo"
    assert first["services"]["compute"]["state"] == "closed"
    nova(fakes, "RegionTwo").stop()
    for _ in range(4):  # three failures open it, the fourth fails fast
        assert alice.get(f"/compute/v2.1/servers/{server}").status_int == 503
    assert breaker_states.RECORDER.flush(10)
    compute = health(gw, region_two)["services"]["compute"]
    assert compute["state"] == "open" and compute["failures"] == 3
    assert compute["last_error"] == "ConnectFailure"
    assert compute["reported_by"] == breaker_states.reporter()
    assert compute["since"] == compute["reported_at"]
    assert compute["since"] > first["services"]["compute"]["since"]

    # RegionTwo's Nova answers again: after the cool-down the next call is the
    # trial, and closes it.
    time.sleep(1.0)
    back = FakeRegion("RegionTwo", "compute", "2.90", "az2")
    try:
        regions.set_endpoint("RegionTwo", "compute", back.url)
        assert alice.get("/compute/v2.1/servers").status_int == 200
        assert breaker_states.RECORDER.flush(10)
        compute_now = health(gw, region_two)["services"]["compute"]
    finally:
        back.stop()
    assert compute_now["state"] == "closed" and compute_now["since"] > compute["since"]
    assert compute_now["last_error"] == "ConnectFailure"  # what the outage was


def test_health_of_an_unknown_pod_is_404(api):
    resp = api.get("/v1.0/pods/1b6bd2a8-6bbf-4c5c-9b8e-0e1f0c8a4f11/health")
    assert resp.status_int == 404


def test_members_may_not_read_a_pods_health(api, pods):
    resp = api.as_user("alice", "demo").get(
        f"/v1.0/pods/{pods['RegionOne']['pod_id']}/health")
    assert resp.status_int == 403
    assert "tricircle:pods:health" in resp.json["forbidden"]["message"]
