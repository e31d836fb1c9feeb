"""The lab's venvs: the OpenStack one and the side venvs (tempest, Horizon),
each built once per set of pins and reused after that."""

import hashlib
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tricircle.lab import LabError
from tricircle.lab.layout import CONSTRAINTS, LAB_FILES, Layout, requirements

_COMPLETE = ".lab-complete"


def ensure(layout: Layout, say) -> None:
    venv = layout.venv
    if (venv / _COMPLETE).exists():
        say(f"venv {venv} (cached)")
        return
    _check_build_tools()
    if venv.exists():
        shutil.rmtree(venv)  # a build that was cut off
    started = time.monotonic()
    say(f"building venv {venv} from PyPI (pinned by constraints.txt); takes 1-3 minutes")
    log = layout.cache / f"{venv.name}.pip.log"
    run_logged([sys.executable, "-m", "venv", str(venv)], log)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check"]
    # The plugins are copied out first: building in place would leave build/
    # and egg-info folders in the clone.
    plugins = layout.cache / "lab-plugins-src"
    shutil.rmtree(plugins, ignore_errors=True)
    shutil.copytree(LAB_FILES / "plugins", plugins)
    run_logged(pip + ["install", "-c", str(CONSTRAINTS), *requirements(), str(plugins)], log)
    (venv / _COMPLETE).write_text(f"{time.monotonic() - started:.0f}\n")
    say(f"venv built in {time.monotonic() - started:.0f} s")


def _check_build_tools() -> None:
    # uWSGI has no wheel: it compiles, which needs gcc and the Python headers.
    if shutil.which("gcc") is None and shutil.which("cc") is None:
        raise LabError("the lab compiles uWSGI and needs a C compiler: "
                       "apt-get install -y gcc python3-dev")


def run_logged(argv: list[str], log, what: str = "the lab venv") -> None:
    """Run one build step of a venv, its output appended to ``log``; LabError
    with the log's last lines when it fails."""
    with open(log, "a") as output:
        output.write(f"$ {' '.join(argv)}\n")
        output.flush()
        result = subprocess.run(argv, stdout=output, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        lines = log.read_text(errors="replace").splitlines()[-30:]
        raise LabError(f"building {what} failed ({argv[0]} ... exited "
                       f"{result.returncode}); last lines of {log}:\n" + "\n".join(lines))


def pinned_path(layout: Layout, name: str, pins: Path) -> Path:
    """Where the ``name`` venv of these pins lives (shared by every clone): a
    changed pin gives a new path, so a new venv."""
    return layout.cache / f"{name}-venv-{hashlib.sha256(pins.read_bytes()).hexdigest()[:12]}"


def ensure_pinned(venv: Path, pins: Path, say, name: str,
                  marker: str = _COMPLETE) -> Path:
    """Build ``venv`` from PyPI with ``pip install -r pins`` unless a complete one
    is there; its path. ``marker`` is written last, so a venv without it (a
    build that was cut off) is built again."""
    if (venv / marker).exists():
        say(f"{name} venv {venv} (cached)")
        return venv
    venv.parent.mkdir(parents=True, exist_ok=True)
    if venv.exists():
        shutil.rmtree(venv)
    started = time.monotonic()
    say(f"building {name} venv {venv} from PyPI ({pins.name})")
    log = venv.parent / f"{venv.name}.pip.log"
    what = f"the {name} venv"
    run_logged([sys.executable, "-m", "venv", str(venv)], log, what)
    run_logged([str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check",
                "install", "-r", str(pins)], log, what)
    seconds = time.monotonic() - started
    (venv / marker).write_text(f"{seconds:.0f}\n")
    say(f"{name} venv built in {seconds:.0f} s")
    return venv
