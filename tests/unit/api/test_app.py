"""The WSGI layers: route table answers, auth, and the last-resort 500."""

import sqlalchemy.exc
import webob

from tricircle.api import app as api_app
from tricircle.api import auth, handler


def _echo_identity(environ, start_response):
    body = ",".join(environ.get(h, "-") for h in ("HTTP_X_USER_ID", "HTTP_X_PROJECT_ID",
                                                   "HTTP_X_ROLES")).encode()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body]


def test_wrong_method_on_a_known_path_is_405_with_allow():
    resp = webob.Request.blank("/v1.0/pods", method="PATCH").get_response(handler.AdminAPI())
    assert resp.status_int == 405
    assert resp.headers["Allow"] == "GET, POST"
    assert resp.json["methodNotAllowed"]["code"] == 405


def test_unknown_path_is_404_in_fault_format():
    resp = webob.Request.blank("/v1.0/nothing").get_response(handler.AdminAPI())
    assert resp.status_int == 404 and "itemNotFound" in resp.json


def test_noauth_names_the_caller_from_the_token_and_ignores_forged_headers():
    req = webob.Request.blank("/", headers={"X-Auth-Token": "alice:demo",
                                            "X-Roles": "admin"})
    resp = req.get_response(auth.NoAuth(_echo_identity))
    assert resp.text == "alice,demo,member,reader"

    admin = webob.Request.blank("/", headers={"X-Auth-Token": "admin:admin"})
    assert "admin" in admin.get_response(auth.NoAuth(_echo_identity)).text.split(",")[2]


def test_unexpected_error_is_a_json_500_with_the_request_id():
    def broken(environ, start_response):
        raise RuntimeError("boom with a secret inside")

    app = api_app.request_id.RequestId(api_app.FaultGuard(broken))
    resp = webob.Request.blank("/v1.0/pods").get_response(app)
    assert resp.status_int == 500
    message = resp.json["computeFault"]["message"]
    assert resp.headers["x-openstack-request-id"] in message
    assert "secret" not in message


def test_noauth_token_may_name_the_roles_exactly():
    req = webob.Request.blank("/", headers={"X-Auth-Token": "carol:demo:reader"})
    assert req.get_response(auth.NoAuth(_echo_identity)).text == "carol,demo,reader"
    req = webob.Request.blank("/", headers={"X-Auth-Token": "carol:demo:"})
    assert req.get_response(auth.NoAuth(_echo_identity)).text == "carol,demo,member,reader"


class _DriverError(Exception):
    def __init__(self, message, pgcode):
        super().__init__(message)
        self.pgcode = pgcode


def _operational(message, pgcode=""):
    return sqlalchemy.exc.OperationalError("SELECT 1", {}, _DriverError(message, pgcode))


def test_database_errors_are_named_not_500():
    refused = api_app.database_fault(_operational("connection to server failed", None))
    assert refused.status == 503 and "unreachable" in refused.message
    busy = api_app.database_fault(_operational("database is locked"))
    assert busy.status == 503 and busy.retry_after
    too_long = api_app.database_fault(
        sqlalchemy.exc.DataError("INSERT", {}, _DriverError("Data too long", "22001")))
    assert too_long.status == 400
    # A server that answered with an error of its own is not "unreachable".
    assert api_app.database_fault(_operational("syntax error", "42601")) is None
    assert api_app.database_fault(RuntimeError("boom")) is None
