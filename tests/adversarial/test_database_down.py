"""Database down or busy: both APIs answer 503 naming the cause, never a 500.

Each backend is made unreachable by pointing the app at an address where no
server listens (MariaDB and PostgreSQL) or a file that cannot be opened
(SQLite); SQLite's busy case holds its write lock from a second connection.
"""

import sqlite3

import pytest

from tests import databases
from tests.functional.conftest import ApiClient, configure
from tricircle.api import app as api_app
from tricircle.db import api as db_api
from tricircle.db import migration
from tricircle.gateway import regions, store

UNREACHABLE = {
    "sqlite": "sqlite:////nonexistent-tricircle-dir/tricircle.sqlite",
    "mysql": "mysql+pymysql://root@127.0.0.1:1/tricircle",
    "postgresql": "postgresql+psycopg2://postgres@127.0.0.1:1/tricircle",
}
REQUESTS = [
    ("GET", "/v1.0/pods"),
    ("POST", "/v1.0/pods"),
    ("GET", "/v1.0/routings"),
    ("GET", "/compute/v2.1/servers"),
    ("GET", "/compute/v2.1/servers/0b6b1bb4-1a4b-4b0e-9d5b-0f5f6a1f4f2e"),
    ("POST", "/compute/v2.1/servers"),
    ("GET", "/volume/v3/demo/volumes"),
]
BODIES = {"/v1.0/pods": {"pod": {"region_name": "RegionOne"}},
          "/compute/v2.1/servers": {"server": {"name": "vm", "flavorRef": "1",
                                               "imageRef": "img"}}}


def _answer(client: ApiClient, method: str, path: str):
    return client.request(method, path, BODIES.get(path) if method == "POST" else None)


@pytest.fixture
def down_client(request, tmp_path):
    """The app of a fresh process whose database is not there (no retries at start):
    the gateway has no region table or routing cached from earlier tests."""
    configure(UNREACHABLE[request.param], str(tmp_path), **{"database.max_retries": 0})
    regions.TABLE.invalidate()
    store.clear_cache()
    yield ApiClient(api_app.build_app())
    regions.TABLE.invalidate()
    db_api.reset()


@pytest.mark.parametrize("down_client", sorted(UNREACHABLE), indirect=True)
@pytest.mark.parametrize(("method", "path"), REQUESTS)
def test_unreachable_database_is_503_naming_it(down_client, method, path):
    # Members too, where their policy lets them reach the database (pods are
    # admin-only: a member's 403 comes first).
    clients = [down_client]
    if not path.startswith("/v1.0/pods"):
        clients.append(down_client.as_user("alice", "demo"))
    for client in clients:
        resp = _answer(client, method, path)
        assert resp.status_int == 503, resp.text
        message = resp.json["serviceUnavailable"]["message"]
        assert "the database is unreachable" in message
        assert "Traceback" not in resp.text and "127.0.0.1" not in resp.text
        assert resp.headers["x-openstack-request-id"].startswith("req-")


def test_public_paths_still_answer_with_the_database_down(tmp_path):
    configure(UNREACHABLE["postgresql"], str(tmp_path), **{"database.max_retries": 0})
    anonymous = ApiClient(api_app.build_app())
    anonymous.token = ""
    assert anonymous.get("/").status_int == 200
    assert anonymous.get("/healthcheck").status_int == 200
    db_api.reset()


@pytest.fixture
def busy_sqlite(tmp_path):
    """An app on SQLite with a short busy timeout, and a second connection that can
    hold the write lock as another writer (another process) would."""
    url = databases.create_database("sqlite", tmp_path)
    configure(url + "?timeout=0.2", str(tmp_path))
    migration.upgrade()
    locker = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    yield ApiClient(api_app.build_app()), locker
    locker.close()
    db_api.reset()


def test_busy_sqlite_is_503_with_retry_after_then_works(busy_sqlite):
    api, locker = busy_sqlite
    locker.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        resp = api.post("/v1.0/pods", BODIES["/v1.0/pods"])
        assert resp.status_int == 503, resp.text
        assert "busy" in resp.json["serviceUnavailable"]["message"]
        assert int(resp.headers["Retry-After"]) > 0
    finally:
        locker.execute("ROLLBACK")
    # Retrying once the other writer is done works.
    assert api.post("/v1.0/pods", BODIES["/v1.0/pods"]).status_int == 200
