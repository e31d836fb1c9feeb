"""Cross-region networking: a central network reached through a region has the same id
and name there as in central Neutron."""

from tempest import config
from tempest.lib import decorators
from tempest.lib.common.utils import data_utils, test_utils

from tricircle_tempest_plugin.tests import base

CONF = config.CONF


class NetworkingTest(base.TricircleTest):

    @classmethod
    def skip_checks(cls):
        super().skip_checks()
        if not CONF.tricircle.networking:
            raise cls.skipException("[tricircle] networking is off")

    @decorators.idempotent_id("b7d0e3a1-2f4c-4d6e-8a9b-1c2d3e4f5a01")
    def test_a_central_network_has_the_same_id_in_every_region(self):
        central = self.os_primary.network.NetworksClient(region=CONF.tricircle.region)
        subnets = self.os_primary.network.SubnetsClient(region=CONF.tricircle.region)
        network = central.create_network(name=data_utils.rand_name("tricircle-net"))["network"]
        self.addCleanup(test_utils.call_and_ignore_notfound_exc, central.delete_network,
                        network["id"])
        subnet = subnets.create_subnet(network_id=network["id"], ip_version=4,
                                       cidr="10.222.0.0/24")["subnet"]
        self.addCleanup(test_utils.call_and_ignore_notfound_exc, subnets.delete_subnet,
                        subnet["id"])
        for _, region in self.two_zones():
            regional = self.os_primary.network.NetworksClient(region=region)
            # Asking the region for the network copies it there, with central's id.
            copy = regional.show_network(network["id"])["network"]
            self.assertEqual((network["id"], network["name"]), (copy["id"], copy["name"]))
