"""The sample uWSGI ini serves tricircle-api as the lab runs it (the lab venv's uwsgi)."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tricircle.lab import procs, services
from tricircle.lab.layout import SOURCE, Layout

VENV_BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _ini_for(tmp_path: Path, conf: Path, port: int) -> Path:
    """The sample, with this test's socket and config file instead of /etc's."""
    text = services.TRICIRCLE_API_UWSGI_INI.read_text()
    text = text.replace("http-socket = 127.0.0.1:19999", f"http-socket = 127.0.0.1:{port}")
    text = text.replace("/etc/tricircle/tricircle.conf", str(conf))
    ini = tmp_path / "tricircle-api-uwsgi.ini"
    ini.write_text(text + f"pidfile = {tmp_path / 'uwsgi.pid'}\n")
    return ini


def _get(url: str, attempts: int = 200) -> dict:
    request = urllib.request.Request(url, headers={"X-Auth-Token": "admin:admin"})
    for _ in range(attempts):
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.load(response)
        except OSError:  # not listening yet, or a worker still loading the app
            time.sleep(0.1)
    raise AssertionError(f"{url} never answered")


def test_the_sample_ini_serves_the_api_with_its_processes_and_threads(tmp_path):
    venv = Layout.default().venv
    if not (venv / "bin" / "uwsgi").exists():
        pytest.skip(f"no lab venv with uwsgi at {venv} (tricircle-lab up builds it)")
    conf = tmp_path / "tricircle.conf"
    conf.write_text(f"[DEFAULT]\nauth_strategy = noauth\nstate_path = {tmp_path}\n"
                    f"log_file = {tmp_path / 'api.log'}\n")
    subprocess.run([str(VENV_BIN / "tricircle-manage"), "--config-file", str(conf), "db",
                    "sync"], check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(
        [str(venv / "bin" / "uwsgi"), "--ini", str(_ini_for(tmp_path, conf, port)),
         "--home", str(venv)],
        env={**os.environ, "PYTHONPATH": str(SOURCE)}, stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "uwsgi.log", "w"))
    try:
        assert _get(f"http://127.0.0.1:{port}/v1.0/pods") == {"pods": []}
        processes, threads = services.tricircle_api_workers()
        workers = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True,
                                 text=True).stdout.split()
        assert len(workers) == processes
        log = (tmp_path / "uwsgi.log").read_text()
        # uwsgi names each worker's threads its "cores".
        assert log.count(f"cores: {threads})") == processes, log[:3000]
        # The queue a burst of clients waits in, not uWSGI's default of 100.
        listen = services.tricircle_api_listen()
        assert listen > 100
        assert f"listen backlog is limited to {listen} connections" in log, log[:3000]
    finally:
        server.terminate()
        server.wait(timeout=30)


_SIZED_APP = '''
def application(environ, start_response):
    if environ["REQUEST_METHOD"] == "PUT":  # the size of what was uploaded
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = str(len(environ["wsgi.input"].read(length))).encode()
    else:  # as many bytes as the query asks for
        body = b"x" * int(environ["QUERY_STRING"])
    start_response("200 OK", [("Content-Type", "text/plain"),
                              ("Content-Length", str(len(body)))])
    return [body]
'''


@pytest.fixture
def lab_router(tmp_path):
    """The port of a small app under the lab venv's uWSGI, behind the lab's router."""
    venv = Layout.default().venv
    if not (venv / "bin" / "uwsgi").exists():
        pytest.skip(f"no lab venv with uwsgi at {venv} (tricircle-lab up builds it)")
    app = tmp_path / "sized.py"
    app.write_text(_SIZED_APP)
    port = _free_port()
    server = subprocess.Popen(
        [str(venv / "bin" / "uwsgi"), *procs.http_router(f"127.0.0.1:{port}"),
         "--wsgi-file", str(app), "--master", "--processes", "1", "--die-on-term"],
        stdout=subprocess.DEVNULL, stderr=open(tmp_path / "uwsgi.log", "w"))
    try:
        for _ in range(200):
            try:
                _reads_per_answer(port, 10, 1)
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _reads_per_answer(port: int, size: int, answers: int) -> list[int]:
    """How many reads each of ``answers`` answers of ``size`` bytes took on one
    kept-alive connection (a piece held back by Nagle's algorithm arrives in a
    read of its own, after the client's delayed ACK)."""
    counts = []
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        for _ in range(answers):
            connection.sendall(f"GET /?{size} HTTP/1.1\r\nHost: lab\r\n\r\n".encode())
            received, reads = b"", 0
            while not received.endswith(b"\r\n\r\n" + b"x" * size):
                piece = connection.recv(1 << 20)
                if not piece:
                    raise AssertionError(f"connection closed after {received[:300]!r}")
                received += piece
                reads += 1
            counts.append(reads)
    return counts


def test_the_lab_router_sends_an_answer_over_4_kb_in_one_piece_on_a_kept_alive_connection(
        lab_router):
    # 10 KB: a merged list of six servers is 7.5 KB.
    assert _reads_per_answer(lab_router, 10_000, 8) == [1] * 8


def test_the_lab_router_takes_uploads_of_1_mb(lab_router):
    # An image upload, as tempest's set-up makes one: with a router buffer of
    # 64 KB (65000 to 65536) most such uploads were reset.
    for _ in range(10):
        request = urllib.request.Request(f"http://127.0.0.1:{lab_router}/", method="PUT",
                                         data=b"\0" * (1 << 20))
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.read() == str(1 << 20).encode()
