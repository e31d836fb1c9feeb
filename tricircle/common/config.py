"""Options shared by every Tricircle process, and the code that loads them.

Options that belong to one part of the service are defined next to the code
that reads them; ``tricircle.common.opts`` collects all of them for
``oslo-config-generator``.
"""

import os

from oslo_config import cfg
from oslo_db import options as db_options
from oslo_log import log as logging

CONF = cfg.CONF

default_opts = [
    cfg.StrOpt(
        "state_path",
        default=os.path.expanduser("~/.local/state/tricircle"),
        sample_default="$HOME/.local/state/tricircle",
        help="Directory where Tricircle keeps local state, such as the embedded "
        "SQLite database used when [database]/connection is not set.",
    ),
    cfg.StrOpt(
        "auth_strategy",
        default="keystone",
        choices=[
            ("keystone", "Validate every request's token with keystonemiddleware."),
            ("noauth", "No authentication, for local development and tests only: "
             "the X-Auth-Token header 'user:project' names the caller, and the "
             "user 'admin' gets the admin role."),
        ],
        help="How API requests are authenticated.",
    ),
]

_DEFAULT_SQL_CONNECTION = "sqlite:///$state_path/tricircle.sqlite"


def register_opts(conf: cfg.ConfigOpts = CONF) -> None:
    conf.register_opts(default_opts)
    db_options.set_defaults(conf, connection=_DEFAULT_SQL_CONNECTION)


def parse_args(argv: list[str], conf: cfg.ConfigOpts = CONF,
               default_config_files: list[str] | None = None) -> None:
    """Register options, parse the command line and config files, set up logging."""
    register_opts(conf)
    logging.register_options(conf)
    logging.set_defaults(default_log_levels=logging.get_default_log_levels()
                         + ["alembic=WARN"])
    conf(argv[1:], project="tricircle", default_config_files=default_config_files)
    logging.setup(conf, "tricircle")
    os.makedirs(conf.state_path, exist_ok=True)
