"""HTTP answers >= 400 become typed errors that read like the server's message."""

import json

import pytest
import requests

from tricircleclient import exceptions


def _response(status: int, body: bytes | str = b"", headers: dict | None = None,
              reason: str = "") -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = body.encode() if isinstance(body, str) else body
    response.headers.update(headers or {})
    response.reason = reason
    return response


def _fault(key: str, status: int, message: str) -> bytes:
    return json.dumps({key: {"code": status, "message": message}}).encode()


@pytest.mark.parametrize("status, key, cls", [
    (400, "badRequest", exceptions.BadRequest),
    (401, "unauthorized", exceptions.Unauthorized),
    (403, "forbidden", exceptions.Forbidden),
    (404, "itemNotFound", exceptions.NotFound),
    (405, "methodNotAllowed", exceptions.MethodNotAllowed),
    (409, "conflictingRequest", exceptions.Conflict),
    (413, "requestEntityTooLarge", exceptions.RequestEntityTooLarge),
    (415, "unsupportedMediaType", exceptions.UnsupportedMediaType),
    (500, "computeFault", exceptions.InternalServerError),
    (503, "serviceUnavailable", exceptions.ServiceUnavailable),
])
def test_each_status_has_its_class_and_carries_the_fault_message(status, key, cls):
    error = exceptions.from_response(_response(status, _fault(key, status, "Pod x is busy.")))
    assert type(error) is cls
    assert isinstance(error, exceptions.TricircleClientError)
    assert error.message == "Pod x is busy."
    assert error.http_status == status


def test_str_names_status_and_request_id():
    error = exceptions.from_response(
        _response(404, _fault("itemNotFound", 404, "Pod p1 could not be found."),
                  headers={"x-openstack-request-id": "req-1"}), "GET", "http://h/v1.0/pods/p1")
    assert str(error) == "Pod p1 could not be found. (HTTP 404) (Request-ID: req-1)"
    assert (error.method, error.url, error.request_id) == ("GET", "http://h/v1.0/pods/p1",
                                                           "req-1")


def test_a_body_that_is_not_a_fault_is_shown_as_text():
    error = exceptions.from_response(_response(502, "<html>Bad gateway</html>\n"))
    assert type(error) is exceptions.TricircleClientError
    assert error.message == "<html>Bad gateway</html>"
    assert error.http_status == 502


def test_json_that_is_not_a_fault_is_shown_raw():
    error = exceptions.from_response(_response(400, '{"error": "nope"}'))
    assert error.message == '{"error": "nope"}'


def test_an_empty_body_falls_back_to_the_reason_phrase():
    error = exceptions.from_response(_response(503, b"", reason="Service Unavailable"))
    assert type(error) is exceptions.ServiceUnavailable
    assert error.message == "Service Unavailable"
    assert str(exceptions.from_response(_response(418))) == "HTTP 418 (HTTP 418)"
