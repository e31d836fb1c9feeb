"""With auth_strategy = keystone, keystonemiddleware guards every path but version discovery."""

import webob

from tests.functional.conftest import configure
from tricircle.api import app as api_app
from tricircle.common.config import CONF


def test_keystone_strategy_refuses_a_request_without_a_token(clean_database, tmp_path):
    configure(clean_database, str(tmp_path))
    CONF.set_override("auth_strategy", "keystone")
    api_app.build_app()  # registers [keystone_authtoken]
    # Nothing listens there: a request without a token never gets that far.
    CONF.set_override("www_authenticate_uri", "http://127.0.0.1:9/v3", "keystone_authtoken")
    app = api_app.build_app()

    resp = webob.Request.blank("/v1.0/pods").get_response(app)
    assert resp.status_int == 401
    assert "WWW-Authenticate" in resp.headers

    # A forged identity header is no way around it.
    forged = webob.Request.blank("/v1.0/pods", headers={"X-Roles": "admin",
                                                        "X-Project-Id": "admin"})
    assert forged.get_response(app).status_int == 401

    assert webob.Request.blank("/").get_response(app).status_int == 200
