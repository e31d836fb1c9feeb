"""WSGI entry point for uWSGI, mod_wsgi or gunicorn: ``tricircle.wsgi:application``.

Config files come from $TRICIRCLE_CONFIG_FILES (comma-separated), else the
usual oslo.config search (/etc/tricircle/tricircle.conf, ...).
"""

import os

from tricircle.api import app as api_app
from tricircle.common import config


def init_application():
    files = [f for f in os.environ.get("TRICIRCLE_CONFIG_FILES", "").split(",") if f]
    config.parse_args(["tricircle-api"], default_config_files=files or None)
    return api_app.build_app()


application = init_application()
