"""The worker's options, and regions' Neutrons in memory.

The database fixture is tests/unit/conftest.py's ``db``.
"""

import collections
import itertools

import pytest

from tricircle.common import neutron
from tricircle.common.neutron import RemoteConflict
from tricircle.xjob import conf as _xjob_conf  # noqa: F401  (registers [xjob])
from tricircle.xjob import regions


class FakeNeutron:
    """One pod's Neutron in memory, with the calls xjob makes on a
    regions.PodNeutron: objects by resource type, then id.

    ``conflicts(resource_type, body)`` says whether a create is refused with
    409, as Neutron refuses a second port with one MAC on a network.
    """

    def __init__(self, pod_id: str, endpoint: str = "http://127.0.0.1:9696") -> None:
        self.pod_id, self.endpoint = pod_id, endpoint
        self.objects: dict[str, dict[str, dict]] = collections.defaultdict(dict)
        self.deleted: list[tuple[str, str, str]] = []  # (pod, URL collection, id)
        self.updated: list[tuple[str, str, dict]] = []
        self._ids = itertools.count()

    def conflicts(self, resource_type: str, body: dict) -> bool:
        return False

    def get(self, resource_type: str, resource_id: str) -> dict | None:
        return self.objects[resource_type].get(resource_id)

    def find(self, resource_type: str, **filters: str) -> list[dict]:
        return [item for item in self.objects[resource_type].values()
                if all(item.get(key) == value for key, value in filters.items())]

    def create(self, resource_type: str, body: dict) -> dict:
        if self.conflicts(resource_type, body):
            raise RemoteConflict(f"{self.pod_id} Neutron", 409, f"{resource_type} exists")
        new = dict(body, id=f"{resource_type}-{next(self._ids)}")
        self.objects[resource_type][new["id"]] = new
        return new

    def update(self, resource_type: str, resource_id: str, body: dict) -> dict:
        self.updated.append((resource_type, resource_id, body))
        self.objects[resource_type][resource_id].update(body)
        return self.objects[resource_type][resource_id]

    def delete(self, resource_type: str, resource_id: str) -> bool:
        self.deleted.append((self.pod_id, neutron.collection(resource_type), resource_id))
        return self.objects[resource_type].pop(resource_id, None) is not None


@pytest.fixture
def fake_neutrons(monkeypatch) -> dict:
    """``regions.neutron`` answered from a dict: put a FakeNeutron (or anything
    with its methods) under a pod id to make it that pod's Neutron."""
    fakes: dict = {}

    def neutron_of(pod_id: str):
        assert pod_id in fakes, f"pod {pod_id} was not expected to be called"
        return fakes[pod_id]

    monkeypatch.setattr(regions, "neutron", neutron_of)
    return fakes
