"""The Nova and Cinder gateway: what is created through the central region lands in the
region of its availability zone, and lists through the central region merge the regions."""

from tempest import config
from tempest.common import waiters
from tempest.lib import decorators
from tempest.lib import exceptions as lib_exc
from tempest.lib.common import api_microversion_fixture
from tempest.lib.common.utils import data_utils, test_utils

from tricircle_tempest_plugin.tests import base

CONF = config.CONF


class GatewayTest(base.TricircleTest):

    @classmethod
    def skip_checks(cls):
        super().skip_checks()
        if not CONF.tricircle.gateway:
            raise cls.skipException("[tricircle] gateway is off")

    @classmethod
    def setup_clients(cls):
        super().setup_clients()
        # The central region's compute and volume endpoints are the gateway.
        cls.central_servers = cls.os_primary.compute.ServersClient(
            region=CONF.tricircle.region)
        cls.central_volumes = cls.os_primary.volume_v3.VolumesClient(
            region=CONF.tricircle.region)

    def setUp(self):
        super().setUp()
        # A server without a network (networks "none") needs 2.37.
        self.useFixture(api_microversion_fixture.APIMicroversionFixture(
            compute_microversion="2.37"))

    def _server_in(self, zone: str) -> dict:
        server = self.central_servers.create_server(
            name=data_utils.rand_name("tricircle-server"), imageRef=CONF.compute.image_ref,
            flavorRef=CONF.compute.flavor_ref, networks="none",
            availability_zone=zone)["server"]
        self.addCleanup(waiters.wait_for_server_termination, self.central_servers,
                        server["id"])
        self.addCleanup(test_utils.call_and_ignore_notfound_exc,
                        self.central_servers.delete_server, server["id"])
        waiters.wait_for_server_status(self.central_servers, server["id"], "ACTIVE")
        return server

    @decorators.idempotent_id("0c5bb6f8-64c5-4e8f-a3c9-3f0d1f4a2b01")
    def test_a_server_lands_in_its_zones_region_and_lists_merge(self):
        (first_zone, first), (second_zone, second) = self.two_zones()
        one = self._server_in(first_zone)
        two = self._server_in(second_zone)
        second_servers = self.os_primary.compute.ServersClient(region=second)
        self.assertEqual(two["id"], second_servers.show_server(two["id"])["server"]["id"])
        first_servers = self.os_primary.compute.ServersClient(region=first)
        self.assertRaises(lib_exc.NotFound, first_servers.show_server, two["id"])
        listed = {s["id"] for s in self.central_servers.list_servers()["servers"]}
        self.assertTrue({one["id"], two["id"]} <= listed)

    @decorators.idempotent_id("0c5bb6f8-64c5-4e8f-a3c9-3f0d1f4a2b02")
    def test_a_volume_lands_in_its_zones_region(self):
        (_, first), (second_zone, second) = self.two_zones()
        volume = self.central_volumes.create_volume(
            size=1, name=data_utils.rand_name("tricircle-volume"),
            availability_zone=second_zone)["volume"]
        self.addCleanup(self.central_volumes.wait_for_resource_deletion, volume["id"])
        self.addCleanup(test_utils.call_and_ignore_notfound_exc,
                        self.central_volumes.delete_volume, volume["id"])
        waiters.wait_for_volume_resource_status(self.central_volumes, volume["id"],
                                                "available")
        second_volumes = self.os_primary.volume_v3.VolumesClient(region=second)
        shown = second_volumes.show_volume(volume["id"])["volume"]
        self.assertEqual(second_zone, shown["availability_zone"])
        first_volumes = self.os_primary.volume_v3.VolumesClient(region=first)
        self.assertRaises(lib_exc.NotFound, first_volumes.show_volume, volume["id"])
        listed = {v["id"] for v in self.central_volumes.list_volumes()["volumes"]}
        self.assertIn(volume["id"], listed)
