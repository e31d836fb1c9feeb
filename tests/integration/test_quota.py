"""Central quota in the real lab: Keystone unified limits set with the stock
`openstack registered limit` / `openstack limit` commands, enforced by the
gateway (central_quota = true in the lab's tricircle.conf) across regions."""

import json
import re
import subprocess
import sys
import threading
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


def _names_in_regions(lab, prefix: str) -> dict[str, str]:
    """demo's servers named ``prefix...`` as the regions themselves list them: id → name."""
    found = {}
    for region in REGIONS:
        for server in lab.sdk("demo", region.name).compute.servers():
            if server.name.startswith(prefix):
                found[server.id] = server.name
    return found


def test_parallel_boots_through_the_gateway_leave_exactly_the_limit(lab, demo_limit,
                                                                    unique_name):
    """Six boots at once through CentralRegion against room for two: two are made
    (in whichever regions), four get Nova's 403, whichever came first."""
    used = _limits_show(lab)["instances_used"]
    lab.openstack("limit", "set", "--resource-limit", str(used + 2), demo_limit)
    image = lab.sdk("demo", REGIONS[0].name).image.find_image("tiny").id
    connections = [lab.sdk("demo", CENTRAL_REGION) for _ in range(6)]
    start = threading.Barrier(len(connections))
    statuses: list[int | None] = [None] * len(connections)

    def boot(index: int) -> None:
        body = {"server": {"name": f"{unique_name}-{index}", "flavorRef": "1",
                           "imageRef": image, "networks": "none",
                           "availability_zone": REGIONS[index % 2].az}}
        start.wait()
        reply = connections[index].compute.post("/servers", json=body,
                                                microversion="2.37", raise_exc=False)
        statuses[index] = reply.status_code

    threads = [threading.Thread(target=boot, args=(i,)) for i in range(len(connections))]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(300)
        assert sorted(statuses) == [202, 202, 403, 403, 403, 403], statuses
        made = _names_in_regions(lab, unique_name)
        assert len(made) == 2, made
        assert _limits_show(lab)["instances_used"] == used + 2
    finally:
        for server_id in _names_in_regions(lab, unique_name):
            lab.openstack("server", "delete", "--wait", server_id, user="demo",
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


def test_a_resize_is_checked_for_the_ram_it_adds(lab, demo_limit, unique_name):
    """m1.tiny (128 MiB) to m1.small (256 MiB) through CentralRegion: refused with
    Nova's 403 while demo's central RAM has less than 128 MiB left, made once it has."""
    server = lab.openstack_json(
        "server", "create", "--flavor", "m1.tiny", "--image", "tiny", "--nic", "none",
        "--availability-zone", REGIONS[1].az, "--wait", unique_name, user="demo",
        region=CENTRAL_REGION)
    ram_limit = None
    try:
        used = _limits_show(lab)["total_ram_used"]
        ram_limit = lab.openstack_json(
            "limit", "create", "--project", "demo", "--service", "nova", "--region",
            CENTRAL_REGION, "--resource-limit", str(used + 64), "class:MEMORY_MB")["id"]
        refused = lab.openstack("server", "resize", "--flavor", "m1.small", server["id"],
                                user="demo", region=CENTRAL_REGION, check=False)
        assert refused.returncode != 0
        assert (f"Quota exceeded for ram: Requested 128, but already used {used} of "
                f"{used + 64} ram") in refused.stderr, refused.stderr
        shown = lab.sdk("demo", REGIONS[1].name).compute.get_server(server["id"])
        assert (shown.status, shown.flavor.original_name) == ("ACTIVE", "m1.tiny")

        lab.openstack("limit", "set", "--resource-limit", str(used + 128), ram_limit)
        lab.openstack("server", "resize", "--flavor", "m1.small", "--wait", server["id"],
                      user="demo", region=CENTRAL_REGION)
        lab.openstack("server", "resize", "confirm", server["id"], user="demo",
                      region=CENTRAL_REGION)
        shown = lab.sdk("demo", REGIONS[1].name).compute.get_server(server["id"])
        assert shown.flavor.original_name == "m1.small"
    finally:
        if ram_limit is not None:
            lab.openstack("limit", "delete", ram_limit, check=False)
        lab.openstack("server", "delete", "--wait", server["id"], user="demo",
                      region=CENTRAL_REGION, check=False)
