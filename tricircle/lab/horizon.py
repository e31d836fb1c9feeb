"""Horizon for the lab: stock Horizon from PyPI on CentralRegion, with Tricircle's
dashboard plugin (tricircle_dashboard/) installed into it.

Horizon gets a venv of its own (~/.cache/tricircle/horizon-venv-<hash of
lab/horizon-requirements.txt>): its Django and client pins have nothing to do
with the services'. It runs under the lab venv's uWSGI (``--home`` points it at
Horizon's venv), which also serves the collected static files.

What belongs to one lab home (secret key, sessions, static files) lives under
that home; what Horizon reads from its package folder (local_settings.py, the
plugin's enabled files and policy files) is written into the venv by every
``tricircle-lab horizon``, and only reads the lab home from the environment.
"""

import hashlib
import secrets
import shutil
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from tricircle.lab import LabError, procs
from tricircle.lab import venv as lab_venv
from tricircle.lab.layout import CENTRAL_REGION, HOST, KEYSTONE_PORT, LAB_FILES, SOURCE, Layout
from tricircle.lab.venv import run_logged

Say = Callable[[str], None]

REQUIREMENTS = LAB_FILES / "horizon-requirements.txt"
DASHBOARD = SOURCE / "tricircle_dashboard"
PORT = 28080  # free among the lab's ports (tricircle/lab/layout.py, services.py)
URL = f"http://{HOST}:{PORT}"
NAME = "horizon"
SETTINGS = "openstack_dashboard.settings"

LOCAL_SETTINGS = f'''\
# Written by tricircle-lab horizon (tricircle/lab/horizon.py); rewritten on every run.
import os

_HOME = os.environ["TRICIRCLE_LAB_HOME"]
_DATA = os.path.join(_HOME, "data", "horizon")

DEBUG = False
ALLOWED_HOSTS = ["{HOST}", "localhost"]
WEBROOT = "/"
STATIC_ROOT = os.path.join(_DATA, "static")
# Served from what `compress --force` built with the static files: without it
# Horizon compiles its SCSS again on every page (2-3 s of CPU per login page).
COMPRESS_OFFLINE = True
with open(os.path.join(_HOME, "etc", "horizon", "secret_key")) as _key:
    SECRET_KEY = _key.read().strip()

OPENSTACK_HOST = "{HOST}"
OPENSTACK_KEYSTONE_URL = "http://{HOST}:{KEYSTONE_PORT}/v3"
OPENSTACK_KEYSTONE_DEFAULT_ROLE = "member"
# One Keystone; every service of the catalog is taken from CentralRegion,
# where Tricircle's gateway is compute and block-storage and central Neutron
# is network.
AVAILABLE_REGIONS = [(OPENSTACK_KEYSTONE_URL, "{CENTRAL_REGION}")]
DEFAULT_SERVICE_REGIONS = {{"*": "{CENTRAL_REGION}"}}

# No memcached in the lab: a cache per process is enough for Horizon's own
# caching, and sessions live in SQLite, shared by every uWSGI process.
CACHES = {{"default": {{"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3",
                          "NAME": os.path.join(_DATA, "sessions.sqlite3")}}}}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# A server boots from the image itself: the lab's Cinder cannot make a volume
# from an image (no qemu-img on the machine), which Horizon would do by default.
LAUNCH_INSTANCE_DEFAULTS = {{"create_volume": False}}

TIME_ZONE = "UTC"
LOGGING = {{
    "version": 1, "disable_existing_loggers": False,
    "handlers": {{"console": {{"class": "logging.StreamHandler"}}}},
    "root": {{"handlers": ["console"], "level": "WARNING"}},
}}
'''


def venv_path(layout: Layout) -> Path:
    """Horizon's venv for these pins, shared by every clone on the machine."""
    return lab_venv.pinned_path(layout, NAME, REQUIREMENTS)


def dashboard_package(venv: Path) -> Path:
    """openstack_dashboard's folder inside the venv."""
    found = sorted(venv.glob("lib/python3*/site-packages/openstack_dashboard"))
    if not found:
        raise LabError(f"{venv} holds no openstack_dashboard package; remove it to rebuild")
    return found[-1]


