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
    cfg.StrOpt("bridge_cidr", default="100.0.0.0/9",
               help="Central Neutron: the IPv4 range the bridge networks of routers "
                    "across regions are carved from, one block per project. It must "
                    "not overlap any subnet a tenant routes."),
    cfg.IntOpt("bridge_prefixlen", default=24, min=8, max=30,
               help="Central Neutron: the prefix length of each project's bridge "
                    "subnet; a bottom router of each region a router reaches takes one "
                    "address of it."),
    cfg.StrOpt("bridge_network_type", default="vxlan",
               help="Central Neutron: the network type of the bridge networks (a type "
                    "spanning regions: vxlan or vlan, never local)."),
    cfg.StrOpt("default_external_region",
               help="Central Neutron: the region of an external network created "
                    "without an availability zone hint. Unset: such a network is "
                    "refused (400), since an external network lives in one region."),
]

cfg.CONF.register_opts(tricircle_opts, group=tricircle_group)


def list_opts() -> list:
    return tricircle_opts
