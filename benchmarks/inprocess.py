"""The benchmarks' in-process tricircle-api: a scratch database, the real app served
over HTTP by cheroot in this process (noauth: the token is ``user:project``).

Scratch databases are named ``bench_<random>`` and dropped by ``scratch_database``
when its ``with`` block ends; MariaDB is root@127.0.0.1:3306, PostgreSQL
postgres@127.0.0.1:5432 (trust), as the functional tests use them.
"""

import contextlib
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa

from tricircle.api import app as api_app
from tricircle.api import policy
from tricircle.cmd import api as api_cmd
from tricircle.common import config
from tricircle.db import api as db_api
from tricircle.db import migration

SERVERS = {"mysql": os.environ.get("TRICIRCLE_BENCH_MYSQL",
                                   "mysql+pymysql://root@127.0.0.1:3306"),
           "postgresql": os.environ.get("TRICIRCLE_BENCH_POSTGRES",
                                        "postgresql+psycopg2://postgres@127.0.0.1:5432")}
BACKENDS = ("sqlite", "mysql", "postgresql")


def _admin_engine(backend: str) -> sa.engine.Engine:
    url = SERVERS[backend] + ("/postgres" if backend == "postgresql" else "/")
    return sa.create_engine(url, isolation_level="AUTOCOMMIT",
                            connect_args={"connect_timeout": 3})


@contextlib.contextmanager
def scratch_database(backend: str) -> Iterator[str]:
    """The URL of a new empty ``bench_`` database of ``backend``, dropped after."""
    name = f"bench_{uuid.uuid4().hex[:12]}"
    if backend == "sqlite":
        path = Path(tempfile.gettempdir()) / f"{name}.sqlite"
        try:
            yield f"sqlite:///{path}"
        finally:
            path.unlink(missing_ok=True)
        return
    engine = _admin_engine(backend)
    with engine.connect() as connection:
        connection.execute(sa.text(f"CREATE DATABASE {name}"))
    try:
        yield f"{SERVERS[backend]}/{name}"
    finally:
        db_api.get_engine().dispose()
        with engine.connect() as connection:
            if backend == "postgresql":
                connection.execute(sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"))
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
        engine.dispose()


def configure(database_url: str, migrate: bool = True, **overrides) -> None:
    """Config of a fresh process on ``database_url`` (noauth), migrated unless told
    otherwise; ``overrides`` as {"group.option": value}."""
    conf = config.CONF
    conf.reset()
    config.register_opts(conf)
    conf([], project="tricircle", default_config_files=[])
    conf.set_override("connection", database_url, "database")
    conf.set_override("state_path", tempfile.mkdtemp(prefix="bench-state-"))
    conf.set_override("auth_strategy", "noauth")
    for name, value in overrides.items():
        group, _, option = name.rpartition(".")
        conf.set_override(option, value, group or None)
    db_api.reset()
    policy.reset()
    if migrate:
        migration.upgrade()


@contextlib.contextmanager
def served(port: int = 0) -> Iterator[str]:
    """The app, over HTTP on 127.0.0.1 from a thread; its base URL."""
    server = api_cmd.make_server(api_app.build_app(), ("127.0.0.1", port))
    server.prepare()
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    host, bound = server.bind_addr[:2]
    try:
        yield f"http://{host}:{bound}"
    finally:
        server.stop()
        thread.join(10)


def wait_until(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting")
        time.sleep(0.05)
