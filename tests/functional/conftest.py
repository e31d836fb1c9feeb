"""Fixtures of the functional tier: the real WSGI app in-process, on real databases."""

import json

import pytest
import webob

from tests import databases
from tricircle.api import app as api_app
from tricircle.api import policy
from tricircle.common import config
from tricircle.db import api as db_api
from tricircle.db import migration, models
from tricircle.gateway import breaker_states


def configure(database_url: str, state_path: str, **overrides) -> None:
    """Point the global config at ``database_url`` with noauth, as a fresh process would."""
    conf = config.CONF
    conf.reset()
    config.register_opts(conf)
    conf([], project="tricircle", default_config_files=[])
    conf.set_override("connection", database_url, "database")
    conf.set_override("state_path", state_path)
    conf.set_override("auth_strategy", "noauth")
    for name, value in overrides.items():
        group, _, option = name.rpartition(".")
        conf.set_override(option, value, group or None)
    db_api.reset()
    policy.reset()


@pytest.fixture(scope="session", params=databases.BACKENDS)
def database(request, tmp_path_factory):
    """A migrated database of each backend, shared by the tests of one session."""
    url = databases.create_database(request.param, tmp_path_factory.mktemp("db"))
    configure(url, str(tmp_path_factory.mktemp("state")))
    migration.upgrade()
    yield url
    db_api.get_engine().dispose()
    databases.drop_database(url)


@pytest.fixture
def clean_database(database, tmp_path):
    """The session's database, configured for this test and emptied after it."""
    configure(database, str(tmp_path))
    yield database
    # The gateway's breaker states are written in the background: let them land
    # before the rows they point at go.
    breaker_states.RECORDER.flush(10)
    engine = db_api.get_engine()
    with engine.begin() as connection:
        for table in reversed(models.Base.metadata.sorted_tables):
            connection.execute(table.delete())


class ApiClient:
    """Calls the in-process app like an HTTP client would; ``as_user`` picks who."""

    def __init__(self, app, user: str = "admin", project: str = "admin"):
        self.app = app
        self.token = f"{user}:{project}"

    def as_user(self, user: str, project: str) -> "ApiClient":
        return ApiClient(self.app, user, project)

    def request(self, method: str, path: str, body=None, raw: bytes | None = None,
                headers: dict | None = None) -> webob.Response:
        req = webob.Request.blank(path, method=method)
        req.headers["X-Auth-Token"] = self.token
        if body is not None:
            raw = json.dumps(body).encode()
        if raw is not None:
            req.body = raw
            req.content_type = "application/json"
        for name, value in (headers or {}).items():
            req.headers[name] = value
        response = req.get_response(self.app)
        # As a WSGI server does: the whole body written out, then its close(), which
        # runs what the request left for after its answer (a create's routing).
        response.body  # noqa: B018
        return response

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


@pytest.fixture
def api(clean_database) -> ApiClient:
    """The admin API as user admin of project admin (auth_strategy = noauth)."""
    return ApiClient(api_app.build_app())


@pytest.fixture
def pods(api) -> dict:
    """A central pod and two regional pods, by region name."""
    created = {}
    for region, az in (("CentralRegion", ""), ("RegionOne", "az1"), ("RegionTwo", "az2")):
        body = {"pod": {"region_name": region, "az_name": az, "pod_az_name": az}}
        created[region] = api.post("/v1.0/pods", body).json["pod"]
    return created
