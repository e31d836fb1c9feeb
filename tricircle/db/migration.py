"""Schema migrations with Alembic: upgrade to head, current version, drift check."""

import os

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from tricircle.db import api as db_api
from tricircle.db import models

_HERE = os.path.join(os.path.dirname(__file__), "migrations")


def _config(connection=None) -> Config:
    config = Config(os.path.join(_HERE, "alembic.ini"))
    config.set_main_option("script_location", _HERE)
    config.attributes["connection"] = connection
    return config


def upgrade(revision: str = "head") -> None:
    """Apply every migration up to ``revision`` (idempotent)."""
    with db_api.get_engine().begin() as connection:
        command.upgrade(_config(connection), revision)


def current_version() -> str | None:
    """The revision the database is at, None for an empty database."""
    with db_api.get_engine().connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_version() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head()


def schema_differences() -> list:
    """What differs between the models and the migrated schema (empty when in sync)."""
    with db_api.get_engine().connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, models.Base.metadata)
