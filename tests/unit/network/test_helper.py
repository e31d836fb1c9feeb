"""How the plugins reach Tricircle's admin API and the Neutrons (tricircle.network.helper)."""

from unittest import mock

import pytest
from keystoneauth1 import exceptions as ks_exc

from tests.unit.client import fakes
from tricircle.common import neutron
from tricircle.common.neutron import Neutron, RemoteConflict, RemoteError
from tricircle.network import helper
from tricircleclient import exceptions as admin_exc

REGIONS = ["RegionOne", "RegionTwo"]
PODS = [{"pod_id": "pod-c", "region_name": "CentralRegion", "az_name": ""},
        {"pod_id": "pod-1", "region_name": "RegionOne", "az_name": "az1"},
        {"pod_id": "pod-2", "region_name": "RegionTwo", "az_name": "az1"}]


@pytest.fixture(autouse=True)
def no_pods_cache():
    helper._pods_cache = None
    yield
    helper._pods_cache = None


def _admin_api(answers: dict):
    """helper.admin_api answered by the real managers over a table of answers."""
    api = fakes.make_client(answers)
    return mock.patch.object(helper, "admin_api", return_value=api), api.http


def test_zones_map_regions_to_themselves_and_zones_to_their_pods():
    pods = [{"region_name": "CentralRegion", "az_name": ""},
            {"region_name": "RegionOne", "az_name": "az1"},
            {"region_name": "RegionTwo", "az_name": "az1"}]
    with mock.patch.object(helper, "network_regions", return_value=REGIONS), \
            mock.patch.object(helper, "_pods", return_value=pods):
        assert helper.zones() == {"RegionOne": {"RegionOne"}, "RegionTwo": {"RegionTwo"},
                                  "az1": {"RegionOne", "RegionTwo"}}


@pytest.mark.parametrize(("answer", "raises"), [
    ({"routing": {"id": 1}}, False),
    (admin_exc.Conflict("Routing exists", http_status=409), False),
    (admin_exc.InternalServerError("boom", http_status=500), True)])
def test_recording_a_routing_twice_is_fine_and_a_failure_is_named(answer, raises):
    patched, http = _admin_api({("POST", "/routings"): answer})
    with patched, mock.patch.object(helper, "pod_id_of", return_value="pod-1"):
        if raises:
            with pytest.raises(RemoteError, match="Tricircle's admin API: 500"):
                helper.record_routing("net-1", "network", "demo", "RegionOne")
        else:
            helper.record_routing("net-1", "network", "demo", "RegionOne")
    assert http.calls == [("POST", "/routings", {"routing": {
        "top_id": "net-1", "bottom_id": "net-1", "pod_id": "pod-1", "project_id": "demo",
        "resource_type": "network"}})]


def test_a_routing_without_a_pod_is_refused_before_asking():
    patched, http = _admin_api({("GET", "/pods"): {"pods": []}})
    with patched, pytest.raises(RemoteError, match="no pod is registered for RegionOne"):
        helper.record_routing("net-1", "network", "demo", "RegionOne")
    assert [call[:2] for call in http.calls] == [("GET", "/pods")]


def test_routings_carry_the_region_of_their_pod():
    routed = [{"id": 7, "top_id": "net-1", "pod_id": "pod-2"},
              {"id": 8, "top_id": "net-1", "pod_id": "pod-gone"}]
    patched, http = _admin_api({("GET", "/pods"): {"pods": PODS},
                                ("GET", "/routings"): {"routings": routed}})
    with patched:
        found = helper.routings("net-1", "network")
    assert [(r["id"], r["region_name"]) for r in found] == [(7, "RegionTwo"), (8, None)]
    assert ("GET", "/routings", {"resource_type": "network", "top_id": "net-1"}) in http.calls


def test_forgetting_a_routing_already_gone_is_fine():
    patched, _ = _admin_api({("DELETE", "/routings/7"): admin_exc.NotFound(
        "no routing 7", http_status=404)})
    with patched:
        helper.forget_routing(7)


def test_a_job_is_queued_through_the_admin_api():
    job = {"id": "job-1", "type": "seg_rule_setup"}
    patched, http = _admin_api({("POST", "/jobs"): {"job": job}})
    with patched:
        assert helper.queue_job("seg_rule_setup", "demo", {"project_id": "demo"}) == job
    assert http.calls[0][2] == {"job": {"type": "seg_rule_setup", "project_id": "demo",
                                        "resource": {"project_id": "demo"}}}


def test_a_conflict_of_the_admin_api_is_a_remote_conflict():
    patched, _ = _admin_api({("POST", "/jobs"): admin_exc.Conflict("busy", http_status=409)})
    with patched, pytest.raises(RemoteConflict) as raised:
        helper.queue_job("seg_rule_setup", "demo", {"project_id": "demo"})
    assert raised.value.service == "Tricircle's admin API" and raised.value.detail == "busy"


def test_an_unreachable_admin_api_is_a_remote_error_without_status():
    down = ks_exc.ConnectFailure("Connection refused")
    patched, _ = _admin_api({("POST", "/jobs"): down})
    with patched, pytest.raises(RemoteError) as raised:
        helper.queue_job("seg_rule_setup", "demo", {"project_id": "demo"})
    assert raised.value.unreachable and "Connection refused" in str(raised.value)


def test_a_failed_rule_sync_is_logged_not_raised(caplog):
    down = admin_exc.ServiceUnavailable("down", http_status=503)
    patched, _ = _admin_api({("POST", "/jobs"): down})
    with patched:
        helper.queue_rule_sync("demo")
    assert "seg_rule_setup of project demo not queued" in caplog.text


def test_pods_are_kept_for_their_ttl_and_none_when_the_api_fails():
    patched, http = _admin_api({("GET", "/pods"): {"pods": PODS}})
    with patched:
        assert helper.pod_id_of("RegionTwo") == "pod-2"
        assert helper.pod_id_of("RegionOne") == "pod-1"
    assert len(http.calls) == 1  # the second answer came from the cache
    helper._pods_cache = None
    patched, _ = _admin_api({("GET", "/pods"): admin_exc.InternalServerError(
        "boom", http_status=500)})
    with patched:
        assert helper.pod_id_of("RegionOne") is None


def test_each_region_has_one_neutron_named_after_it():
    with mock.patch.object(helper, "session"), mock.patch.dict(helper._neutrons, clear=True):
        assert helper.neutron("RegionOne") is helper.neutron("RegionOne")
        assert isinstance(helper.central(), Neutron)
        assert helper.central().service == "CentralRegion Neutron"


def test_keystone_down_is_a_remote_error_naming_it():
    session = mock.Mock()
    session.auth.get_access.side_effect = ks_exc.ConnectFailure("Connection refused")
    with mock.patch.object(helper, "session", return_value=session):
        with pytest.raises(RemoteError, match="Keystone: unreachable"):
            helper.network_regions()


def test_urls_say_security_groups_with_a_dash():
    # The plugins name resource types as bodies do; the Neutron client maps them.
    assert neutron.collection("security_group") == "security-groups"
    assert neutron.collection("port") == "ports"
