"""Options of the Neutron plugins ([tricircle] group of neutron.conf).

The service account the plugins use is the one of [client]
(tricircle.common.client), so neutron.conf carries the same auth options as
tricircle.conf; the plugins' timeouts are [client] connect_timeout and
request_timeout (``[tricircle] central_timeout`` is read as a deprecated name
of request_timeout).
"""

from oslo_config import cfg

tricircle_group = "tricircle"

tricircle_opts = [
    cfg.StrOpt("central_region_name", default="CentralRegion",
               help="Keystone region whose 'network' endpoint is central Neutron."),
    cfg.StrOpt("local_region_name",
               help="The region this Neutron serves; required by the local plugin. "
                    "Recorded on the top port of every port created here."),
]

cfg.CONF.register_opts(tricircle_opts, group=tricircle_group)


def list_opts() -> list:
    return tricircle_opts
