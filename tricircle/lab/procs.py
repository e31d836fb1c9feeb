"""Start, find and stop the lab's processes, by pid file only.

Each process the lab starts has run/NAME.pid and run/NAME.fingerprint (a hash
of its command line and configuration). `up` restarts a process whose
fingerprint changed and leaves the others alone; `down` stops only pids from
these files, and only when the process still carries the lab's marker, so a
recycled pid of someone else's process is never signalled.
"""

import dataclasses
import hashlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from tricircle.lab import LabError
from tricircle.lab.layout import HOST, Layout


def http_router(address: str) -> list[str]:
    """uWSGI arguments for its HTTP router on ``address``, keeping client connections alive.

    The router copies an answer to the client in pieces of its buffer, a page
    (4 KB) unless told. On a kept-alive connection the second piece then waits
    for the client's delayed ACK (Nagle's algorithm): every answer between 4 and
    64 KB took 44 ms longer (benchmarks/gateway.py's merged server list, a 7.5 KB
    answer, was 1.5 times both regions asked at once). A 32 KB buffer sends an
    answer of up to 32 KB in one piece. A larger one would cover more (with
    48 KB, answers of 60 and 70 KB still waited 44 ms), but from about 64 KB
    the router reset most uploads of 1 MB (Glance's image uploads).
    """
    return ["--http", address, "--http-keepalive", "--http-buffer-size", "32768"]


@dataclasses.dataclass
class Process:
    name: str
    argv: list[str]
    port: int | None = None          # the HTTP port it answers on, if any
    env: dict[str, str] = dataclasses.field(default_factory=dict)
    config_files: tuple[Path, ...] = ()
    extra_stamp: str = ""            # e.g. the hash of Tricircle's code it runs
    wsgi: bool = False               # argv is a uwsgi command line that daemonizes itself

    def fingerprint(self) -> str:
        digest = hashlib.sha256("\0".join(self.argv).encode())
        digest.update(repr(sorted(self.env.items())).encode() + self.extra_stamp.encode())
        for path in self.config_files:
            digest.update(path.read_bytes())
        return digest.hexdigest()[:16]


def _pid_path(layout: Layout, name: str) -> Path:
    return layout.run / f"{name}.pid"


def _fingerprint_path(layout: Layout, name: str) -> Path:
    return layout.run / f"{name}.fingerprint"


def log_path(layout: Layout, name: str) -> Path:
    return layout.logs / f"{name}.log"


