"""A tricircle-api of this tree beside the lab's own, for benchmarks that need options
the lab does not set (a limits cache, processes and threads, ...).

It runs under the lab venv's uWSGI with the packaged etc/tricircle/
tricircle-api-uwsgi.ini's settings (but uWSGI's HTTP router, as the lab's
services, for keep-alive), the lab's tricircle.conf (its database,
Keystone, RabbitMQ) and a second config file with the benchmark's options, on
127.0.0.1:29999. Nothing of the lab is changed: the lab's tricircle-api keeps
serving on its own port. Use it under the lab lock, like the lab.
"""

import contextlib
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import requests

from tricircle.lab import procs
from tricircle.lab.layout import Layout

SOURCE = Path(__file__).resolve().parents[1]
PORT = 29999
URL = f"http://127.0.0.1:{PORT}"


def _lab_conf() -> Path:
    return Layout.default().etc / "tricircle" / "tricircle.conf"


def _uwsgi() -> str:
    uwsgi = Layout.default().bin("uwsgi")
    if not uwsgi.exists():
        raise SystemExit("no uwsgi in the lab venv: run tricircle-lab up first")
    return str(uwsgi)


def ini_text(options: dict[str, object]) -> str:
    """{"group.option": value} (no group: DEFAULT) as the text of an oslo.config file."""
    groups: dict[str, list[str]] = {"DEFAULT": []}
    for name, value in options.items():
        group, _, option = name.rpartition(".")
        groups.setdefault(group or "DEFAULT", []).append(f"{option} = {value}")
    return "".join(f"[{group}]\n" + "\n".join(lines) + "\n\n"
                   for group, lines in groups.items())


def _overrides(options: dict[str, str], log_file: Path) -> str:
    return ini_text({"log_file": log_file, "api.bind_port": PORT, **options})


def wait_ready(process: subprocess.Popen, log: Path, url: str = URL,
               timeout: float = 60) -> None:
    """Until tricircle-api at ``url`` answers its health check (SystemExit, naming
    ``log``, when it exits or stays silent for ``timeout`` seconds)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"own tricircle-api exited; see {log}")
        with contextlib.suppress(requests.RequestException):  # uWSGI still loading
            if requests.get(f"{url}/healthcheck", timeout=2).status_code == 200:
                return
        time.sleep(0.3)
    raise SystemExit(f"own tricircle-api not ready after {timeout:.0f}s; see {log}")


@contextlib.contextmanager
def running(options: dict[str, str] | None = None, processes: int = 4,
            threads: int = 8, module: str = "tricircle.wsgi:application",
            env: dict[str, str] | None = None,
            base_conf: Path | None = None) -> Iterator[subprocess.Popen]:
    """tricircle-api of this tree on URL with ``options`` ({"group.option": value})
    over the lab's configuration (or ``base_conf``'s), stopped at the end of the
    ``with`` block; ``module`` is the WSGI entry (benchmarks/create_parts_wsgi.py
    times a create's parts), ``env`` added to its environment."""
    work = Path(tempfile.mkdtemp(prefix="bench-api-"))
    log = work / "uwsgi.log"
    extra = work / "bench.conf"
    extra.write_text(_overrides(options or {}, work / "tricircle-api.log"))
    argv = [_uwsgi(), "--module", module,
            # uWSGI's HTTP router, as the lab's services run: it keeps client
            # connections alive (http-socket closes each one).
            *procs.http_router(f"127.0.0.1:{PORT}"), "--http-auto-chunked",
            "--master", "--processes", str(processes), "--threads", str(threads),
            "--enable-threads", "--lazy-apps", "--need-app", "--die-on-term",
            "--harakiri", "120", "--buffer-size", "65535", "--thunder-lock",
            "--listen", "1024", "--logto", str(log)]
    env = {**os.environ, "PYTHONPATH": str(SOURCE),
           "TRICIRCLE_CONFIG_FILES": f"{base_conf or _lab_conf()},{extra}", **(env or {})}
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        wait_ready(process, log)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
