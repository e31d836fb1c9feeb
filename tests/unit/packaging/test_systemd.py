"""The systemd units of etc/systemd start the programs this package installs."""

import configparser
import re
import shlex
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
UNITS = ROOT / "etc" / "systemd"
UWSGI_INI = "tricircle-api-uwsgi.ini"


def _service(name: str) -> configparser.SectionProxy:
    # Unit files are ini-like; keys may repeat, the last one is enough here.
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(UNITS / name)
    return parser["Service"]


def _console_scripts() -> set[str]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return set(pyproject["project"]["scripts"])


def test_the_api_unit_runs_uwsgi_with_the_tricircle_api_ini():
    argv = shlex.split(_service("tricircle-api.service")["ExecStart"])
    assert Path(argv[0]).name == "uwsgi"
    ini = Path(argv[argv.index("--ini") + 1])
    assert ini.name == UWSGI_INI
    assert ini.parent == Path("/etc/tricircle")


def test_the_api_unit_stops_uwsgi_with_the_signal_the_ini_makes_a_stop():
    ini = ROOT / "etc" / "tricircle" / UWSGI_INI
    if not ini.exists():
        pytest.skip(f"etc/tricircle/{UWSGI_INI} is not in the tree yet")
    die_on_term = re.search(r"^die-on-term\s*=\s*true", ini.read_text(), re.MULTILINE)
    # uWSGI 2.0 reloads on SIGTERM unless die-on-term; then SIGQUIT is the stop.
    expected = "SIGTERM" if die_on_term else "SIGQUIT"
    assert _service("tricircle-api.service")["KillSignal"] == expected


def test_the_api_ini_the_unit_names_is_shipped_when_it_exists():
    ini = ROOT / "etc" / "tricircle" / UWSGI_INI
    if not ini.exists():
        pytest.skip(f"etc/tricircle/{UWSGI_INI} is not in the tree yet")
    text = ini.read_text()
    assert "tricircle.wsgi" in text


def test_the_xjob_unit_runs_the_installed_console_script():
    argv = shlex.split(_service("tricircle-xjob.service")["ExecStart"])
    assert Path(argv[0]).name in _console_scripts()
    assert Path(argv[0]).name == "tricircle-xjob"
    assert argv[argv.index("--config-file") + 1] == "/etc/tricircle/tricircle.conf"


@pytest.mark.parametrize("unit", ["tricircle-api.service", "tricircle-xjob.service"])
def test_systemd_accepts_every_directive_of_the_unit(unit, tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    # verify also wants ExecStart's program to exist: point it at a stub.
    stub = tmp_path / "stub"
    stub.write_text("#!/bin/sh\n")
    stub.chmod(0o755)
    text = (UNITS / unit).read_text()
    program = shlex.split(_service(unit)["ExecStart"])[0]
    (tmp_path / unit).write_text(text.replace(program, str(stub)))
    result = subprocess.run([analyze, "verify", str(tmp_path / unit)],
                            capture_output=True, text=True)
    complaints = [line for line in (result.stdout + result.stderr).splitlines()
                  if unit in line]
    assert result.returncode == 0 and not complaints, complaints
