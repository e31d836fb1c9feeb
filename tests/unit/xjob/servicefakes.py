"""In-memory Neutrons for the QoS, trunk and SFC jobs (tests/unit/xjob/test_qos.py,
test_trunks.py, test_sfc.py): central and two regions, registered as pods."""

from tests.unit.xjob.conftest import FakeNeutron
from tricircle.db import api as db_api
from tricircle.db import models
from tricircle.objects import routing

CENTRAL, R1, R2 = "central", "pod-1", "pod-2"
REGION_NAMES = {CENTRAL: "CentralRegion", R1: "RegionOne", R2: "RegionTwo"}


class ServiceNeutron(FakeNeutron):
    """A pod's Neutron that names its region, lists its ``extensions``, lists by a list
    of ids, and (in a region) answers a lookup by id of a central port it lacks by
    copying it, as the local plugin does."""

    def __init__(self, pod_id: str, everyone: dict, extensions: tuple[str, ...]) -> None:
        super().__init__(pod_id)
        self.region_name, self.everyone, self.extensions = (REGION_NAMES[pod_id], everyone,
                                                            extensions)

    def get(self, resource_type, resource_id):
        if resource_type == "port" and self.pod_id != CENTRAL \
                and resource_id not in self.objects["port"]:
            top = self.everyone[CENTRAL].objects["port"].get(resource_id)
            if top is not None:
                self.objects["port"][resource_id] = dict(top)
                routing.record("port", resource_id, self.pod_id, "demo")
        return super().get(resource_type, resource_id)

    def find(self, resource_type, **filters):
        ids = filters.pop("id", None)
        assert "qos_policy_id" not in filters, "Neutron refuses this filter"
        filters.pop("fields", None)
        return [item for item in super().find(resource_type, **filters)
                if ids is None or item["id"] in ids]

    def request(self, method, path, body=None, missing_ok=False):
        assert path == "extensions", path
        return {"extensions": [{"alias": alias} for alias in self.extensions]}


def make(fakes: dict, cls=ServiceNeutron, extensions: tuple[str, ...] = ()) -> dict:
    """Put ``cls`` Neutrons under the three pods and register the pods."""
    for pod in REGION_NAMES:
        fakes[pod] = cls(pod, fakes, extensions)
    _add_pods()
    return fakes


@db_api.writer
def _add_pods(session):
    for pod_id, region in REGION_NAMES.items():
        az_name = "" if pod_id == CENTRAL else f"az-{region}"
        session.add(models.Pod(pod_id=pod_id, region_name=region, az_name=az_name))
