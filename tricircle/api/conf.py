"""Options of the [api] group, read by the WSGI app and the tricircle-api server."""

from oslo_config import cfg

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
]

CONF.register_group(api_group)
CONF.register_opts(api_opts, group=api_group)
