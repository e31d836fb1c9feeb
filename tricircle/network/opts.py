"""The options neutron-server reads for Tricircle's plugins, for oslo-config-generator.

Namespace ``tricircle.network`` (etc/tricircle/neutron-tricircle-config-generator.conf
makes etc/tricircle/neutron-tricircle.conf.sample): the [tricircle] group and
the service account and timeouts of [client], as they go into neutron.conf.
"""

from tricircle.common import client
from tricircle.network import conf


def list_opts() -> list:
    return [
        (client.CLIENT_GROUP, client.list_opts()),
        (conf.tricircle_group, conf.list_opts()),
    ]
