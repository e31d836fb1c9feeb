"""The tricircle-api WSGI application: middleware around the admin API and the
compute and volume gateway, and the mount point of each."""

import logging
from collections.abc import Iterable

from oslo_middleware import request_id

from tricircle.api import auth, handler, util
from tricircle.db import api as db_api
from tricircle.gateway import app as gateway_app

LOG = logging.getLogger(__name__)


class FaultGuard:
    """Last line of defence: an unexpected error becomes a logged JSON 500 that
    names the request id, never a traceback in the response."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        try:
            return self.app(environ, start_response)
        except Exception:
            req_id = environ.get(request_id.ENV_REQUEST_ID, "")
            LOG.exception("unexpected error in %s %s (request %s)",
                          environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"), req_id)
            response = util.fault_response(
                500, f"An unexpected error happened; the service log has the details "
                f"under request id {req_id}.")
            return response(environ, start_response)


class Mount:
    """/compute and /volume (the gateway's services) go to the gateway, everything
    else to the admin API."""

    def __init__(self, admin_app, gateway_app, gateway_prefixes: Iterable[str]):
        self.admin_app = admin_app
        self.gateway_app = gateway_app
        self.gateway_prefixes = frozenset(gateway_prefixes)

    def __call__(self, environ, start_response):
        first = environ.get("PATH_INFO", "").split("/")[1:2]
        if first and first[0] in self.gateway_prefixes:
            return self.gateway_app(environ, start_response)
        return self.admin_app(environ, start_response)


def build_app():
    """The whole WSGI app: request id, fault guard, auth, then the admin API's route
    table or, under /compute and /volume, the gateway."""
    db_api.configure()
    app = Mount(handler.AdminAPI(), gateway_app.GatewayApp(), gateway_app.SERVICES)
    app = auth.wrap(app, handler.PUBLIC_PATHS | gateway_app.PUBLIC_PATHS)
    app = FaultGuard(app)
    return request_id.RequestId(app)

