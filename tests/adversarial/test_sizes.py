"""Sizes and headers: bodies, URLs and headers over their limits are refused with a
short answer before they cost memory or a thread, through a real HTTP server
(tricircle-api's own cheroot set-up on a random port), so chunked bodies and
slow clients are real."""

import http.client
import json
import socket
import threading

import pytest

from tests.adversarial.conftest import expect_refused
from tests.functional.conftest import ApiClient
from tricircle.api import app as api_app
from tricircle.cmd import api as cmd_api
from tricircle.common import config

# An error body must stay small whatever the request was.
MAX_ERROR_BODY = 4096
# Generous guard for "answered at all", not a measured figure.
CLIENT_TIMEOUT = 8
ADMIN = {"X-Auth-Token": "admin:admin", "Content-Type": "application/json"}
MEMBER = {"X-Auth-Token": "alice:demo", "Content-Type": "application/json"}


class Served:
    """The app behind cheroot as tricircle-api serves it."""

    def __init__(self, app):
        self.server = cmd_api.make_server(app, ("127.0.0.1", 0))
        self.server.shutdown_timeout = 0.2
        self.server.prepare()
        self.port = self.server.bind_addr[1]
        self.thread = threading.Thread(target=self.server.serve, daemon=True)
        self.thread.start()

    def request(self, method: str, path: str, body=None, headers=None, chunked=False):
        """(status, headers, body bytes) of one request on a fresh connection."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port,
                                                timeout=CLIENT_TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers or {},
                               encode_chunked=chunked)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def stop(self):
        self.server.stop()
        self.thread.join()


@pytest.fixture
def served(api):
    server = Served(api.app)
    yield server
    server.stop()


@pytest.fixture
def served_gateway(gw):
    server = Served(gw.app)
    yield server
    server.stop()


def _limit() -> int:
    return config.CONF.oslo_middleware.max_request_body_size


def _pod_body(padding: int) -> bytes:
    return json.dumps({"pod": {"region_name": "RegionX", "dc_name": "x" * padding}}).encode()


def _server_body(padding: int) -> bytes:
    return json.dumps({"server": {"name": "vm", "flavorRef": "1", "imageRef": "img",
                                  "user_data": "x" * padding}}).encode()


def _pieces(data: bytes, size: int = 8192):
    """A body that http.client can only send chunked (no length known)."""
    for start in range(0, len(data), size):
        yield data[start:start + size]


def _refused(status, body: bytes, what: str, expected: int) -> None:
    expect_refused(_Status(status), what)
    assert status == expected, f"{what}: {status} {body[:200]!r}"
    assert len(body) < MAX_ERROR_BODY, f"{what}: a {len(body)}-byte error body"


class _Status:
    def __init__(self, status):
        self.status = status


# -- bodies ---------------------------------------------------------------------

@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_admin_api_body_over_the_limit_is_413(served, api, chunked):
    big = _pod_body(_limit())
    body = _pieces(big) if chunked else big
    status, _, answer = served.request("POST", "/v1.0/pods", body, ADMIN, chunked=chunked)
    _refused(status, answer, f"admin API body of {len(big)} bytes", 413)
    assert api.get("/v1.0/pods?region_name=RegionX").json["pods"] == []


def test_admin_api_chunked_body_under_the_limit_is_read(served, api):
    status, _, answer = served.request("POST", "/v1.0/pods", _pieces(_pod_body(100)),
                                       ADMIN, chunked=True)
    assert status == 200, answer
    assert json.loads(answer)["pod"]["region_name"] == "RegionX"


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_gateway_body_over_the_limit_is_413_and_never_forwarded(served_gateway, fakes,
                                                                 chunked):
    big = _server_body(_limit())
    body = _pieces(big) if chunked else big
    status, _, answer = served_gateway.request("POST", "/compute/v2.1/servers", body,
                                               MEMBER, chunked=chunked)
    _refused(status, answer, f"gateway body of {len(big)} bytes", 413)
    for fake in fakes.values():
        assert not [r for r in fake.requests if r["method"] == "POST"]


def test_gateway_chunked_body_under_the_limit_is_forwarded(served_gateway, fakes):
    status, _, answer = served_gateway.request(
        "POST", "/compute/v2.1/servers", _pieces(_server_body(100)), MEMBER, chunked=True)
    assert status == 202, answer
    assert json.loads(answer)["server"]["id"] in fakes[("compute", "RegionOne")].items[
        "servers"]


# -- URLs and headers -------------------------------------------------------------

def test_url_over_the_limit_is_414_with_a_short_body(served, api):
    max_url = config.CONF.api.max_url_length
    path = "/v1.0/pods?region_name=" + "r" * max_url
    status, _, answer = served.request("GET", path, headers=MEMBER)
    _refused(status, answer, f"URL of {len(path)} bytes", 414)
    # The same under any WSGI server: the check is the app's own.
    resp = api.as_user("alice", "demo").get(path)
    _refused(resp.status_int, resp.body, "URL in-process", 414)
    assert "requestUriTooLong" in resp.json


def test_headers_over_the_limit_are_431_with_a_short_body(served, api):
    huge = "h" * config.CONF.api.max_header_bytes
    status, _, answer = served.request("GET", "/v1.0/pods",
                                       headers={**ADMIN, "X-Padding": huge})
    _refused(status, answer, f"a {len(huge)}-byte header", 431)
    resp = api.get("/v1.0/pods", headers={"X-Padding": huge})
    _refused(resp.status_int, resp.body, "header in-process", 431)


def test_what_even_the_app_never_sees_is_refused_by_the_server(served):
    """Beyond the app's limits plus cheroot's slack, cheroot itself refuses."""
    huge = "h" * (config.CONF.api.max_url_length + config.CONF.api.max_header_bytes
                  + 2 * cmd_api.HEADER_SLACK)
    status, _, answer = served.request("GET", "/v1.0/pods",
                                       headers={**ADMIN, "X-Padding": huge})
    _refused(status, answer, f"a {len(huge)}-byte header past cheroot's cap", 413)


def test_limits_are_options(clean_database):
    config.CONF.set_override("max_url_length", 300, "api")
    api = ApiClient(api_app.build_app())
    resp = api.get("/v1.0/pods?region_name=" + "r" * 300)
    _refused(resp.status_int, resp.body, "URL over a lowered limit", 414)
    assert "300 bytes" in resp.json["requestUriTooLong"]["message"]


# -- slow clients and the health check -------------------------------------------------

def test_slow_header_clients_do_not_starve_the_server(api):
    config.CONF.set_override("threads", 1, "api")
    config.CONF.set_override("client_socket_timeout", 0.5, "api")
    server = Served(api.app)
    slow = []
    try:
        for _ in range(3):  # more slow clients than threads
            sock = socket.create_connection(("127.0.0.1", server.port))
            sock.sendall(b"GET /v1.0 HTTP/1.1\r\nHost: x\r\n")  # and never the rest
            slow.append(sock)
        status, _, _ = server.request("GET", "/", headers={})
        assert status == 200
    finally:
        for sock in slow:
            sock.close()
        server.stop()


def test_healthcheck_answers_without_a_token(served):
    status, _, _ = served.request("GET", "/healthcheck")
    assert status == 200
    status, _, answer = served.request("GET", "/healthcheck",
                                       headers={"Accept": "application/json"})
    assert status == 200 and json.loads(answer)["detailed"] is False
    status, _, _ = served.request("HEAD", "/healthcheck")
    assert status in (200, 204)


def test_detailed_healthcheck_is_for_admins_only(clean_database):
    config.CONF.set_override("detailed", True, "healthcheck")
    try:
        server = Served(api_app.build_app())
        try:
            anonymous, _, _ = server.request("GET", "/healthcheck")
            member, _, _ = server.request("GET", "/healthcheck", headers=MEMBER)
            status, _, answer = server.request(
                "GET", "/healthcheck", headers={**ADMIN, "Accept": "application/json"})
        finally:
            server.stop()
    finally:
        config.CONF.clear_override("detailed", "healthcheck")
    assert anonymous == 401 and member == 403
    assert status == 200 and json.loads(answer)["detailed"] is True
