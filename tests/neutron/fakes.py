"""Every Neutron the plugins call, as one fake standing for ``helper.neutron``.

Each method of :class:`FakeNeutrons` is one Mock that every region's
``Neutron`` calls with its region first, so a test patches or asserts
``("CentralRegion", "port", PORT)`` whichever region was called.
"""

from unittest import mock

from tricircle.common.neutron import RemoteError


class FakeNeutrons:
    def __init__(self) -> None:
        self.get = mock.Mock(return_value=None)
        self.find = mock.Mock(return_value=[])
        self.create = mock.Mock()
        self.update = mock.Mock(return_value={})
        self.delete = mock.Mock(return_value=True)

    def __call__(self, region: str) -> "RegionNeutron":
        return RegionNeutron(self, region)


class RegionNeutron:
    """One region's Neutron, with the methods of tricircle.common.neutron.Neutron."""

    def __init__(self, neutrons: FakeNeutrons, region: str) -> None:
        self.neutrons, self.region_name = neutrons, region

    def get(self, resource_type: str, resource_id: str):
        return self.neutrons.get(self.region_name, resource_type, resource_id)

    def find(self, resource_type: str, **filters):
        return self.neutrons.find(self.region_name, resource_type, **filters)

    def create(self, resource_type: str, body: dict):
        return self.neutrons.create(self.region_name, resource_type, body)

    def update(self, resource_type: str, resource_id: str, body: dict):
        return self.neutrons.update(self.region_name, resource_type, resource_id, body)

    def delete(self, resource_type: str, resource_id: str):
        return self.neutrons.delete(self.region_name, resource_type, resource_id)


def failure(region: str, status: int | None, detail: str) -> RemoteError:
    """What the Neutron of ``region`` raises when it fails."""
    return RemoteError(f"{region} Neutron", status, detail, region)


KEYSTONE_DOWN = RemoteError("Keystone", None, "Connection refused")
