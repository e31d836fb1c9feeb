"""The lab's process handling, with real processes and sockets (no OpenStack)."""

import socket
import subprocess
import sys
import time

import pytest

from tricircle.lab import LabError, procs
from tricircle.lab.layout import Layout


@pytest.fixture
def layout(tmp_path, monkeypatch) -> Layout:
    lab = Layout(home=tmp_path / "lab", cache=tmp_path / "cache")
    lab.make_dirs()
    return lab


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_a_taken_port_is_reported_with_its_number(layout):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        process = procs.Process("svc", python("import time; time.sleep(60)"), port=port)
        with pytest.raises(LabError, match=f"port 127.0.0.1:{port} .* svc needs is taken"):
            procs.ensure(layout, process)
    assert procs.running_pid(layout, "svc") is None


def test_a_service_that_dies_is_named_with_its_log(layout):
    process = procs.Process("broken", python("print('cannot read my config'); raise SystemExit(3)"))
    procs.ensure(layout, process)
    with pytest.raises(LabError) as failure:
        procs.wait_ready(layout, process, timeout=30, settle=20)
    assert "broken exited during start" in str(failure.value)
    assert "cannot read my config" in str(failure.value)


def test_ensure_is_idempotent_and_restarts_on_a_changed_config(layout, tmp_path):
    config = tmp_path / "svc.conf"
    config.write_text("a = 1\n")
    process = procs.Process("svc", python("import time; time.sleep(60)"),
                            config_files=(config,))
    try:
        assert procs.ensure(layout, process) is True
        first = procs.running_pid(layout, "svc")
        assert procs.ensure(layout, process) is False
        assert procs.running_pid(layout, "svc") == first
        config.write_text("a = 2\n")
        assert procs.ensure(layout, process) is True
        second = procs.running_pid(layout, "svc")
        assert second not in (None, first)
    finally:
        procs.stop(layout, "svc")
    assert procs.running_pid(layout, "svc") is None


def test_a_service_keeps_working_when_the_directory_that_started_it_is_deleted(
        layout, tmp_path, monkeypatch):
    clone, answer = tmp_path / "clone", tmp_path / "answer"
    clone.mkdir()
    monkeypatch.chdir(clone)
    # Resolving a relative path needs a working directory that still exists.
    code = ("import os, time\n"
            "time.sleep(0.5)\n"
            f"open({str(answer)!r}, 'w').write(os.path.abspath('templates'))\n"
            "time.sleep(60)\n")
    try:
        procs.ensure(layout, procs.Process("svc", python(code)))
        monkeypatch.chdir(tmp_path)
        clone.rmdir()
        deadline = time.monotonic() + 20
        while not answer.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert answer.read_text() == str(layout.run / "templates")
    finally:
        procs.stop(layout, "svc")


def test_stop_never_signals_a_process_the_lab_did_not_start(layout):
    stranger = subprocess.Popen(python("import time; time.sleep(60)"))
    try:
        # A stale pid file whose pid now belongs to someone else.
        (layout.run / "old.pid").write_text(str(stranger.pid))
        assert procs.running_pid(layout, "old") is None
        assert procs.stop(layout, "old") is False
        time.sleep(0.2)
        assert stranger.poll() is None
        assert not (layout.run / "old.pid").exists()
    finally:
        stranger.kill()
        stranger.wait()


def test_stop_ends_the_whole_process_group(layout, tmp_path):
    # A parent that forks a worker, as uwsgi and nova's services do; the parent
    # says who its worker is, so the test need not guess.
    child_file = tmp_path / "child.pid"
    code = ("import os, time\n"
            "child = os.fork()\n"
            "if child == 0:\n    time.sleep(60)\n"
            f"else:\n    open({str(child_file)!r}, 'w').write(str(child))\n"
            "    time.sleep(60)\n")
    process = procs.Process("forker", python(code))
    procs.ensure(layout, process)
    deadline = time.monotonic() + 30
    while not child_file.exists() or not child_file.read_text():
        assert time.monotonic() < deadline, "the parent never forked"
        time.sleep(0.1)
    child = int(child_file.read_text())
    assert _running(child)
    assert procs.stop(layout, "forker") is True
    deadline = time.monotonic() + 10
    while _running(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _running(child)


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_env_before_up_says_what_to_do(tmp_path, monkeypatch, capsys):
    from tricircle.lab import cli

    monkeypatch.setenv("TRICIRCLE_LAB_HOME", str(tmp_path / "never-up"))
    assert cli.main(["env"]) == 1
    assert "run `tricircle-lab up`" in capsys.readouterr().err


def test_a_daemon_restarted_over_the_pid_file_of_a_dead_one_is_waited_for(layout):
    # What uwsgi --daemonize does: the command exits at once, and the daemon
    # writes its own pid file a moment later. The earlier daemon died without
    # removing its pid file (killed, or the machine lost it), so until the new
    # one writes the file it names a dead process.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    pid_file = layout.run / "daemon.pid"
    code = ("import os, sys, time, http.server\n"
            "if os.fork():\n    sys.exit(0)\n"
            "os.setsid()\n"
            "null = os.open(os.devnull, os.O_RDWR)\n"
            "for fd in (0, 1, 2):\n    os.dup2(null, fd)\n"
            "time.sleep(1.0)\n"
            "open(sys.argv[1], 'w').write(str(os.getpid()))\n"
            f"http.server.HTTPServer(('127.0.0.1', {port}), "
            "http.server.SimpleHTTPRequestHandler).serve_forever()\n")
    dead = subprocess.Popen(python("pass"))
    dead.wait()
    pid_file.write_text(str(dead.pid))
    process = procs.Process("daemon", python(code) + [str(pid_file)], port=port, wsgi=True)
    try:
        assert procs.ensure(layout, process) is True
        procs.wait_ready(layout, process, timeout=30)
        assert procs.running_pid(layout, "daemon") not in (None, dead.pid)
    finally:
        procs.stop(layout, "daemon")
