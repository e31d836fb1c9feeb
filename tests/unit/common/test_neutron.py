"""tricircle.common.neutron: one way to call a Neutron, one error family.

The calls go through the real keystoneauth Adapter and Session down to
requests; only requests' transport is replaced (:class:`Transport`), so the
URLs, bodies and timeouts checked are the ones that would go on the wire.
"""

import json

import pytest
import requests
from keystoneauth1 import session as ks_session

from tricircle.common import client, neutron
from tricircle.common.config import CONF
from tricircle.common.neutron import Neutron, RemoteConflict, RemoteError

ENDPOINT = "http://neutron.test:9696"


class Transport(requests.adapters.BaseAdapter):
    """requests' transport as a table: (method, path and query) -> (status, body),
    or an exception to raise; every request sent is kept in ``sent``."""

    def __init__(self) -> None:
        super().__init__()
        self.answers: dict[tuple[str, str], tuple[int, object] | Exception] = {}
        self.sent: list[dict] = []

    def send(self, request, stream=False, timeout=None, verify=True, cert=None,
             proxies=None):
        path = request.url.removeprefix(ENDPOINT)
        self.sent.append({"method": request.method, "path": path, "timeout": timeout,
                          "body": json.loads(request.body) if request.body else None})
        answer = self.answers.get((request.method, path), (404, {"NeutronError": {
            "type": "NotFound", "message": f"{path} not found", "detail": ""}}))
        if isinstance(answer, Exception):
            raise answer
        status, body = answer
        response = requests.Response()
        response.status_code, response.url, response.request = status, request.url, request
        response._content = b"" if body is None else json.dumps(body).encode()
        response.headers["Content-Type"] = "application/json"
        return response

    def close(self) -> None:
        pass


@pytest.fixture
def transport() -> Transport:
    return Transport()


@pytest.fixture
def region(transport) -> Neutron:
    http = requests.Session()
    http.mount("http://", transport)
    return Neutron(ks_session.Session(session=http), "RegionOne", endpoint=ENDPOINT)


def test_get_returns_the_object_and_none_for_a_404(region, transport):
    transport.answers[("GET", "/v2.0/networks/net-1")] = (200, {"network": {"id": "net-1"}})
    assert region.get("network", "net-1") == {"id": "net-1"}
    assert region.get("network", "net-2") is None


def test_delete_is_true_when_deleted_and_false_when_gone_already(region, transport):
    transport.answers[("DELETE", "/v2.0/ports/p1")] = (204, None)
    assert region.delete("port", "p1") is True
    assert region.delete("port", "p2") is False


def test_ids_are_quoted_into_one_path_segment(region, transport):
    assert region.get("port", "a/b?c=d") is None
    assert transport.sent[-1]["path"] == "/v2.0/ports/a%2Fb%3Fc%3Dd"


def test_find_sends_filters_as_a_query_and_reads_the_list_key(region, transport):
    transport.answers[("GET", "/v2.0/ports?binding%3Ahost_id=h1&network_id=net-1")] = (
        200, {"ports": [{"id": "p1"}]})
    assert region.find("port", network_id="net-1", **{"binding:host_id": "h1"}) == [
        {"id": "p1"}]
    transport.answers[("GET", "/v2.0/security-groups?id=g1&id=g2")] = (
        200, {"security_groups": [{"id": "g1"}, {"id": "g2"}]})
    assert len(region.find("security_group", id=["g1", "g2"])) == 2
    transport.answers[("GET", "/v2.0/qos/policies")] = (200, {"policies": []})
    assert region.find("qos_policy") == []


@pytest.mark.parametrize(("resource_type", "collection", "list_key"), [
    ("security_group", "security-groups", "security_groups"),
    ("security_group_rule", "security-group-rules", "security_group_rules"),
    ("qos_policy", "qos/policies", "policies"),
    ("port_chain", "sfc/port_chains", "port_chains"),
    ("floatingip", "floatingips", "floatingips"),
    ("network", "networks", "networks"),
])
def test_urls_and_list_keys_of_resource_types(resource_type, collection, list_key):
    assert neutron.collection(resource_type) == collection
    assert neutron.list_key(resource_type) == list_key


