"""Real databases for the tests: a SQLite file always, MariaDB and PostgreSQL
on 127.0.0.1 when they answer. Each test run gets its own throw-away database
so it never touches anyone else's."""

import os
import uuid

import pytest
import sqlalchemy as sa

MYSQL_SERVER = os.environ.get("TRICIRCLE_TEST_MYSQL", "mysql+pymysql://root@127.0.0.1:3306")
POSTGRES_SERVER = os.environ.get("TRICIRCLE_TEST_POSTGRES",
                                 "postgresql+psycopg2://postgres@127.0.0.1:5432")
BACKENDS = ("sqlite", "mysql", "postgresql")


def _server_url(backend: str) -> str:
    return MYSQL_SERVER if backend == "mysql" else POSTGRES_SERVER


def _admin_engine(backend: str) -> sa.engine.Engine:
    url = _server_url(backend) + ("/postgres" if backend == "postgresql" else "/")
    return sa.create_engine(url, isolation_level="AUTOCOMMIT",
                            connect_args={"connect_timeout": 3})


def create_database(backend: str, tmp_path) -> str:
    """A new empty database of ``backend``; skips with the reason when unreachable."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path}/tricircle-test-{uuid.uuid4().hex[:8]}.sqlite"
    name = f"tricircle_test_{uuid.uuid4().hex[:12]}"
    try:
        with _admin_engine(backend).connect() as connection:
            connection.execute(sa.text(f"CREATE DATABASE {name}"))
    except sa.exc.OperationalError as exc:
        pytest.skip(f"{backend} server at {_server_url(backend)} is not reachable: "
                    f"{exc.orig}")
    return f"{_server_url(backend)}/{name}"


def drop_database(url: str) -> None:
    backend = sa.engine.make_url(url).get_backend_name()
    if backend == "sqlite":
        return
    name = sa.engine.make_url(url).database
    engine = _admin_engine(backend)
    with engine.connect() as connection:
        if backend == "postgresql":
            connection.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"))
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
    engine.dispose()
