"""tricircle-manage: database commands (db sync | db version | db check | db import URL)."""

import sys

import sqlalchemy
from oslo_config import cfg

from tricircle.common import config
from tricircle.db import importer, migration

CONF = config.CONF


def do_db_sync() -> int:
    migration.upgrade(CONF.command.revision)
    print(f"database at {migration.current_version()}")
    return 0


def do_db_version() -> int:
    print(migration.current_version() or "None (empty database)")
    return 0


def do_db_check() -> int:
    """Exit 1 when the database is not at head or differs from the models."""
    current, head = migration.current_version(), migration.head_version()
    if current != head:
        print(f"database at {current}, code expects {head}: run tricircle-manage db sync")
        return 1
    differences = migration.schema_differences()
    if differences:
        print("database schema differs from the models:")
        for difference in differences:
            print(f"  {difference}")
        return 1
    print(f"database at {head} and matches the models")
    return 0


def do_db_import() -> int:
    """Copy a retired Tricircle or Trio2o database into this one; exit 1 when unreadable."""
    if migration.current_version() != migration.head_version():
        print("the database is not at the latest schema: run tricircle-manage db sync first")
        return 1
    try:
        report = importer.import_database(CONF.command.url)
    except (importer.UnknownSource, sqlalchemy.exc.SQLAlchemyError) as exc:
        shown = sqlalchemy.engine.make_url(CONF.command.url).render_as_string(
            hide_password=True)
        print(f"cannot import {shown}: {exc}")
        return 1
    print("\n".join(report.lines()))
    return 0


def _add_commands(subparsers) -> None:
    db = subparsers.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    sync = db_commands.add_parser("sync", help="upgrade the schema to the latest version")
    sync.add_argument("revision", nargs="?", default="head")
    sync.set_defaults(func=do_db_sync)
    db_commands.add_parser("version", help="print the schema version").set_defaults(
        func=do_db_version)
    db_commands.add_parser("check", help="exit 1 unless the schema is current").set_defaults(
        func=do_db_check)
    retired = db_commands.add_parser(
        "import", help="copy a retired Tricircle or Trio2o database into this one (again: "
                       "nothing changes)")
    retired.add_argument("url", help="SQLAlchemy URL of the retired database, read only")
    retired.set_defaults(func=do_db_import)


def main() -> None:
    CONF.register_cli_opt(cfg.SubCommandOpt("command", handler=_add_commands))
    config.parse_args(sys.argv)
    sys.exit(CONF.command.func())
