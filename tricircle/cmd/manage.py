"""tricircle-manage: database schema commands (db sync | db version | db check)."""

import sys

from oslo_config import cfg

from tricircle.common import config
from tricircle.db import migration

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


def main() -> None:
    CONF.register_cli_opt(cfg.SubCommandOpt("command", handler=_add_commands))
    config.parse_args(sys.argv)
    sys.exit(CONF.command.func())
