"""Fuzzing the admin API from its OpenAPI document as an admin, a project member
and a reader who is no member, on every database: no answer is a server error,
and every status is one the document lists.

Each generated request is sent with each token, through the whole WSGI
pipeline (tricircle.api.app.build_app), so the middleware and the policy are
fuzzed too, not only the handlers.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, status_code_conformance

from tests.adversarial.conftest import TALLY
from tests.functional.conftest import ApiClient
from tricircle.api import app as api_app
from tricircle.api import openapi

# noauth tokens: user:project[:roles].
TOKENS = {"admin": "admin:admin", "member": "alice:demo",
          "reader": "carol:demo:reader"}

schema = schemathesis.openapi.from_dict(openapi.document())


@pytest.fixture
def fuzz_app(clean_database):
    """The whole app on this session's database, with a pod to aim at."""
    app = api_app.build_app()
    ApiClient(app).post("/v1.0/pods", {"pod": {"region_name": "RegionOne",
                                               "az_name": "az1"}})
    return app


@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
def test_fuzz_as_admin_member_and_reader_finds_no_server_error(case, fuzz_app):
    for who, token in TOKENS.items():
        case.headers = {**(case.headers or {}), "X-Auth-Token": token}
        response = case.call(app=fuzz_app)
        TALLY.tried += 1
        if response.status_code >= 500:
            TALLY.server_errors.append(f"fuzz as {who}: {case.method} {case.formatted_path}")
        case.validate_response(response, checks=[not_a_server_error,
                                                 status_code_conformance])
