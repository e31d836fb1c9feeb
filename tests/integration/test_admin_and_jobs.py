"""The admin side in the lab: the OpenStackClient plugin through Keystone, and a
job that tricircle-xjob runs against a real region."""

import json
import subprocess
import sys
import time
from pathlib import Path

from tricircle.lab.layout import CENTRAL_REGION, REGIONS


def test_pod_list_through_keystone_shows_every_region(lab):
    pods = json.loads(lab.multiregion("networking", "pod", "list", "-f", "json").stdout)
    assert {pod["Region Name"] for pod in pods} >= {CENTRAL_REGION, *[r.name for r in REGIONS]}


def test_member_gets_the_servers_policy_message(lab):
    result = lab.multiregion("networking", "pod", "create", "--region-name", "Nowhere",
                         user="demo", check=False)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "403" in result.stderr or "not allowed" in result.stderr.lower()


def test_xjob_runs_a_port_delete_job_in_the_region(lab, unique_name):
    region = REGIONS[0]
    network = lab.sdk("admin", region.name).network
    demo_net = network.find_network(f"demo-net-{region.short}")
    port = network.create_port(network_id=demo_net.id, name=unique_name,
                               project_id=demo_net.project_id)
    try:
        pods = json.loads(lab.multiregion("networking", "pod", "list", "-f", "json").stdout)
        pod_id = next(p["ID"] for p in pods
                      if p["Region Name"] == region.name)
        job = json.loads(lab.multiregion(
            "networking", "job", "create", "--type", "port_delete",
            "--project-id", demo_net.project_id, "--pod-id", pod_id, "--port-id", port.id,
            "-f", "json").stdout)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            shown = json.loads(lab.multiregion("networking", "job", "show", job["id"],
                                           "-f", "json").stdout)
            if shown["status"] in ("SUCCESS", "FAIL"):
                break
            time.sleep(1)
        assert shown["status"] == "SUCCESS", shown
        assert network.find_port(port.id, ignore_missing=True) is None
    finally:
        # Left only when the job did not run; the assertions above say why.
        network.delete_port(port, ignore_missing=True)


def test_upgrade_check_passes_against_the_lab(lab):
    from tricircle.lab.layout import Layout

    conf = Layout.default().etc / "tricircle" / "tricircle.conf"
    status = str(Path(sys.executable).parent / "tricircle-status")
    result = subprocess.run([status, "--config-file", str(conf), "upgrade", "check"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "pods answer" in result.stdout
