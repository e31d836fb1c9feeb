"""The migrations build, from an empty database, exactly the schema the models describe."""

import pytest
import sqlalchemy as sa
from alembic import command
from oslo_db import exception as db_exc

from tests import databases
from tests.functional.conftest import configure
from tricircle.db import api as db_api
from tricircle.db import migration


@pytest.fixture(params=databases.BACKENDS)
def empty_database(request, tmp_path):
    url = databases.create_database(request.param, tmp_path)
    configure(url, str(tmp_path))
    yield url
    db_api.get_engine().dispose()
    databases.drop_database(url)


def test_upgrade_from_empty_reaches_head_and_matches_models(empty_database):
    assert migration.current_version() is None
    migration.upgrade()
    assert migration.current_version() == migration.head_version()
    assert migration.schema_differences() == []


def test_upgrade_twice_is_harmless(empty_database):
    migration.upgrade()
    migration.upgrade()
    assert migration.current_version() == migration.head_version()


def _tables() -> set[str]:
    return set(sa.inspect(db_api.get_engine()).get_table_names())


def test_every_table_of_both_projects_exists(empty_database):
    migration.upgrade()
    assert {"pods", "cached_endpoints", "resource_routings", "async_jobs",
            "async_job_logs", "shadow_agents", "pod_bindings"} <= _tables()


UNUSED = {"recycle_resources", "deleting_resources"}


def test_0002_drops_the_unused_tables_and_its_downgrade_brings_them_back(empty_database):
    migration.upgrade("0001")
    assert UNUSED <= _tables()
    migration.upgrade()
    assert not UNUSED & _tables()
    with db_api.get_engine().begin() as connection:
        command.downgrade(migration._config(connection), "0001")
    assert UNUSED <= _tables() and migration.current_version() == "0001"
    migration.upgrade()
    assert migration.schema_differences() == []


def test_routing_unique_key_is_enforced_by_the_database(empty_database):
    migration.upgrade()
    engine = db_api.get_engine()
    insert_pod = sa.text("INSERT INTO pods (pod_id, region_name, az_name, pod_az_name, "
                         "dc_name) VALUES ('p1', 'R1', 'az1', '', '')")
    insert_routing = sa.text(
        "INSERT INTO resource_routings (top_id, pod_id, resource_type, created_at) "
        "VALUES ('t1', 'p1', 'network', CURRENT_TIMESTAMP)")
    with engine.begin() as connection:
        connection.execute(insert_pod)
        connection.execute(insert_routing)
    with pytest.raises(db_exc.DBDuplicateEntry), engine.begin() as connection:
        connection.execute(insert_routing)


def test_0007_adds_breaker_states_and_its_downgrade_removes_them(empty_database):
    migration.upgrade("0006")
    assert "breaker_states" not in _tables()
    migration.upgrade()
    assert "breaker_states" in _tables()
    with db_api.get_engine().begin() as connection:
        command.downgrade(migration._config(connection), "0006")
    assert "breaker_states" not in _tables() and migration.current_version() == "0006"
    migration.upgrade()
    assert migration.schema_differences() == []