def _is_ours(pid: int, layout: Layout) -> bool:
    """The process is alive and was started by this lab (its command line or
    environment names the lab's home)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    if str(layout.home).encode() in cmdline:
        return True
    try:
        return f"TRICIRCLE_LAB_HOME={layout.home}".encode() in Path(
            f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return False


def _pid_in_file(layout: Layout, name: str) -> int | None:
    try:
        return int(_pid_path(layout, name).read_text().strip())
    except (OSError, ValueError):
        return None


def running_pid(layout: Layout, name: str) -> int | None:
    pid = _pid_in_file(layout, name)
    return pid if pid is not None and _is_ours(pid, layout) else None


def names(layout: Layout) -> list[str]:
    return sorted(path.stem for path in layout.run.glob("*.pid"))


def port_taken(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((HOST, port)) == 0


def _listener(port: int) -> str:
    """Who listens on ``port``, as `ss` tells it (best effort, for the error message)."""
    try:
        out = subprocess.run(["ss", "-ltnpH", f"sport = :{port}"], capture_output=True,
                             text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "another process"
    return out.split("users:")[-1] if "users:" in out else "another process"


def tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"(no log at {path})"


def ensure(layout: Layout, process: Process) -> bool:
    """Start ``process`` unless it already runs with the same fingerprint.
    Returns True when it was (re)started."""
    fingerprint = process.fingerprint()
    pid = running_pid(layout, process.name)
    if pid is not None:
        try:
            current = _fingerprint_path(layout, process.name).read_text()
        except OSError:
            current = ""
        if current == fingerprint:
            return False
    # Stops one running with another fingerprint, and forgets the pid file of
    # one that died without removing it: a daemonizing service writes its own
    # a moment after its command exits, and until then wait_ready would read
    # the old one and call the new service dead.
    stop(layout, process.name)
    if process.port is not None and port_taken(process.port):
        raise LabError(f"port {HOST}:{process.port} that the lab's {process.name} needs is "
                       f"taken by {_listener(process.port)}; stop that process or free the "
                       "port, then run `tricircle-lab up` again.")
    _start(layout, process)
    _fingerprint_path(layout, process.name).write_text(fingerprint)
    return True


def _start(layout: Layout, process: Process) -> None:
    # The lab's home last: it is how a process is recognised as this lab's (above).
    env = {**os.environ, **process.env, "TRICIRCLE_LAB_HOME": str(layout.home)}
    log = log_path(layout, process.name)
    # In the lab's own directory, not the caller's: a service outlives the clone
    # that started it, and one whose working directory was deleted fails on any
    # relative path (Horizon answered every page 500).
    cwd = str(layout.run)
    if process.wsgi:
        # uwsgi daemonizes and writes its own pid file (the master's pid).
        result = subprocess.run(process.argv, env=env, capture_output=True, text=True,
                                cwd=cwd)
        if result.returncode != 0:
            raise LabError(f"{process.name} failed to start: {result.stderr.strip()}\n"
                           f"last lines of {log}:\n{tail(log)}")
        return
    with open(log, "ab") as output:
        child = subprocess.Popen(process.argv, env=env, stdout=output, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL, start_new_session=True, cwd=cwd)
    _wait_exec_done(child.pid)
    _pid_path(layout, process.name).write_text(str(child.pid))


def _wait_exec_done(pid: int, timeout: float = 5.0) -> None:
    """Popen returns once the child's exec has begun, but the kernel fills in
    /proc/PID/cmdline and environ a moment later; until then the child would
    not be recognised as the lab's (an empty command line), and a busy
    machine stretches that moment long enough for a second `ensure` to
    restart a process it just started."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _alive(pid):
        try:
            if Path(f"/proc/{pid}/cmdline").read_bytes():
                return
        except OSError:
            return
        time.sleep(0.01)


def wait_ready(layout: Layout, process: Process, timeout: float = 120,
               settle: float = 3.0) -> None:
    """Wait until the process answers HTTP (or, without a port, stays alive for
    ``settle`` seconds: long enough for a bad configuration to kill it)."""
    deadline = time.monotonic() + timeout
    settle = time.monotonic() + settle
    while time.monotonic() < deadline:
        started = _pid_in_file(layout, process.name)   # None until written in full
        if started is not None and not _is_ours(started, layout):
            break  # it died
        if process.port is None:
            if time.monotonic() > settle:
                return
        elif _answers(f"http://{HOST}:{process.port}/"):
            return
        time.sleep(0.3)
    else:
        raise LabError(_failure(layout, process.name, f"did not answer within {timeout:.0f} s"))
    raise LabError(_failure(layout, process.name, "exited during start"))


def _failure(layout: Layout, name: str, what: str) -> str:
    parts = [f"{name} {what}."]
    for path in (log_path(layout, name), layout.logs / f"{name}-app.log"):
        if path.exists():
            parts.append(f"last lines of {path}:\n{tail(path)}")
    return "\n".join(parts)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True   # any HTTP answer (401, 300) means it is serving
    except (OSError, ValueError):
        return False


def stop(layout: Layout, name: str, timeout: float = 30) -> bool:
    """Stop a lab process by its pid file; True when something was stopped."""
    pid = running_pid(layout, name)
    _pid_path(layout, name).unlink(missing_ok=True)
    _fingerprint_path(layout, name).unlink(missing_ok=True)
    if pid is None:
        return False
    _signal_group(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.2)
    if _alive(pid):
        _signal_group(pid, signal.SIGKILL)
    return True


def _signal_group(pid: int, signum: int) -> None:
    try:
        # Daemons run in their own session: the group holds their workers too.
        if os.getpgid(pid) == pid:
            os.killpg(pid, signum)
        else:
            os.kill(pid, signum)
    except ProcessLookupError:
        pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie child of ours counts as gone
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return False
