"""The console scripts as an operator runs them: real processes, real files, real HTTP."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

BIN = os.path.dirname(sys.executable)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def conf_file(tmp_path):
    port = _free_port()
    path = tmp_path / "tricircle.conf"
    path.write_text(f"[DEFAULT]\nstate_path = {tmp_path}\nauth_strategy = noauth\n"
                    f"[api]\nbind_host = 127.0.0.1\nbind_port = {port}\n")
    return path, port


def run(*args, check=True) -> subprocess.CompletedProcess:
    return subprocess.run([os.path.join(BIN, args[0]), *args[1:]], capture_output=True,
                          text=True, timeout=120, check=check)


def test_manage_db_sync_version_check(conf_file):
    conf, _ = conf_file
    assert run("tricircle-manage", "--config-file", str(conf), "db", "version").stdout \
        .startswith("None")
    assert run("tricircle-manage", "--config-file", str(conf), "db", "check",
               check=False).returncode == 1
    run("tricircle-manage", "--config-file", str(conf), "db", "sync")
    checked = run("tricircle-manage", "--config-file", str(conf), "db", "check")
    assert "matches the models" in checked.stdout


def test_status_upgrade_check_reports_each_check(conf_file):
    conf, _ = conf_file
    before = run("tricircle-status", "--config-file", str(conf), "upgrade", "check",
                 check=False)
    assert before.returncode == 2  # failure: no schema yet
    assert "tricircle-manage db sync" in before.stdout

    run("tricircle-manage", "--config-file", str(conf), "db", "sync")
    after = run("tricircle-status", "--config-file", str(conf), "upgrade", "check",
                check=False)
    assert after.returncode == 1  # warning only: no pods registered yet
    assert "Database schema is at" in after.stdout
    assert "No pods registered yet" in after.stdout


def test_status_upgrade_check_fails_on_a_broken_policy_file(conf_file, tmp_path):
    conf, _ = conf_file
    run("tricircle-manage", "--config-file", str(conf), "db", "sync")
    policy = tmp_path / "policy.yaml"
    policy.write_text('"tricircle:pods:list": "role:admin or (("\n')
    with open(conf, "a") as f:
        f.write(f"[oslo_policy]\npolicy_file = {policy}\n")
    result = run("tricircle-status", "--config-file", str(conf), "upgrade", "check",
                 check=False)
    assert result.returncode == 2
    assert "Policy file" in result.stdout and "invalid" in result.stdout


def test_api_serves_pods_over_http(conf_file):
    conf, port = conf_file
    run("tricircle-manage", "--config-file", str(conf), "db", "sync")
    server = subprocess.Popen([os.path.join(BIN, "tricircle-api"), "--config-file",
                               str(conf)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        body = _get_when_up(f"http://127.0.0.1:{port}/v1.0/pods", token="admin:admin")
        assert body == {"pods": []}
    finally:
        server.terminate()
        server.wait(timeout=30)


def _get_when_up(url: str, token: str, attempts: int = 100) -> dict:
    request = urllib.request.Request(url, headers={"X-Auth-Token": token})
    for _ in range(attempts):
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return json.load(response)
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} never answered")


def test_policy_sample_lists_every_rule():
    sample = run("tricircle-policy").stdout
    for rule in ("tricircle:pods:create", "tricircle:routings:list",
                 "tricircle:jobs:redo", "tricircle:bindings:update"):
        assert f'"{rule}"' in sample
