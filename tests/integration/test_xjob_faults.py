"""tricircle-xjob killed mid-batch in the real lab: every job still succeeds once.

The lab's worker is stopped, a batch of port_delete jobs for real ports in
RegionOne is queued through the admin API, the worker is started again with
`tricircle-lab up` and SIGKILLed once some, not all, jobs are done. Brought
back, it (after [xjob] job_run_expire, for the jobs it held RUNNING) finishes
the batch: each job is logged SUCCESS once, none stays NEW or RUNNING, and no
port is left.
"""

import os
import signal
import subprocess
import time
import uuid

import pytest

from tests.integration.conftest import lab_command, poll
from tricircle.lab import procs
from tricircle.lab.layout import CENTRAL_REGION, REGIONS, Layout

BATCH = 30
XJOB = "tricircle-xjob"
# job_run_expire (180 s) + a housekeeping interval (60 s) + the batch itself.
RECOVERY_TIMEOUT = 420


class AdminApi:
    """Tricircle's admin API through Keystone, as the lab's admin."""

    def __init__(self, lab) -> None:
        self._session = lab.sdk("admin", CENTRAL_REGION).session
        self._filter = {"service_type": "tricircle", "region_name": CENTRAL_REGION,
                        "interface": "public"}

    def get(self, path: str) -> dict:
        return self._session.get(path, endpoint_filter=self._filter).json()

    def post(self, path: str, body: dict) -> dict:
        return self._session.post(path, json=body, endpoint_filter=self._filter).json()


def _jobs(api: AdminApi, project_id: str) -> list[dict]:
    return api.get(f"/jobs?project_id={project_id}&type=port_delete&limit=1000")["jobs"]


def _stop_xjob() -> None:
    pid = procs.running_pid(Layout.default(), XJOB)
    if pid is not None:
        os.kill(pid, signal.SIGTERM)  # a clean stop: it finishes what it runs
        poll(lambda: procs.running_pid(Layout.default(), XJOB) is None, 60, interval=0.5)


def _kill_mid_batch(api: AdminApi, project_id: str) -> int:
    """Start the worker with `tricircle-lab up` and SIGKILL it once 0 < done < BATCH."""
    starting = subprocess.Popen(lab_command() + ["up"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            pid = procs.running_pid(Layout.default(), XJOB)
            done = sum(job["status"] == "SUCCESS" for job in _jobs(api, project_id))
            if pid is not None and 0 < done < BATCH:
                os.kill(pid, signal.SIGKILL)
                return done
            if done == BATCH:
                pytest.fail("the batch finished before the worker could be killed")
            time.sleep(0.05)
        pytest.fail("tricircle-xjob did not start on the batch")
    finally:
        starting.wait(timeout=900)  # it may report the worker it saw die; up again below


def test_a_worker_killed_mid_batch_leaves_every_job_done_once(lab):
    api = AdminApi(lab)
    region = REGIONS[0]
    network = lab.sdk("admin", region.name).network
    demo_net = network.find_network(f"demo-net-{region.short}", ignore_missing=False)
    pod_id = next(pod["pod_id"] for pod in api.get("/pods")["pods"]
                  if pod["region_name"] == region.name)
    project_id = f"fault-{uuid.uuid4().hex[:12]}"  # isolates this batch in the job list
    ports = [network.create_port(network_id=demo_net.id, name=f"{project_id}-{i}")
             for i in range(BATCH)]

    _stop_xjob()
    try:
        queued = [api.post("/jobs", {"job": {"type": "port_delete", "project_id": project_id,
                                             "resource": {"pod_id": pod_id,
                                                          "port_id": port.id}}})["job"]
                  for port in ports]
        done_at_kill = _kill_mid_batch(api, project_id)
    finally:
        up = subprocess.run(lab_command() + ["up"], capture_output=True, text=True,
                            timeout=900)
    assert up.returncode == 0, up.stderr[-3000:]
    print(f"killed tricircle-xjob with {done_at_kill}/{BATCH} jobs done")

    finished = poll(lambda: (lambda jobs: len(jobs) == BATCH and all(
        job["status"] == "SUCCESS" for job in jobs) and jobs)(_jobs(api, project_id)),
        RECOVERY_TIMEOUT, interval=2)
    jobs = _jobs(api, project_id)
    assert finished, sorted((job["status"], job.get("error")) for job in jobs)
    # Exactly once: one logged success per queued job, nothing NEW or RUNNING left.
    assert sorted(job["id"] for job in jobs) == sorted(job["id"] for job in queued)
    assert {job["status"] for job in jobs} == {"SUCCESS"}
    assert not [job for job in _jobs(api, project_id) if job["status"] == "RUNNING"]
    left = [port.id for port in network.ports(network_id=demo_net.id)
            if port.name.startswith(project_id)]
    assert left == []
