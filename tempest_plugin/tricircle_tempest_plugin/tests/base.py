"""What every Tricircle test class shares: the admin API clients and per-region clients."""

from tempest import config, test
from tempest.lib import exceptions as lib_exc

CONF = config.CONF


class TricircleTest(test.BaseTestCase):
    """A test of a deployed Tricircle with an admin and a member (primary) account."""

    credentials = ["primary", "admin"]

    @classmethod
    def skip_checks(cls):
        super().skip_checks()
        if not CONF.service_available.tricircle:
            raise cls.skipException("Tricircle is not deployed")

    @classmethod
    def setup_credentials(cls):
        # No isolated network per account: the tests make what they use.
        cls.set_network_resources()
        super().setup_credentials()

    @classmethod
    def setup_clients(cls):
        super().setup_clients()
        cls.admin_api = cls.os_admin.tricircle.AdminClient()
        cls.member_api = cls.os_primary.tricircle.AdminClient()

    @classmethod
    def zones(cls) -> list[tuple[str, str]]:
        """(availability zone, region) of the pods the tests may use, in config order."""
        return list(CONF.tricircle.regions.items())

    @classmethod
    def two_zones(cls) -> list[tuple[str, str]]:
        zones = cls.zones()
        if len(zones) < 2:
            raise cls.skipException("[tricircle] regions names fewer than two pods")
        return zones[:2]

    def pod_of(self, region_name: str) -> dict:
        pods = self.admin_api.list_pods()["pods"]
        found = [pod for pod in pods if pod["region_name"] == region_name]
        if not found:
            raise lib_exc.NotFound(f"no pod for region {region_name}")
        return found[0]
