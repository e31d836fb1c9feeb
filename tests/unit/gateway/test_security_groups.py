"""A server's security groups named by central id, made ready for its region."""

import types
import uuid

import pytest

from tricircle.common.neutron import RemoteError
from tricircle.gateway import security_groups
from tricircle.gateway.call import GatewayError

REGION = types.SimpleNamespace(region_name="RegionTwo")


class CentralNeutron:
    """Central's groups by id; the regions' lookups by id that copy them, recorded."""

    def __init__(self) -> None:
        self.groups: dict[str, dict] = {}
        self.copied: list[tuple[str, str]] = []
        self.down = False

    def add(self, name: str, project: str = "demo") -> str:
        group_id = str(uuid.uuid4())
        self.groups[group_id] = {"id": group_id, "name": name, "project_id": project}
        return group_id

    def get(self, group_id: str) -> dict | None:
        if self.down:
            raise RemoteError("CentralRegion Neutron", None, "connection refused")
        return self.groups.get(group_id)

    def copy(self, region, group_id: str) -> None:
        self.copied.append((region.region_name, group_id))


@pytest.fixture
def central(monkeypatch):
    fake = CentralNeutron()
    monkeypatch.setattr(security_groups, "central_group", fake.get)
    monkeypatch.setattr(security_groups, "copy_to_region", fake.copy)
    return fake


def call_of(project: str = "demo"):
    return types.SimpleNamespace(context=types.SimpleNamespace(project_id=project))


def test_centrals_default_group_becomes_the_regions_default(central):
    default = central.add("default")
    groups = [{"name": default}]
    assert security_groups.prepare(call_of(), REGION, groups) is True
    assert groups == [{"name": "default"}]
    assert central.copied == []  # the region has a default of its own


def test_another_central_group_is_copied_to_the_region_and_kept_by_id(central):
    web = central.add("web")
    groups = [{"name": web}]
    assert security_groups.prepare(call_of(), REGION, groups) is False
    assert groups == [{"name": web}]  # the copy has central's id
    assert central.copied == [("RegionTwo", web)]


def test_names_and_groups_the_caller_does_not_own_reach_the_region_as_sent(central):
    theirs = central.add("default", project="other")
    unknown = str(uuid.uuid4())
    groups = [{"name": "default"}, {"name": "web"}, {"name": theirs}, {"name": unknown}]
    sent = [dict(g) for g in groups]
    assert security_groups.prepare(call_of(), REGION, groups) is False
    assert groups == sent
    assert central.copied == []  # nothing is copied for another project


def test_a_body_without_groups_is_left_alone(central):
    central.down = True  # not even asked
    assert security_groups.prepare_server(call_of(), REGION, {"name": "vm"}) is False
    assert security_groups.prepare(call_of(), REGION, "web") is False
    assert security_groups.prepare(call_of(), REGION, [None, {"name": 7}]) is False


def test_central_neutron_down_is_a_503_naming_it(central):
    web = central.add("web")
    central.down = True
    with pytest.raises(GatewayError) as raised:
        security_groups.prepare(call_of(), REGION, [{"name": web}])
    assert raised.value.status == 503 and "CentralRegion Neutron" in raised.value.message
