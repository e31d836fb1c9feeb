"""Central quota in the real lab: Keystone unified limits set with the stock
`openstack registered limit` / `openstack limit` commands, enforced by the
gateway (central_quota = true in the lab's tricircle.conf) across regions."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tricircle.lab.layout import CENTRAL_REGION, REGIONS

# Generous defaults for every project: only demo's own limit is tight.
COMPUTE_DEFAULTS = {"servers": 20, "class:VCPU": 40, "class:MEMORY_MB": 40960}


def _limits_show(lab) -> dict:
    rows = lab.openstack_json("limits", "show", "--absolute", user="demo",
                              region=CENTRAL_REGION)
    return {row["Name"]: row["Value"] for row in rows}


def _delete_existing(lab, command: str, **filters: str) -> None:
    """Limits an interrupted run may have left behind."""
    args = [arg for name, value in filters.items() for arg in (f"--{name}", value)]
    for row in lab.openstack_json(command, "list", *args):
        lab.openstack(command, "delete", row["ID"], check=False)


@pytest.fixture
def demo_limit(lab):
    """Registered compute limits of CentralRegion, and demo's servers limit set to
    what it uses now plus one; all removed afterwards. Yields the limit's id."""
    _delete_existing(lab, "limit", service="nova", region=CENTRAL_REGION,
                     project="demo")
    for name in COMPUTE_DEFAULTS:
        _delete_existing(lab, "registered limit", service="nova",
                         region=CENTRAL_REGION, **{"resource-name": name})
    made: list[tuple[str, str]] = []
    try:
        for name, value in COMPUTE_DEFAULTS.items():
            row = lab.openstack_json("registered", "limit", "create", "--service", "nova",
                                     "--region", CENTRAL_REGION, "--default-limit",
                                     str(value), name)
            made.append(("registered limit", row["id"]))
        used = _limits_show(lab)["instances_used"]
        row = lab.openstack_json("limit", "create", "--project", "demo", "--service",
                                 "nova", "--region", CENTRAL_REGION, "--resource-limit",
                                 str(used + 1), "servers")
        made.append(("limit", row["id"]))
        yield row["id"]
    finally:
        for command, limit_id in reversed(made):
            lab.openstack(*command.split(), "delete", limit_id, check=False)


def test_second_server_in_another_region_is_over_the_central_quota(lab, demo_limit,
                                                                   unique_name):
    first = None
    try:
        first = lab.openstack_json(
            "server", "create", "--flavor", "m1.tiny", "--image", "tiny", "--nic", "none",
            "--availability-zone", REGIONS[0].az, "--wait", f"{unique_name}-1",
            user="demo", region=CENTRAL_REGION)
        assert first["status"] == "ACTIVE"
        # Others may create or delete demo's servers meanwhile: tighten the limit to
        # what demo uses right now, so the next server is one too many.
        used = _limits_show(lab)["instances_used"]
        lab.openstack("limit", "set", "--resource-limit", str(used), demo_limit)
        refused = lab.openstack(
            "server", "create", "--flavor", "m1.tiny", "--image", "tiny", "--nic", "none",
            "--availability-zone", REGIONS[1].az, f"{unique_name}-2", user="demo",
            region=CENTRAL_REGION, check=False)
        assert refused.returncode != 0
        assert re.search(r"Quota exceeded for instances: Requested 1, but already used "
                         r"\d+ of \d+ instances", refused.stderr), refused.stderr
        assert "403" in refused.stderr
        shown = _limits_show(lab)
        assert shown["instances"] == used
        assert shown["max_total_cores"] == COMPUTE_DEFAULTS["class:VCPU"]
        assert shown["max_total_ram_size"] == COMPUTE_DEFAULTS["class:MEMORY_MB"]
        # Nothing reached RegionTwo.
        names = [s.name for s in lab.sdk("demo", REGIONS[1].name).compute.servers()]
        assert f"{unique_name}-2" not in names
    finally:
        if first is not None:
            lab.openstack("server", "delete", "--wait", first["id"], user="demo",
                          region=CENTRAL_REGION, check=False)


def test_usages_through_the_admin_api(lab):
    # The project's own venv has the OSC plugin (the lab venv's openstack has not).
    openstack = str(Path(sys.executable).parent / "openstack")
    project = lab.openstack_json("project", "show", "demo")["id"]
    result = subprocess.run([openstack, "multiregion", "usage", "show", project, "-f", "json"],
                            env=lab.env("admin", CENTRAL_REGION), capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["unreachable"] == []
    assert set(shown["regions"]) == {region.name for region in REGIONS}
    assert shown["total"]["servers"] == sum(r["servers"] for r in shown["regions"].values())
    # The same count the gateway reports to demo itself (no server changes between
    # the two calls unless someone else is busy in demo: then allow a difference).
    used = _limits_show(lab)["instances_used"]
    assert abs(shown["total"]["servers"] - used) <= 2
