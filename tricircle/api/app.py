"""The tricircle-api WSGI application: middleware around the admin API and the
compute and volume gateway, and the mount point of each."""

import logging
from collections.abc import Iterable

import sqlalchemy.exc
from oslo_db import exception as db_exception
from oslo_middleware import cors, healthcheck, http_proxy_to_wsgi, request_id, sizelimit

from tricircle.api import auth, handler, limits, util
from tricircle.api.conf import CONF
from tricircle.common import exceptions
from tricircle.common.context import RequestContext
from tricircle.db import api as db_api
from tricircle.gateway import app as gateway_app

LOG = logging.getLogger(__name__)

HEALTHCHECK_PATH = "/healthcheck"
# Seconds a client is told to wait when the database is busy (SQLite's lock).
BUSY_RETRY_AFTER = 1


def _unreachable(exc: Exception) -> bool:
    """Whether ``exc`` says the database could not be reached at all."""
    if isinstance(exc, (db_exception.DBConnectionError, db_exception.DBNonExistentDatabase)):
        return True
    if not isinstance(exc, sqlalchemy.exc.DBAPIError):
        return False
    # oslo.db does not recognise libpq's current "connection to server ...
    # failed" wording; a PostgreSQL error without an SQLSTATE comes from libpq
    # itself, not from a server that answered.
    return exc.connection_invalidated or (
        isinstance(exc, sqlalchemy.exc.OperationalError)
        and getattr(exc.orig, "pgcode", "") is None)


def database_fault(exc: Exception) -> exceptions.TricircleError | None:
    """The answer a database error means, or None when it is no known one.

    Unreachable or busy is 503 (busy with Retry-After: SQLite's lock after its
    busy timeout, a deadlock); a value the database refuses to store (a column
    too short, characters its charset lacks) is the request's fault: 400.
    """
    inner = getattr(exc, "inner_exception", None) or exc  # oslo.db wraps errors
    if isinstance(exc, db_exception.DBDeadlock) or (
            isinstance(inner, sqlalchemy.exc.OperationalError)
            and "database is locked" in str(inner)):
        return exceptions.DatabaseUnavailable(
            "The database is busy; try again shortly.", retry_after=BUSY_RETRY_AFTER)
    if _unreachable(exc) or _unreachable(inner):
        return exceptions.DatabaseUnavailable(
            "The service cannot answer now: the database is unreachable.")
    if isinstance(inner, sqlalchemy.exc.DataError):
        return exceptions.Invalid(
            "A value of the request cannot be stored: it does not fit its database "
            "column.")
    return None


class FaultGuard:
    """Last line of defence: an error nothing below handled becomes a JSON fault,
    never a traceback: the database's state or refusal (database_fault), 400 for
    input nested too deeply to parse, else a logged 500 naming the request id."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        try:
            return self.app(environ, start_response)
        except RecursionError:
            # Only a caller's deeply nested JSON recurses this far (the gateway
            # parses bodies itself).
            response = util.fault_response(400, "The request body is nested too deeply.")
        except Exception as exc:
            response = self._fault(environ, exc)
        return response(environ, start_response)

    def _fault(self, environ: dict, exc: Exception):
        req_id = environ.get(request_id.ENV_REQUEST_ID, "")
        known = database_fault(exc)
        if known is not None:
            LOG.warning("%s %s (request %s): %s", environ.get("REQUEST_METHOD"),
                        environ.get("PATH_INFO"), req_id, exc)
            retry_after = getattr(known, "retry_after", None)
            headers = {"Retry-After": str(retry_after)} if retry_after else None
            return util.fault_response(known.status, known.message, headers=headers)
        LOG.exception("unexpected error in %s %s (request %s)",
                      environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"), req_id)
        return util.fault_response(
            500, f"An unexpected error happened; the service log has the details "
            f"under request id {req_id}.")


class Mount:
    """/compute and /volume (the gateway's services) go to the gateway, /healthcheck
    to the health check, everything else to the admin API."""

    def __init__(self, admin_app, gateway_app, gateway_prefixes: Iterable[str],
                 health_app=None):
        self.admin_app = admin_app
        self.gateway_app = gateway_app
        self.gateway_prefixes = frozenset(gateway_prefixes)
        self.health_app = health_app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if self.health_app is not None and path.rstrip("/") == HEALTHCHECK_PATH:
            return self.health_app(environ, start_response)
        first = path.split("/")[1:2]
        if first and first[0] in self.gateway_prefixes:
            return self.gateway_app(environ, start_response)
        return self.admin_app(environ, start_response)


def _not_found(environ, start_response):
    """Below the health check: it passes on callers outside allowed_source_ranges."""
    response = util.fault_response(404, "The resource could not be found.")
    return response(environ, start_response)


class AdminOnly:
    """The detailed health check shows thread stacks and backends: admins only."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        if not RequestContext.from_environ(environ).is_admin_role:
            response = util.fault_response(
                403, "The detailed health check is for admins only ([healthcheck] "
                "detailed = true).")
            return response(environ, start_response)
        return self.app(environ, start_response)


def _health_check() -> tuple[object, bool]:
    """oslo.middleware's health check, and whether it is public.

    It is public (a load balancer asks without a token) unless the operator
    turned [healthcheck]/detailed on: then it needs an admin's token.
    """
    check = healthcheck.Healthcheck(_not_found, CONF)
    if CONF.healthcheck.detailed:
        return AdminOnly(check), False
    return check, True


def build_app():
    """The whole WSGI app, outermost layer first (each wraps the ones after it):

    1. request_id: every answer, faults included, carries X-OpenStack-Request-Id,
       and the layers below can name it in logs.
    2. FaultGuard: nothing below, middleware included, leaks a traceback.
    3. http_proxy_to_wsgi: with [oslo_middleware]/enable_proxy_headers_parsing,
       the scheme and host the client used (a TLS-terminating proxy's
       Forwarded/X-Forwarded-*) before anything builds a link from them.
    4. CORS: answers browser preflights (they carry no token) and adds its
       headers to every answer below, refusals included, so a browser client
       can read why it was refused.
    5. RequestLimits: URL and header sizes (414/431) and URLs that do not decode
       (400), before anything reads them.
    6. sizelimit: bodies over [oslo_middleware]/max_request_body_size are 413,
       by Content-Length or while a chunked body is read, for both APIs.
    7. auth (token, or public paths: version documents and the health check),
       then the mount: health check, gateway or admin API.
    """
    db_api.configure()
    health_app, health_is_public = _health_check()
    app = Mount(handler.AdminAPI(), gateway_app.GatewayApp(), gateway_app.SERVICES,
                health_app)
    public_paths = handler.PUBLIC_PATHS | gateway_app.PUBLIC_PATHS
    if health_is_public:
        public_paths |= {HEALTHCHECK_PATH}
    app = auth.wrap(app, public_paths)
    app = sizelimit.RequestBodySizeLimiter(app, CONF)
    app = limits.RequestLimits(app, CONF.api.max_url_length, CONF.api.max_header_bytes)
    app = cors.CORS(app, CONF)
    app = http_proxy_to_wsgi.HTTPProxyToWSGI(app, CONF)
    app = FaultGuard(app)
    return request_id.RequestId(app)