def test_create_and_update_wrap_the_body_in_the_resource_type(region, transport):
    transport.answers[("POST", "/v2.0/ports")] = (201, {"port": {"id": "p1", "name": "a"}})
    transport.answers[("PUT", "/v2.0/ports/p1")] = (200, {"port": {"id": "p1", "name": "b"}})
    assert region.create("port", {"name": "a"}) == {"id": "p1", "name": "a"}
    assert region.update("port", "p1", {"name": "b"})["name"] == "b"
    assert [sent["body"] for sent in transport.sent] == [{"port": {"name": "a"}},
                                                         {"port": {"name": "b"}}]


def test_an_error_answer_is_a_remote_error_naming_service_status_and_message(
        region, transport):
    transport.answers[("DELETE", "/v2.0/routers/r1")] = (500, {"NeutronError": {
        "type": "Internal", "message": "the database is gone", "detail": ""}})
    with pytest.raises(RemoteError) as caught:
        region.delete("router", "r1")
    error = caught.value
    assert type(error) is RemoteError
    assert (error.service, error.status, error.region) == ("RegionOne Neutron", 500,
                                                           "RegionOne")
    assert error.message.startswith("RegionOne Neutron: 500: ")
    assert neutron.reason(error.detail) == "the database is gone"


def test_a_409_is_a_remote_conflict(region, transport):
    transport.answers[("POST", "/v2.0/ports")] = (409, {"NeutronError": {
        "type": "MacAddressInUse", "message": "MAC in use", "detail": ""}})
    with pytest.raises(RemoteConflict) as caught:
        region.create("port", {"mac_address": "fa:16:3e:00:00:01"})
    assert caught.value.status == 409 and isinstance(caught.value, RemoteError)


def test_a_404_is_an_error_where_absence_is_no_answer(region, transport):
    with pytest.raises(RemoteError) as caught:
        region.find("trunk")  # no trunk extension: the list itself is missing
    assert caught.value.status == 404


@pytest.mark.parametrize("failure", [requests.exceptions.ConnectionError("refused"),
                                     requests.exceptions.ReadTimeout("too slow")])
def test_a_region_that_does_not_answer_is_unreachable(region, transport, failure):
    transport.answers[("GET", "/v2.0/networks/net-1")] = failure
    with pytest.raises(RemoteError) as caught:
        region.get("network", "net-1")
    assert caught.value.status is None and caught.value.unreachable
    assert "unreachable" in caught.value.message
    assert len(transport.sent) == 1  # no retry behind the caller's back


def test_every_call_carries_the_client_timeouts(region, transport):
    CONF.set_override("connect_timeout", 1.5, "client")
    CONF.set_override("request_timeout", 7.0, "client")
    try:
        region.get("network", "net-1")
        region.delete("port", "p1")
        assert client.timeouts() == (1.5, 7.0)
        assert [sent["timeout"] for sent in transport.sent] == [(1.5, 7.0), (1.5, 7.0)]
    finally:
        CONF.clear_override("connect_timeout", "client")
        CONF.clear_override("request_timeout", "client")


def test_reason_reads_the_message_inside_an_error_body():
    assert neutron.reason('{"NeutronError": {"message": "no such port"}}') == "no such port"
    assert neutron.reason('{"itemNotFound": {"message": "gone", "code": 404}}') == "gone"
    assert neutron.reason("<html>Bad Gateway</html>") == "<html>Bad Gateway</html>"


def test_a_qos_policy_is_sent_and_read_under_policy(region, transport):
    transport.answers[("GET", "/v2.0/qos/policies/q1")] = (200, {"policy": {"id": "q1"}})
    transport.answers[("POST", "/v2.0/qos/policies")] = (201, {"policy": {"id": "q2"}})
    assert region.get("qos_policy", "q1") == {"id": "q1"}
    assert region.create("qos_policy", {"name": "gold"}) == {"id": "q2"}
    assert transport.sent[-1]["body"] == {"policy": {"name": "gold"}}
