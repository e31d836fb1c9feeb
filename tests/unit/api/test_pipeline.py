"""The oslo.middleware layers of the whole app: CORS and a TLS-terminating proxy.

Only paths that need no database are asked, so no database is reached.
"""

import pytest
import webob

from tests.functional.conftest import configure
from tricircle.api import app as api_app
from tricircle.common import config

DASHBOARD = "https://dashboard.example"


@pytest.fixture
def conf(tmp_path):
    configure(f"sqlite:///{tmp_path}/unused.sqlite", str(tmp_path))
    return config.CONF


def _get(app, path, method="GET", **headers) -> webob.Response:
    return webob.Request.blank(path, method=method, headers=headers).get_response(app)


def test_browser_preflight_is_answered_without_a_token(conf):
    conf.set_override("allowed_origin", [DASHBOARD], "cors")
    app = api_app.build_app()
    resp = _get(app, "/v1.0/pods", method="OPTIONS", Origin=DASHBOARD,
                **{"Access-Control-Request-Method": "POST",
                   "Access-Control-Request-Headers": "X-Auth-Token,Content-Type"})
    assert resp.status_int == 200
    assert resp.headers["Access-Control-Allow-Origin"] == DASHBOARD
    assert "X-Auth-Token" in resp.headers["Access-Control-Allow-Headers"]
    # An actual answer, a refusal here, carries them too so the page can read it.
    refused = _get(app, "/v1.0/pods", Origin=DASHBOARD)
    assert refused.status_int == 401
    assert refused.headers["Access-Control-Allow-Origin"] == DASHBOARD
    assert "X-OpenStack-Request-ID" in refused.headers["Access-Control-Expose-Headers"]


def test_other_origins_get_no_cors_headers(conf):
    conf.set_override("allowed_origin", [DASHBOARD], "cors")
    resp = _get(api_app.build_app(), "/", Origin="https://evil.example")
    assert "Access-Control-Allow-Origin" not in resp.headers


def test_links_honour_a_tls_terminating_proxy_when_enabled(conf):
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "cloud.example"}
    plain = _get(api_app.build_app(), "/", **headers)
    assert plain.json["versions"][0]["links"][0]["href"].startswith("http://localhost/")

    conf.set_override("enable_proxy_headers_parsing", True, "oslo_middleware")
    proxied = _get(api_app.build_app(), "/", **headers)
    assert proxied.json["versions"][0]["links"][0]["href"] == "https://cloud.example/v1.0/"


def test_every_answer_names_its_request_id(conf):
    app = api_app.build_app()
    for resp in (_get(app, "/"), _get(app, "/v1.0/pods"), _get(app, "/healthcheck")):
        assert resp.headers["X-OpenStack-Request-ID"].startswith("req-")
