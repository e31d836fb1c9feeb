"""regions.neutron: a pod's Neutron from cached_endpoints or the catalog; an
unreachable region loses its cached endpoint; errors read as the remote's message."""

import pytest
import requests
import sqlalchemy as sa
from keystoneauth1 import session as ks_session

from tests.unit.common.test_neutron import ENDPOINT, Transport
from tricircle.common import client, exceptions
from tricircle.common.neutron import RemoteConflict, RemoteError
from tricircle.db import api as db_api
from tricircle.db import models
from tricircle.xjob import regions


@pytest.fixture
def transport(db, monkeypatch) -> Transport:
    fake = Transport()
    http = requests.Session()
    http.mount("http://", fake)
    monkeypatch.setattr(regions, "get_session", lambda: ks_session.Session(session=http))
    _add_pod()
    return fake


@pytest.fixture
def catalog(monkeypatch) -> list:
    """The Keystone catalog, holding ENDPOINT for RegionOne; each lookup is recorded."""
    asked = []

    def endpoint_for(session, region_name, service_type):
        asked.append((region_name, service_type))
        return ENDPOINT if region_name == "RegionOne" else None

    monkeypatch.setattr(client, "endpoint_for", endpoint_for)
    return asked


@db_api.writer
def _add_pod(session):
    session.add(models.Pod(pod_id="pod-1", region_name="RegionOne", az_name="az1"))


@db_api.reader
def _cached(session) -> list[str]:
    return list(session.scalars(sa.select(models.CachedEndpoint.service_url)))


def test_the_catalog_is_asked_once_then_the_endpoint_is_cached(transport, catalog):
    assert regions.neutron("pod-1").endpoint == ENDPOINT
    assert regions.neutron("pod-1").endpoint == ENDPOINT
    assert catalog == [("RegionOne", "network")]
    assert _cached() == [ENDPOINT]


def test_a_region_without_neutron_in_the_catalog_is_a_remote_error(transport, monkeypatch):
    monkeypatch.setattr(client, "endpoint_for", lambda *args: None)
    with pytest.raises(RemoteError, match="Keystone: 404: the catalog has no network"):
        regions.neutron("pod-1")


def test_an_unknown_pod_is_not_found(transport, catalog):
    with pytest.raises(exceptions.NotFound):
        regions.neutron("no-such-pod")


def test_an_unreachable_region_loses_its_cached_endpoint(transport, catalog):
    transport.answers[("GET", "/v2.0/ports/p1")] = requests.exceptions.ConnectionError("no")
    pod_neutron = regions.neutron("pod-1")
    with pytest.raises(RemoteError) as caught:
        pod_neutron.get("port", "p1")
    assert caught.value.unreachable and caught.value.service == "RegionOne Neutron"
    assert _cached() == []  # the next job asks the catalog again
    regions.neutron("pod-1")
    assert len(catalog) == 2


def test_an_error_names_the_call_and_the_remote_message_not_its_body(transport, catalog):
    transport.answers[("DELETE", "/v2.0/routers/r1")] = (409, {"NeutronError": {
        "type": "RouterInUse", "message": "Router r1 still has ports", "detail": ""}})
    with pytest.raises(RemoteConflict) as caught:
        regions.neutron("pod-1").delete("router", "r1")
    assert caught.value.message == (
        "RegionOne Neutron: 409: DELETE routers/r1: Router r1 still has ports")
    assert caught.value.status == 409 and _cached() == [ENDPOINT]  # answered: kept
