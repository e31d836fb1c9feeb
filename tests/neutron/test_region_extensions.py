"""What central Neutron learns of the regions' extensions (tricircle.network.region_extensions)."""

from unittest import mock

import pytest
from neutron_lib import exceptions as n_exc

from tricircle.common.neutron import RemoteError
from tricircle.network import helper, region_extensions


class Region:
    def __init__(self, aliases=None):
        self.aliases = aliases

    def request(self, method, path):
        assert (method, path) == ("GET", "extensions")
        if self.aliases is None:
            raise RemoteError("RegionTwo Neutron", None, "connection refused")
        return {"extensions": [{"alias": alias} for alias in self.aliases]}


@pytest.fixture
def regions():
    found = {"RegionOne": Region(("qos", "trunk")), "RegionTwo": Region(("trunk",))}
    with mock.patch.dict(region_extensions._known, {}, clear=True), \
            mock.patch.object(helper, "network_regions", return_value=sorted(found)), \
            mock.patch.object(helper, "neutron", side_effect=found.get):
        yield found


def test_a_region_known_to_lack_an_extension_is_refused_by_name(regions):
    region_extensions.refresh()
    region_extensions.require({"RegionOne"}, ("qos",), "x")
    with pytest.raises(n_exc.BadRequest, match="RegionTwo Neutron has no 'qos' extension"):
        region_extensions.require({"RegionOne", "RegionTwo"}, ("trunk", "qos"), "x")


def test_a_region_that_does_not_answer_keeps_what_was_known(regions):
    region_extensions.refresh()
    regions["RegionTwo"].aliases = None
    region_extensions.refresh()
    with pytest.raises(n_exc.BadRequest):
        region_extensions.require({"RegionTwo"}, ("qos",), "x")
    region_extensions.require({"RegionThree", None}, ("qos",), "x")  # never heard of