def dashboard_stamp() -> str:
    """A hash of the plugin's files: static files are collected again when it changes."""
    digest = hashlib.sha256()
    for path in sorted(DASHBOARD.rglob("*")):
        if path.is_file() and not {"__pycache__", "build"} & set(path.parts) and \
                "egg-info" not in str(path):
            digest.update(str(path.relative_to(DASHBOARD)).encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def install_dashboard(layout: Layout, venv: Path, say: Say) -> None:
    """Install the plugin as Horizon plugins are installed: the distribution into
    the venv, its enabled/ and local_settings.d/ files and policy files into
    openstack_dashboard's local folders, and the lab's local_settings.py."""
    # Built from a copy: building in place leaves build/ and egg-info in the clone.
    source = layout.cache / "horizon-dashboard-src"
    shutil.rmtree(source, ignore_errors=True)
    shutil.copytree(DASHBOARD, source, ignore=shutil.ignore_patterns(
        "__pycache__", "build", "*.egg-info"))
    log = layout.cache / f"{venv.name}.dashboard.log"
    run_logged([str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check",
                "install", "--no-deps", "--force-reinstall", str(source)], log,
               "the Tricircle dashboard")
    package = dashboard_package(venv)
    plugin = source / "tricircle_dashboard"
    _replace_files(plugin / "enabled", package / "local" / "enabled", "_90")
    _replace_files(plugin / "local_settings.d", package / "local" / "local_settings.d", "_90")
    (package / "local" / "local_settings.py").write_text(LOCAL_SETTINGS)
    say(f"tricircle dashboard installed into {venv.name}")


def _replace_files(source: Path, destination: Path, prefix: str) -> None:
    """Copy the plugin's ``prefix*.py`` files, removing those of an earlier install."""
    destination.mkdir(parents=True, exist_ok=True)
    for old in destination.glob(f"{prefix}*_tricircle_*.py"):
        old.unlink()
    for path in sorted(source.glob(f"{prefix}*.py")):
        shutil.copy(path, destination / path.name)


def prepare_state(layout: Layout, venv: Path, say: Say) -> Path:
    """The lab home's secret key, session database and collected static files."""
    etc, data = layout.etc / "horizon", layout.data / "horizon"
    etc.mkdir(parents=True, exist_ok=True)
    data.mkdir(parents=True, exist_ok=True)
    key = etc / "secret_key"
    if not key.exists():
        key.write_text(secrets.token_urlsafe(48) + "\n")
        key.chmod(0o600)
    manage = _manage_command(layout, venv)
    log = layout.logs / f"{NAME}-setup.log"
    run_logged(manage + ["migrate", "sessions", "--noinput"], log, "Horizon's sessions")
    stamp_file = layout.run / f"{NAME}-static.stamp"
    stamp = f"{venv.name} {dashboard_stamp()}"
    if not stamp_file.exists() or stamp_file.read_text() != stamp:
        started = time.monotonic()
        say("collecting and compressing Horizon's static files (once per plugin change)")
        run_logged(manage + ["collectstatic", "--noinput", "--clear"], log,
                   "Horizon's static files")
        run_logged(manage + ["compress", "--force"], log, "Horizon's compressed assets")
        stamp_file.write_text(stamp)
        say(f"static files ready in {time.monotonic() - started:.0f} s")
    return data / "static"


def _manage_command(layout: Layout, venv: Path) -> list[str]:
    # `env` carries the lab home and Tricircle's client from this clone.
    return ["env", *(f"{k}={v}" for k, v in _environment(layout).items()),
            str(venv / "bin" / "python"), "-m", "django"]


def _environment(layout: Layout) -> dict[str, str]:
    # tricircleclient runs from the clone, as every lab service runs its Tricircle
    # code; the plugin itself is the installed copy (a regular package wins over
    # the namespace-like folder of the clone on the path).
    return {"TRICIRCLE_LAB_HOME": str(layout.home), "DJANGO_SETTINGS_MODULE": SETTINGS,
            "PYTHONPATH": str(SOURCE)}


def process(layout: Layout, venv: Path, static: Path) -> procs.Process:
    """Horizon under the lab venv's uWSGI, with Horizon's venv as its home."""
    package = dashboard_package(venv)
    argv = [str(layout.bin("uwsgi")), *procs.http_router(f"{HOST}:{PORT}"),
            "--module", "openstack_dashboard.wsgi:application", "--home", str(venv),
            "--master", "--processes", "2", "--threads", "1", "--die-on-term",
            "--harakiri", "120", "--need-app", "--lazy-apps", "--buffer-size", "65535",
            "--static-map", f"/static={static}",
            "--pidfile", str(layout.run / f"{NAME}.pid"),
            "--daemonize", str(layout.logs / f"{NAME}.log"), "--procname-prefix", f"{NAME}-"]
    config = tuple(sorted((package / "local").rglob("*.py")))
    process = procs.Process(NAME, argv, port=PORT, env=_environment(layout),
                            config_files=config, wsgi=True)
    process.extra_stamp = dashboard_stamp()
    return process


def up(layout: Layout, say: Say) -> str:
    """Build (once), install the plugin, start Horizon; the login page's URL."""
    if not (layout.etc / "passwords.json").exists():
        raise LabError("the lab has not been brought up here; run `tricircle-lab up`")
    venv = lab_venv.ensure_pinned(venv_path(layout), REQUIREMENTS, say, NAME)
    install_dashboard(layout, venv, say)
    static = prepare_state(layout, venv, say)
    horizon = process(layout, venv, static)
    if procs.ensure(layout, horizon):
        say("  started horizon")
    procs.wait_ready(layout, horizon, timeout=180)
    _check_login_page()
    say(f"horizon ready: {URL}/ (users admin and demo, passwords in "
        f"{layout.etc / 'passwords.json'})")
    return f"{URL}/"


def _check_login_page() -> None:
    """The login page renders, with its compressed CSS (the build is complete)."""
    try:
        with urllib.request.urlopen(f"{URL}/auth/login/", timeout=60) as answer:
            page = answer.read().decode(errors="replace")
    except OSError as exc:
        raise LabError(f"Horizon's login page did not answer: {exc}") from exc
    if 'name="username"' not in page:
        raise LabError("Horizon's login page has no login form; see "
                       f"`tricircle-lab logs {NAME}`")


def stop(layout: Layout) -> bool:
    """Stop Horizon only (`tricircle-lab down` stops it with everything else)."""
    return procs.stop(layout, NAME)
