"""The devstack plugin: valid bash, and every option it writes is one Tricircle defines."""

import re
import subprocess
import tomllib
from pathlib import Path

import pytest
from oslo_config import generator

ROOT = Path(__file__).resolve().parents[3]
DEVSTACK = ROOT / "devstack"
SCRIPTS = ("plugin.sh", "settings", "lib/tricircle")
# iniset "$FILE" section option value
INISET = re.compile(r'iniset\s+"?\$(?P<file>\w+)"?\s+(?P<section>\S+)\s+(?P<option>\S+)'
                    r'\s+(?P<value>.*)')


def _namespaces(generator_conf: Path) -> list[str]:
    return [line.split("=", 1)[1].strip() for line in generator_conf.read_text().splitlines()
            if line.startswith("namespace")]


def _defined(namespaces: list[str]) -> set[tuple[str, str]]:
    """(group, option) of every option the namespaces give oslo-config-generator."""
    found = set()
    for _, groups in generator._list_opts(namespaces):
        for group, options in groups:
            name = getattr(group, "name", group) or "DEFAULT"
            found |= {(name, option.dest) for option in options}
    return found


def _inisets() -> list[dict]:
    lines = (DEVSTACK / "lib" / "tricircle").read_text().splitlines()
    return [match.groupdict() for line in lines if (match := INISET.search(line.strip()))]


@pytest.mark.parametrize("script", SCRIPTS)
def test_the_script_is_valid_bash(script):
    result = subprocess.run(["bash", "-n", str(DEVSTACK / script)], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr


def test_every_option_written_to_tricircle_conf_exists():
    defined = _defined(_namespaces(ROOT / "etc/tricircle/tricircle-config-generator.conf"))
    written = [(i["section"], i["option"]) for i in _inisets() if i["file"] == "conf"
               or i["file"] == "TRICIRCLE_CONF"]
    assert written
    assert [option for option in written if option not in defined] == []


def test_every_tricircle_option_written_to_neutron_conf_exists():
    defined = _defined(_namespaces(
        ROOT / "etc/tricircle/neutron-tricircle-config-generator.conf"))
    # Neutron's own options ([DEFAULT] core_plugin) are Neutron's to define.
    written = [(i["section"], i["option"]) for i in _inisets()
               if i["file"] in ("NEUTRON_CONF", "conf") and i["section"] != "DEFAULT"]
    assert written
    assert [option for option in written if option not in defined] == []


def test_the_core_plugins_named_are_the_packages_entry_points():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    plugins = set(pyproject["project"]["entry-points"]["neutron.core_plugins"])
    named = {i["value"].strip() for i in _inisets() if i["option"] == "core_plugin"}
    assert named == plugins
    l3 = set(pyproject["project"]["entry-points"]["neutron.service_plugins"])
    named = {i["value"].strip() for i in _inisets() if i["option"] == "service_plugins"}
    assert named == l3


def test_the_api_runs_under_uwsgi_with_the_packaged_ini():
    lib = (DEVSTACK / "lib" / "tricircle").read_text()
    assert "etc/tricircle/tricircle-api-uwsgi.ini" in lib
    assert re.search(r"run_process tricircle-api .*uwsgi\)? --ini", lib)
