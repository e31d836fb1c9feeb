"""Options of the [api] group, read by the WSGI app and the tricircle-api server."""

from oslo_config import cfg
from oslo_middleware import cors, http_proxy_to_wsgi, sizelimit
from oslo_middleware.healthcheck import opts as healthcheck_opts

from tricircle.common.config import CONF

api_group = cfg.OptGroup("api", title="tricircle-api options")

api_opts = [
    cfg.HostAddressOpt("bind_host", default="127.0.0.1",
                       help="Address tricircle-api listens on."),
    cfg.PortOpt("bind_port", default=19999, help="Port tricircle-api listens on."),
    cfg.IntOpt("threads", default=16, min=1,
               help="Requests tricircle-api serves at once (worker threads)."),
    cfg.BoolOpt("verify_region_names", default=True,
                help="Refuse a pod whose region_name is not a region in Keystone. "
                "Checked with the [client] service account; skipped under "
                "auth_strategy = noauth or when [client] has no account."),
    cfg.IntOpt("max_limit", default=1000, min=1,
               help="Most items one page of a list returns; a larger 'limit' is cut "
               "to this, and no 'limit' means this many."),
    cfg.IntOpt("max_url_length", default=8192, min=256,
               help="Longest request URL (path and query string, as sent) in bytes; "
               "a longer one is refused with 414."),
    cfg.IntOpt("max_header_bytes", default=16384, min=1024,
               help="Most bytes all header fields of a request may take together; "
               "more is refused with 431. Request bodies are bounded by "
               "[oslo_middleware]/max_request_body_size."),
    cfg.FloatOpt("client_socket_timeout", default=10.0, min=0.1,
                 help="Seconds tricircle-api waits for the next bytes of a request "
                 "before it drops the connection, so a client that sends its "
                 "headers slowly holds a worker thread for this long at most per "
                 "read."),
]

CONF.register_group(api_group)
CONF.register_opts(api_opts, group=api_group)
# The oslo.middleware pieces of tricircle.api.app register these when they are
# built; registered here too so they can be read and set before that.
CONF.register_opts(sizelimit.OPTS + http_proxy_to_wsgi.OPTS, group="oslo_middleware")
CONF.register_opts(healthcheck_opts.HEALTHCHECK_OPTS, group="healthcheck")
CONF.register_opts(cors.CORS_OPTS, group="cors")


def set_cors_defaults() -> None:
    """The [cors] defaults a browser client of the admin API and the gateway needs:
    the token and microversion headers in, the request id and Location out."""
    cors.set_defaults(
        allow_headers=["X-Auth-Token", "X-OpenStack-Request-ID", "Content-Type",
                       "OpenStack-API-Version", "X-OpenStack-Nova-API-Version"],
        expose_headers=["X-OpenStack-Request-ID", "OpenStack-API-Version",
                        "X-OpenStack-Nova-API-Version", "Location", "Retry-After"],
        allow_methods=["GET", "PUT", "POST", "DELETE", "PATCH", "HEAD"])


set_cors_defaults()
