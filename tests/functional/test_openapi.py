"""The published OpenAPI document is current, and fuzzing the API with it finds no 500s."""

import json
import pathlib

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    negative_data_rejection,
    not_a_server_error,
    status_code_conformance,
)

from tests import databases
from tests.functional.conftest import configure
from tricircle.api import app as api_app
from tricircle.api import openapi
from tricircle.db import migration

PUBLISHED = pathlib.Path(__file__).parents[2] / "doc" / "api" / "openapi.json"


def test_published_document_is_current():
    assert json.loads(PUBLISHED.read_text()) == openapi.document(), (
        "doc/api/openapi.json is stale: python -m tricircle.api.openapi > "
        "doc/api/openapi.json")


def test_document_is_served_without_a_token(api):
    anonymous = api.as_user("", "")
    anonymous.token = ""
    resp = anonymous.get("/openapi.json")
    assert resp.status_int == 200 and resp.json["openapi"].startswith("3.1")


schema = schemathesis.openapi.from_dict(openapi.document())


@pytest.fixture
def fuzz_app(tmp_path):
    """The app on a SQLite database of its own (the stories cover the other backends)."""
    configure(databases.create_database("sqlite", tmp_path), str(tmp_path))
    migration.upgrade()
    return api_app.build_app()


@schema.parametrize()
@settings(max_examples=25, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_fuzz_finds_no_server_error(case, fuzz_app):
    case.headers = {**(case.headers or {}), "X-Auth-Token": "admin:admin"}
    response = case.call(app=fuzz_app)
    case.validate_response(response, checks=[not_a_server_error, status_code_conformance,
                                             negative_data_rejection])
