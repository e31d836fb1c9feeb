"""`pip install .` in a fresh venv gives what an operator installs: version, plugins, scripts."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
# What the wheel is built from; copied so the build leaves no build/ in the tree.
SOURCES = ("pyproject.toml", "README.md", "tricircle", "tricircleclient")
RETIRED_LAST_RELEASE = (8, 0, 0)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv holding `pip install --no-deps` of a copy of the tree: its python."""
    top = tmp_path_factory.mktemp("install")
    source = top / "source"
    source.mkdir()
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy(path, source / name)
    venv = top / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    result = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
         "--no-deps", str(source)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return python


def _metadata(python: Path, code: str):
    # Run away from the tree: its tricircle.egg-info (the editable install of
    # .venv) would be found first on the path of `python -c`.
    out = subprocess.run([str(python), "-c", "import importlib.metadata as m, json; " + code],
                         capture_output=True, text=True, check=True,
                         cwd=python.parent).stdout
    return json.loads(out)


def test_the_version_is_above_the_retired_projects_last_release(installed):
    version = _metadata(installed, 'print(json.dumps(m.version("tricircle")))')
    assert tuple(int(part) for part in version.split(".")[:3]) > RETIRED_LAST_RELEASE


def test_neutron_finds_both_core_plugins(installed):
    plugins = _metadata(installed, 'print(json.dumps({e.name: e.value for e in '
                                   'm.entry_points(group="neutron.core_plugins")}))')
    assert plugins == {
        "tricircle_central": "tricircle.network.central_plugin:TricirclePlugin",
        "tricircle_local": "tricircle.network.local_plugin:TricirclePlugin",
    }
    for target in plugins.values():
        module, _, name = target.partition(":")
        source = (ROOT / (module.replace(".", "/") + ".py")).read_text()
        assert f"class {name}(" in source


def test_pip_show_lists_the_plugin_entry_points(installed):
    shown = subprocess.run([str(installed), "-m", "pip", "show", "-f", "tricircle"],
                           capture_output=True, text=True, check=True,
                           cwd=installed.parent).stdout
    assert "entry_points.txt" in shown
    entry_points = next(Path(line.strip()) for line in shown.splitlines()
                        if line.strip().endswith("entry_points.txt"))
    location = next(line.split(":", 1)[1].strip() for line in shown.splitlines()
                    if line.startswith("Location:"))
    text = (Path(location) / entry_points).read_text()
    assert "[neutron.core_plugins]" in text
    assert "tricircle_central = tricircle.network.central_plugin:TricirclePlugin" in text


def test_the_wheel_ships_the_migrations(installed):
    files = _metadata(installed, 'print(json.dumps([str(f) for f in m.files("tricircle")]))')
    assert "tricircle/db/migrations/alembic.ini" in files
    assert "tricircle/db/migrations/script.py.mako" in files
    versions = {Path(f).name for f in files if f.startswith("tricircle/db/migrations/versions/")}
    expected = {p.name for p in (ROOT / "tricircle/db/migrations/versions").glob("*.py")}
    assert expected <= versions


def test_the_console_scripts_are_installed(installed):
    bindir = installed.parent
    for script in ("tricircle-api", "tricircle-xjob", "tricircle-manage", "tricircle-status"):
        assert (bindir / script).exists(), script
