"""tricircle-api: serve the admin API (and later the gateways) over HTTP."""

import signal
import sys

from cheroot import wsgi
from oslo_log import log as logging

from tricircle.api import app as api_app
from tricircle.api.conf import CONF
from tricircle.common import config

LOG = logging.getLogger(__name__)


def main() -> None:
    config.parse_args(sys.argv)
    server = wsgi.Server((CONF.api.bind_host, CONF.api.bind_port), api_app.build_app(),
                         numthreads=CONF.api.threads, server_name="tricircle-api")
    signal.signal(signal.SIGTERM, _exit)
    LOG.info("tricircle-api listening on http://%s:%s", CONF.api.bind_host,
             CONF.api.bind_port)
    server.safe_start()  # stops cleanly on SIGINT and SIGTERM


def _exit(*_signal_args) -> None:
    raise SystemExit(0)
