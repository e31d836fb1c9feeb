"""The admin API's catalog entry: official service type, found under its alias too."""

import pytest
from keystoneauth1 import access, adapter, session
from keystoneauth1 import exceptions as ks_exc
from keystoneauth1.identity import access as access_plugin

from tricircleclient import catalog


def _session_with(service_type: str, url: str) -> session.Session:
    endpoint = {"id": "e1", "interface": "public", "region": "CentralRegion",
                "region_id": "CentralRegion", "url": url}
    token = {"token": {
        "methods": ["password"], "expires_at": "2999-01-01T00:00:00Z",
        "user": {"id": "u1", "name": "admin", "domain": {"id": "default", "name": "Default"}},
        "project": {"id": "p1", "name": "admin", "domain": {"id": "default", "name": "Default"}},
        "catalog": [{"id": "s1", "type": service_type, "endpoints": [endpoint]}]}}
    # A plugin over a fixed token: the catalog is read without any Keystone.
    auth = access_plugin.AccessInfoPlugin(access.create(body=token, auth_token="a-token"))
    return session.Session(auth=auth)


def test_the_official_service_type_is_multi_region_network_automation():
    assert catalog.ADMIN_SERVICE_TYPE == "multi-region-network-automation"
    assert "tricircle" in catalog.ADMIN_SERVICE_TYPE_ALIASES


@pytest.mark.parametrize("registered", ["multi-region-network-automation", "tricircle"])
def test_an_adapter_on_the_official_type_finds_either_registration(registered):
    sess = _session_with(registered, "http://tricircle.example.org:19999/v1.0")
    found = adapter.Adapter(sess, service_type=catalog.ADMIN_SERVICE_TYPE,
                            region_name="CentralRegion", interface="public").get_endpoint()
    assert found == "http://tricircle.example.org:19999/v1.0"


def test_another_service_type_is_not_taken_for_the_admin_api():
    sess = _session_with("network", "http://neutron.example.org:9696")
    admin_api = adapter.Adapter(sess, service_type=catalog.ADMIN_SERVICE_TYPE,
                                region_name="CentralRegion", interface="public")
    with pytest.raises(ks_exc.EndpointNotFound):
        admin_api.get_endpoint()
