"""A pod must name a Keystone region, when Keystone can be asked."""

import pytest
from keystoneauth1 import exceptions as ks_exc

from tricircle.common import client, exceptions


class _Session:
    """Answers GET /regions/{name} like Keystone for the names it holds."""

    def __init__(self, regions=(), down=False):
        self.regions, self.down, self.asked = set(regions), down, []

    def get(self, url, **kwargs):
        self.asked.append((url, kwargs["endpoint_filter"]["service_type"]))
        if self.down:
            raise ks_exc.ConnectFailure("connection refused")
        status = 200 if url.rsplit("/", 1)[1] in self.regions else 404

        class Response:
            status_code = status
        return Response()


def test_known_and_unknown_regions():
    session = _Session(regions={"RegionOne"})
    assert client.region_exists(session, "RegionOne") is True
    assert client.region_exists(session, "Nowhere") is False
    assert session.asked[0] == ("/regions/RegionOne", "identity")


def test_keystone_down_is_a_named_503():
    with pytest.raises(exceptions.RegionUnreachable) as info:
        client.region_exists(_Session(down=True), "RegionOne")
    assert info.value.status == 503 and "Keystone" in info.value.message
