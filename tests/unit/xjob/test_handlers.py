"""port_delete: idempotent, a 404 counts as done."""

from tests.unit.xjob.conftest import FakeNeutron
from tricircle.xjob import handlers
from tricircle.xjob.registry import Job


def test_port_delete_counts_a_missing_port_as_done(fake_neutrons):
    region = fake_neutrons["pod"] = FakeNeutron("pod")
    region.objects["port"]["p1"] = {"id": "p1"}
    job = Job("j", "port_delete", "demo", {"pod_id": "pod", "port_id": "p1"})
    handlers.port_delete(job)
    handlers.port_delete(job)  # again, as after a crash: nothing left to do, no error
    assert region.deleted == [("pod", "ports", "p1")] * 2 and not region.objects["port"]
