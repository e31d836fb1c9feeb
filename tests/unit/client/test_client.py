"""Client: endpoint from the adapter (with /v1.0 added when missing), JSON, errors."""

import json
from unittest import mock

import pytest
import requests
from keystoneauth1 import session as ks_session

from tricircleclient import client, exceptions


def _response(status: int, body=None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(body).encode() if body is not None else b""
    return response


def _http(endpoint: str = "http://api:19999/v1.0", answer=None) -> client.HTTPClient:
    adapter = mock.Mock(region_name="RegionOne")
    adapter.get_endpoint.return_value = endpoint
    adapter.request.return_value = answer if answer is not None else _response(200, {})
    return client.HTTPClient(adapter)


@pytest.mark.parametrize("endpoint", ["http://api:19999", "http://api:19999/",
                                      "http://api:19999/v1.0", "http://api:19999/v1.0/"])
def test_version_path_is_added_only_when_missing(endpoint):
    http = _http(endpoint)
    http.get("/pods")
    url, method = http.adapter.request.call_args.args
    assert (url, method) == ("http://api:19999/v1.0/pods", "GET")


def test_the_endpoint_under_a_path_prefix_keeps_it():
    assert client.with_version_path("https://h/tricircle/") == "https://h/tricircle/v1.0"


def test_endpoint_is_resolved_once_and_lazily():
    http = _http()
    http.adapter.get_endpoint.assert_not_called()
    http.get("/pods")
    http.get("/jobs")
    assert http.adapter.get_endpoint.call_count == 1


def test_no_endpoint_in_the_catalog_is_a_clear_error():
    http = _http(endpoint=None)
    with pytest.raises(exceptions.TricircleClientError, match="No endpoint for service type"):
        http.get("/pods")


def test_body_is_sent_as_json_and_errors_are_not_raised_by_keystoneauth():
    http = _http(answer=_response(200, {"pod": {"pod_id": "p"}}))
    assert http.post("/pods", {"pod": {"region_name": "R"}}) == {"pod": {"pod_id": "p"}}
    kwargs = http.adapter.request.call_args.kwargs
    assert json.loads(kwargs["data"]) == {"pod": {"region_name": "R"}}
    assert kwargs["headers"]["Content-Type"] == "application/json"
    assert kwargs["raise_exc"] is False


def test_query_parameters_are_passed_through():
    http = _http(answer=_response(200, {"pods": []}))
    http.get("/pods", params={"limit": "2"})
    assert http.adapter.request.call_args.kwargs["params"] == {"limit": "2"}


def test_an_empty_answer_is_none():
    assert _http(answer=_response(204)).delete("/pods/p") is None


def test_an_error_answer_raises_the_typed_exception():
    answer = _response(409, {"conflictingRequest": {"code": 409, "message": "Busy."}})
    with pytest.raises(exceptions.Conflict, match="Busy"):
        _http(answer=answer).delete("/pods/p")


def test_client_builds_a_tricircle_adapter_with_the_given_options():
    session = ks_session.Session()
    tricircle = client.Client(session=session, region_name="CentralRegion",
                              endpoint_override="http://api:19999", interface="internal")
    adapter = tricircle.http.adapter
    assert adapter.service_type == "multi-region-network-automation"
    assert (adapter.region_name, adapter.interface) == ("CentralRegion", "internal")
    assert tricircle.http.base_url == "http://api:19999/v1.0"
    for name in ("pods", "routings", "jobs", "bindings", "usages"):
        assert getattr(tricircle, name).http is tricircle.http


def test_unsupported_api_version_is_refused():
    with pytest.raises(exceptions.TricircleClientError, match="Unsupported API version"):
        client.Client(session=ks_session.Session(), api_version="2")
