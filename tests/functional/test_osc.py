"""The OSC plugin end to end: the real ``openstack`` command against a real tricircle-api.

The API runs as a subprocess with noauth and a SQLite file; ``openstack`` talks
to it with the ``admin_token`` auth plugin (token ``admin:admin`` = the admin
user under noauth) and ``--os-endpoint``, so no Keystone is needed.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tricircle.common import constants
from tricircle.xjob import handlers

BIN = os.path.dirname(sys.executable)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    """The root URL of a tricircle-api started for this module."""
    state = tmp_path_factory.mktemp("osc")
    port = _free_port()
    conf = state / "tricircle.conf"
    conf.write_text(f"[DEFAULT]\nstate_path = {state}\nauth_strategy = noauth\n"
                    f"[database]\nconnection = sqlite:///{state}/tricircle.sqlite\n"
                    f"[api]\nbind_host = 127.0.0.1\nbind_port = {port}\n")
    subprocess.run([os.path.join(BIN, "tricircle-manage"), "--config-file", str(conf),
                    "db", "sync"], check=True, capture_output=True, timeout=120)
    log = open(state / "api.log", "wb")
    server = subprocess.Popen([os.path.join(BIN, "tricircle-api"), "--config-file",
                               str(conf)], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(url + "/", timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        else:
            pytest.fail("tricircle-api did not come up: " + (state / "api.log").read_text())
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


class OSC:
    """Runs the real openstack CLI against one API, like an operator's shell would."""

    def __init__(self, endpoint: str, home: str):
        self.endpoint = endpoint
        self.home = home

    def run(self, *args: str, token: str = "admin:admin", expect_rc: int = 0,
            endpoint: str | None = None, env: dict | None = None
            ) -> subprocess.CompletedProcess:
        """Fail unless the command exits ``expect_rc`` and prints no traceback."""
        # A clean environment: no OS_* variables or clouds.yaml of the machine leak in.
        clean = {"PATH": os.environ.get("PATH", ""), "HOME": self.home, "LANG": "C.UTF-8",
                 **(env or {})}
        result = subprocess.run(
            [os.path.join(BIN, "openstack"), "--os-auth-type", "admin_token",
             "--os-token", token, "--os-endpoint", endpoint or self.endpoint, *args],
            capture_output=True, text=True, timeout=120, env=clean)
        assert result.returncode == expect_rc, (result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        return result

    def json(self, *args: str, **kw):
        return json.loads(self.run(*args, "-f", "json", **kw).stdout)

    def pod(self, region: str, *extra: str) -> str:
        return self.json("multiregion", "networking", "pod", "create",
                         "--region-name", region, *extra)["pod_id"]


@pytest.fixture
def osc(endpoint, tmp_path):
    return OSC(endpoint, str(tmp_path))


def test_pod_create_list_show_set_delete(osc):
    central = osc.json("multiregion", "networking", "pod", "create",
                      "--region-name", "CentralRegion")
    assert central["az_name"] == "" and central["region_name"] == "CentralRegion"
    pod_id = osc.pod("PodRegion", "--availability-zone", "az-pods",
                      "--pod-availability-zone", "nova", "--data-center", "dc1")

    listed = osc.json("multiregion", "networking", "pod", "list")
    assert {"ID": pod_id, "Region Name": "PodRegion"} in listed
    long = osc.json("multiregion", "networking", "pod", "list", "--long",
                   "--availability-zone", "az-pods")
    assert long == [{"ID": pod_id, "Region Name": "PodRegion", "Availability Zone": "az-pods",
                     "Pod Availability Zone": "nova", "Data Center": "dc1"}]
    page = osc.json("multiregion", "networking", "pod", "list", "--limit", "1")
    assert len(page) == 1

    osc.run("multiregion", "networking", "pod", "set", pod_id,
              "--data-center", "dc2")
    shown = osc.run("multiregion", "networking", "pod", "show", pod_id,
                      "-f", "value", "-c", "dc_name").stdout
    assert shown == "dc2\n"

    osc.run("multiregion", "networking", "pod", "delete", pod_id)
    gone = osc.run("multiregion", "networking", "pod", "show", pod_id,
                     expect_rc=1)
    assert f"Pod {pod_id} could not be found. (HTTP 404)" in gone.stderr


def test_unknown_pod_shows_the_server_message_without_traceback(osc):
    result = osc.run("multiregion", "networking", "pod", "show", "nope",
                       expect_rc=1)
    assert "Pod nope could not be found. (HTTP 404)" in result.stderr
    assert result.stdout == ""


def test_a_second_pod_of_a_region_is_a_conflict(osc):
    osc.pod("TwiceRegion", "--availability-zone", "az-twice")
    result = osc.run("multiregion", "networking", "pod", "create",
                       "--region-name", "TwiceRegion", "--availability-zone", "az-twice",
                       expect_rc=1)
    assert "(HTTP 409)" in result.stderr and "TwiceRegion" in result.stderr


def test_routing_create_list_show_set_update_locate_delete(osc):
    pod_id = osc.pod("RoutingRegion", "--availability-zone", "az-routing")
    routing = osc.json("multiregion", "networking", "routing", "create",
                      "--top-id", "net-top-1", "--bottom-id", "net-bottom-1",
                      "--pod-id", pod_id, "--project-id", "demo",
                      "--resource-type", "network")
    routing_id = str(routing["id"])
    osc.json("multiregion", "networking", "routing", "create",
            "--top-id", "net-top-2", "--pod-id", pod_id, "--project-id", "demo",
            "--resource-type", "network")

    listed = osc.json("multiregion", "networking", "routing", "list",
                     "--pod-id", pod_id)
    assert [r["Top ID"] for r in listed] == ["net-top-1", "net-top-2"]
    first = osc.json("multiregion", "networking", "routing", "list",
                    "--pod-id", pod_id, "--limit", "1", "--long")
    assert first == [{"ID": routing["id"], "Pod": pod_id, "Resource Type": "network",
                      "Top ID": "net-top-1", "Bottom ID": "net-bottom-1", "Project": "demo",
                      "Created At": routing["created_at"], "Updated At": None}]
    after = osc.json("multiregion", "networking", "routing", "list",
                    "--pod-id", pod_id, "--marker", routing_id)
    assert [r["Top ID"] for r in after] == ["net-top-2"]
    by_id = osc.json("multiregion", "networking", "routing", "list",
                    "--routing", routing_id)
    assert [r["ID"] for r in by_id] == [routing["id"]]

    osc.run("multiregion", "networking", "routing", "set", routing_id,
              "--bottom-id", "net-bottom-1b")
    osc.run("multiregion", "networking", "routing", "update", routing_id,
              "--resource-type", "subnet")
    shown = osc.json("multiregion", "networking", "routing", "show", routing_id)
    assert (shown["bottom_id"], shown["resource_type"]) == ("net-bottom-1b", "subnet")

    by_bottom = osc.json("multiregion", "resource", "locate", "net-bottom-1b")
    assert by_bottom == [{"Routing ID": routing["id"], "Region": "RoutingRegion",
                          "Pod ID": pod_id, "Resource Type": "subnet", "Top ID": "net-top-1",
                          "Bottom ID": "net-bottom-1b", "Project": "demo"}]
    by_top = osc.json("multiregion", "resource", "locate", "net-top-1")
    assert by_top == by_bottom
    missing = osc.run("multiregion", "resource", "locate", "nowhere",
                        expect_rc=1)
    assert "No routing has nowhere as its top or bottom ID" in missing.stderr

    osc.run("multiregion", "networking", "routing", "delete", routing_id)
    assert "could not be found" in osc.run(
        "multiregion", "networking", "routing", "show", routing_id, expect_rc=1).stderr


def test_pod_with_routings_needs_force_to_delete(osc):
    pod_id = osc.pod("ForceRegion", "--availability-zone", "az-force")
    osc.json("multiregion", "networking", "routing", "create", "--top-id", "p-1",
            "--bottom-id", "p-1b", "--pod-id", pod_id, "--project-id", "demo",
            "--resource-type", "port")
    refused = osc.run("multiregion", "networking", "pod", "delete", pod_id,
                        expect_rc=1)
    assert "(HTTP 409)" in refused.stderr
    assert f"Failed to delete pod {pod_id}" in refused.stderr
    osc.run("multiregion", "networking", "pod", "delete", "--force", pod_id)


def test_job_schemas_create_list_show_redo_delete_and_region_status(osc):
    schemas = osc.json("multiregion", "networking", "job", "schemas")
    assert {"Type": "port_delete", "Resource": ["pod_id", "port_id"], "Handled": True} in schemas
    handled = handlers.HANDLERS.types()
    assert {(s["Type"], s["Handled"]) for s in schemas} == {
        (job_type, job_type in handled) for job_type in constants.JOB_TYPES}

    pod_id = osc.pod("JobRegion", "--availability-zone", "az-jobs")
    job = osc.json("multiregion", "networking", "job", "create",
                  "--type", "port_delete", "--project-id", "demo", "--pod-id", pod_id,
                  "--resource", "port_id=port-1")
    assert job["status"] == "NEW"
    assert job["resource"] == {"pod_id": pod_id, "port_id": "port-1"}

    listed = osc.json("multiregion", "networking", "job", "list",
                     "--status", "new", "--type", "port_delete", "--long")
    assert job["id"] in [j["ID"] for j in listed]
    shown = osc.json("multiregion", "networking", "job", "show", job["id"])
    assert shown["type"] == "port_delete"
    redone = osc.json("multiregion", "networking", "job", "redo", job["id"])
    assert redone["id"] == job["id"] and redone["status"] == "NEW"

    status = osc.json("multiregion", "region", "status", "--long")
    row = next(r for r in status if r["Region"] == "JobRegion")
    # token + endpoint auth has no catalog, so endpoints are unknown ("-").
    # The gateway never called JobRegion: its breakers have nothing to say.
    assert row == {"Region": "JobRegion", "Availability Zone": "az-jobs", "Compute": "-",
                   "Network": "-", "Volume": "-", "Gateway": "not called",
                   "Failed Jobs": 0, "New Jobs": 1, "Pod ID": pod_id, "Data Center": ""}

    bad = osc.run("multiregion", "networking", "job", "create",
                    "--type", "port_delete", "--project-id", "demo", "--pod-id", pod_id,
                    expect_rc=1)
    assert "'port_id' is a required property (HTTP 400)" in bad.stderr

    osc.run("multiregion", "networking", "job", "delete", job["id"])
    osc.run("multiregion", "networking", "job", "show", job["id"], expect_rc=1)


def test_binding_create_list_show_set_delete(osc):
    first = osc.pod("BindRegionA", "--availability-zone", "az-bind")
    second = osc.pod("BindRegionB", "--availability-zone", "az-bind")
    binding = osc.json("multiregion", "binding", "create", "--tenant-id", "demo",
                      "--pod-id", first)
    assert binding["is_binding"] is True and binding["az_name"] == "az-bind"

    listed = osc.json("multiregion", "binding", "list", "--tenant-id", "demo",
                     "--current")
    assert listed == [{"ID": binding["id"], "Tenant": "demo", "Pod": first,
                       "Availability Zone": "az-bind", "Current": True}]
    osc.run("multiregion", "binding", "set", binding["id"], "--pod-id", second)
    shown = osc.json("multiregion", "binding", "show", binding["id"])
    assert shown["pod_id"] == second
    osc.run("multiregion", "binding", "delete", binding["id"])
    assert osc.json("multiregion", "binding", "list", "--long",
                   "--tenant-id", "demo") == []


def test_usage_show_prints_regions_and_total(osc):
    # This API has no region endpoints: nothing is counted, nothing is unreachable.
    shown = osc.json("multiregion", "usage", "show", "demo")
    assert shown["project_id"] == "demo" and shown["unreachable"] == []
    assert shown["total"] == {"servers": 0, "cores": 0, "ram": 0, "volumes": 0,
                              "gigabytes": 0, "snapshots": 0}
    refused = osc.run("multiregion", "usage", "show", "demo", token="alice:alt",
                      expect_rc=1)
    assert "(HTTP 403)" in refused.stderr


def test_a_member_is_refused_with_the_policy_message(osc):
    result = osc.run("multiregion", "networking", "pod", "create",
                       "--region-name", "Nope", token="alice:demo", expect_rc=1)
    assert "(HTTP 403)" in result.stderr and "Policy does not allow" in result.stderr


def test_endpoint_with_version_path_url_option_and_version_env(osc):
    # The catalog may hold the root or .../v1.0; both reach the same API.
    osc.run("multiregion", "networking", "pod", "list", endpoint=osc.endpoint + "/v1.0")
    # --os-multiregion-networking-url overrides the auth plugin's endpoint.
    osc.run("--os-multiregion-networking-url", osc.endpoint, "multiregion", "networking",
            "job", "list", endpoint="http://127.0.0.1:9",
            env={"OS_MULTIREGION_NETWORKING_API_VERSION": "1"})


def test_bad_option_values_are_refused_by_the_parser(osc):
    result = osc.run("multiregion", "networking", "job", "list",
                       "--status", "sleeping", expect_rc=2)
    assert "invalid status 'sleeping'" in result.stderr


def test_pod_health_lists_no_breaker_for_a_pod_the_gateway_never_saw_fail(osc):
    pod_id = osc.pod("HealthRegion", "--availability-zone", "az-health")
    assert osc.json("multiregion", "networking", "pod", "health", pod_id) == []
    gone = osc.run("multiregion", "networking", "pod", "health", "nope", expect_rc=1)
    assert "Pod nope could not be found. (HTTP 404)" in gone.stderr
