"""tricircle-api: serve the admin API and the compute and volume gateway over HTTP."""

import signal
import sys

from cheroot import wsgi
from oslo_log import log as logging

from tricircle.api import app as api_app
from tricircle.api.conf import CONF
from tricircle.common import config

LOG = logging.getLogger(__name__)

# Room for the request line and the header block above the app's own limits
# ([api]/max_url_length and max_header_bytes, answered 414/431 by
# tricircle.api.limits), so cheroot's cap only stops what the app would refuse.
HEADER_SLACK = 1024


def make_server(app, bind_addr: tuple[str, int]) -> wsgi.Server:
    """cheroot serving ``app`` with [api]'s thread count, header cap and socket timeout."""
    server = wsgi.Server(bind_addr, app, numthreads=CONF.api.threads,
                         server_name="tricircle-api", timeout=CONF.api.client_socket_timeout)
    # cheroot takes its header cap as an attribute, not as an argument.
    server.max_request_header_size = (CONF.api.max_url_length + CONF.api.max_header_bytes
                                      + HEADER_SLACK)
    return server


def main() -> None:
    config.parse_args(sys.argv)
    server = make_server(api_app.build_app(), (CONF.api.bind_host, CONF.api.bind_port))
    signal.signal(signal.SIGTERM, _exit)
    LOG.info("tricircle-api listening on http://%s:%s", CONF.api.bind_host,
             CONF.api.bind_port)
    server.safe_start()  # stops cleanly on SIGINT and SIGTERM


def _exit(*_signal_args) -> None:
    raise SystemExit(0)
