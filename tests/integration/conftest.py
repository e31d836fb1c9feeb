"""The integration tier: the real OpenStack lab (`tricircle-lab up`), driven by
the stock `openstack` CLI and openstacksdk. Every test here is marked
`integration`; the fast tiers deselect them.
"""

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import openstack
import pytest

from tricircle.lab import tempest_results
from tricircle.lab.layout import CENTRAL_REGION, REGIONS, Layout


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/integration/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.integration)


def poll(check, timeout: float = 180.0, interval: float = 1.0):
    """``check()``'s first truthy answer within ``timeout`` seconds, else None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(interval)
    return None


def lab_command() -> list[str]:
    script = shutil.which("tricircle-lab")
    return [script] if script else [sys.executable, "-m", "tricircle.lab.cli"]


class Lab:
    """Handles on the running lab for one test session."""

    regions = REGIONS
    central = CENTRAL_REGION

    def env(self, user: str = "admin", region: str = REGIONS[0].name) -> dict:
        """The environment `eval "$(tricircle-lab env ...)"` gives a shell."""
        out = subprocess.run(lab_command() + ["env", "--user", user, "--region", region],
                             capture_output=True, text=True, check=True).stdout
        env = dict(os.environ)
        for line in out.splitlines():
            key, _, value = line.removeprefix("export ").partition("=")
            value = shlex.split(value)[0] if value else ""
            env[key] = value.replace("$PATH", os.environ.get("PATH", ""))
        return env

    def openstack(self, *args: str, user: str = "admin", region: str = REGIONS[0].name,
                  check: bool = True) -> subprocess.CompletedProcess:
        """Run the real `openstack` CLI of the lab venv."""
        env = self.env(user, region)
        result = subprocess.run(["openstack", *args], env=env, capture_output=True, text=True,
                                timeout=300)
        if check and result.returncode != 0:
            raise AssertionError(f"openstack {' '.join(args)} failed ({result.returncode}):\n"
                                 f"{result.stderr}")
        return result

    def multiregion(self, *args: str, user: str = "admin",
                    check: bool = True) -> subprocess.CompletedProcess:
        """`openstack multiregion ...` against CentralRegion, from the project's own
        venv: it has python-openstackclient with our plugin installed."""
        command = [str(Path(sys.executable).parent / "openstack"), "multiregion", *args]
        result = subprocess.run(command, env=self.env(user, CENTRAL_REGION),
                                capture_output=True, text=True, timeout=120)
        if check:
            assert result.returncode == 0, result.stderr
        return result

    def openstack_json(self, *args: str, **kwargs):
        return json.loads(self.openstack(*args, "-f", "json", **kwargs).stdout)

    def sdk(self, user: str = "admin", region: str = REGIONS[0].name):
        env = self.env(user, region)
        return openstack.connect(
            auth_url=env["OS_AUTH_URL"], username=env["OS_USERNAME"],
            password=env["OS_PASSWORD"], project_name=env["OS_PROJECT_NAME"],
            user_domain_id="default", project_domain_id="default", region_name=region,
            interface="public", identity_api_version="3")


@pytest.fixture(scope="session")
def lab():
    """Bring the lab up (a no-op apart from health checks when it already runs).

    At the end of the session, the lab's logs written meanwhile must hold no
    timeout: no request of the tier waited on a service that was waiting on it
    (doc/networking.md, "Who calls whom").
    """
    result = subprocess.run(lab_command() + ["up"], capture_output=True, text=True,
                            timeout=3600)
    if result.returncode != 0:
        pytest.fail(f"tricircle-lab up failed:\n{result.stdout[-3000:]}\n"
                    f"{result.stderr[-5000:]}", pytrace=False)
    logs = Layout.default().logs
    before = tempest_results.log_sizes(logs)
    yield Lab()
    timeouts = tempest_results.count_timeouts(logs, before)
    assert not timeouts, f"timeouts in the lab's logs during the tier: {timeouts}"


@pytest.fixture
def unique_name() -> str:
    return f"it-{uuid.uuid4().hex[:8]}"
