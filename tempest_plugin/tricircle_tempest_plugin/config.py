"""The plugin's tempest.conf options: [service_available] tricircle and [tricircle]."""

from oslo_config import cfg

service_option = cfg.BoolOpt("tricircle", default=True,
                             help="Whether Tricircle (admin API and gateway) is deployed.")

tricircle_group = cfg.OptGroup(name="tricircle", title="Tricircle options")

tricircle_opts = [
    cfg.StrOpt("catalog_type", default="multi-region-network-automation",
               help="Catalog service type of the admin API, as registered (tempest "
                    "matches it exactly: a catalog using the alias needs 'tricircle')."),
    cfg.StrOpt("endpoint_type", default="publicURL",
               choices=["public", "admin", "internal", "publicURL", "adminURL",
                        "internalURL"],
               help="Interface of the admin API's endpoint."),
    cfg.StrOpt("region", default="CentralRegion",
               help="The region of the admin API's endpoint, whose compute, volume and "
                    "network endpoints are Tricircle's gateway and central Neutron."),
    cfg.DictOpt("regions", default={"az1": "RegionOne", "az2": "RegionTwo"},
                help="Availability zone -> region of the pods the tests may use; "
                     "the first two are used for cross-region checks."),
    cfg.BoolOpt("gateway", default=True,
                help="Run the gateway tests (servers and volumes through the "
                     "central region)."),
    cfg.BoolOpt("networking", default=True,
                help="Run the cross-region networking tests (central Neutron with "
                     "Tricircle's plugins)."),
    cfg.IntOpt("build_timeout", default=120,
               help="Seconds a server or volume may take to become ACTIVE/available."),
]
