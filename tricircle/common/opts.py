"""Every Tricircle option, for oslo-config-generator (namespace 'tricircle')."""

from tricircle.api import conf as api_conf
from tricircle.common import client, config
from tricircle.gateway import conf as gateway_conf
from tricircle.xjob import conf as xjob_conf


def list_opts() -> list:
    return [
        ("DEFAULT", config.default_opts),
        (api_conf.api_group, api_conf.api_opts),
        (client.CLIENT_GROUP, client.list_opts()),
        (gateway_conf.gateway_group, gateway_conf.gateway_opts),
        (xjob_conf.xjob_group, xjob_conf.list_opts()),
    ]
