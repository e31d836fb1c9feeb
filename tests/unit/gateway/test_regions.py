"""The region table: a slow catalog or database read stalls only the caller doing it."""

import threading

import pytest

from tricircle.common import config
from tricircle.gateway import regions
from tricircle.objects.pod import Region

PODS = [Region("pod-1", "RegionOne", "az1", "az1", {}),
        Region("pod-2", "RegionTwo", "az2", "az2", {})]


class Catalog:
    """Keystone's catalog: RegionOne has Nova, nobody has Cinder (so every read of
    the table asks again); ``block`` makes the next lookups wait."""

    def __init__(self):
        self.asked = []
        self.block = threading.Event()
        self.blocked = threading.Event()
        self.release = threading.Event()
        self.fail = False

    def endpoint_for(self, session, region_name, service_type):
        self.asked.append((region_name, service_type))
        if self.block.is_set():
            self.blocked.set()
            self.release.wait(10)
        if self.fail:
            raise ConnectionError("keystone does not answer")
        if region_name == "RegionOne" and service_type == "compute":
            return "http://r1:8774/v2.1"
        return None


@pytest.fixture
def catalog(monkeypatch):
    fake = Catalog()
    stored = {}
    monkeypatch.setattr(regions.pod_obj, "regional", lambda: list(PODS))
    monkeypatch.setattr(regions.endpoint, "get_all", lambda: dict(stored))
    monkeypatch.setattr(regions.endpoint, "store", lambda pod, service, url: stored.setdefault(
        pod, {}).__setitem__(service, url))
    monkeypatch.setattr(regions.client, "is_configured", lambda: True)
    monkeypatch.setattr(regions.client, "get_session", object)
    monkeypatch.setattr(regions.client, "endpoint_for", fake.endpoint_for)
    config.CONF.set_override("endpoint_cache_seconds", 0, "gateway")
    yield fake
    fake.release.set()
    config.CONF.clear_override("endpoint_cache_seconds", "gateway")


def test_a_caller_uses_the_previous_table_while_another_reads_it_again(catalog):
    table = regions.RegionTable()
    first = table.regions()
    assert first[0].endpoints == {"compute": "http://r1:8774"}
    catalog.block.set()  # the next read of the catalog hangs
    refresher = threading.Thread(target=table.regions)
    refresher.start()
    assert catalog.blocked.wait(10)
    assert table.regions() is first  # no wait on the hanging read
    assert table.get("pod-1").endpoints == {"compute": "http://r1:8774"}
    catalog.block.clear()
    catalog.release.set()
    refresher.join(10)
    assert not refresher.is_alive()


def test_a_failing_catalog_is_asked_once_per_read_of_the_table(catalog):
    catalog.fail = True
    table = regions.RegionTable()
    assert [r.endpoints for r in table.regions()] == [{}, {}]
    assert len(catalog.asked) == 1  # not once per pod and service
    catalog.fail = False
    assert table.regions()[0].endpoints == {"compute": "http://r1:8774"}


def test_an_invalidated_table_is_not_replaced_by_a_read_begun_before(catalog):
    config.CONF.set_override("endpoint_cache_seconds", 60, "gateway")
    table = regions.RegionTable()
    table.regions()
    table.invalidate()
    catalog.block.set()
    reader = threading.Thread(target=table.regions)
    reader.start()
    assert catalog.blocked.wait(10)
    table.invalidate()  # e.g. set_endpoint stored a new endpoint meanwhile
    catalog.block.clear()
    catalog.release.set()
    reader.join(10)
    asked = len(catalog.asked)
    table.regions()
    assert len(catalog.asked) > asked  # read again, not the older read's table
    asked = len(catalog.asked)
    table.regions()
    assert len(catalog.asked) == asked  # and that one is kept
