"""Each OpenStack service of the lab: its configuration, database set-up and processes.

A function per service renders lab/templates/<file> into the lab's etc/,
prepares the database once per venv (a stamp in run/ says it is done), and
returns the processes to run. `up` starts them all, then waits for them.
"""

import configparser
import dataclasses
import hashlib
import os
import shutil
import string
import subprocess
import time
import tomllib
from pathlib import Path

from tricircle.lab import LabError, infra
from tricircle.lab.layout import (
    CENTRAL_NEUTRON_PORT,
    CENTRAL_REGION,
    CENTRAL_VHOST,
    GLANCE_PORT,
    HOST,
    KEYSTONE_PORT,
    LAB_FILES,
    REGIONS,
    SOURCE,
    TRICIRCLE_API_PORT,
    Layout,
    Region,
    code_stamp,
    venv_key,
)
from tricircle.lab.procs import Process, http_router

KEYSTONE_URL = f"http://{HOST}:{KEYSTONE_PORT}"
NOVA_PORT, CINDER_PORT, NEUTRON_PORT, PLACEMENT_PORT = 8774, 8776, 9696, 8778
# Every OpenStack API runs single-threaded under uwsgi: the probe saw uwsgi
# threads give empty 500s and hung clients; extra processes give concurrency instead.
API_PROCESSES = 2
# tricircle-api is plain threaded Python (no eventlet), so it takes threads too,
# as many as the deployable sample says.
TRICIRCLE_API_UWSGI_INI = SOURCE / "etc" / "tricircle" / "tricircle-api-uwsgi.ini"


@dataclasses.dataclass
class Context:
    layout: Layout
    passwords: dict
    say: object

    def etc(self, name: str) -> Path:
        path = self.layout.etc / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def data(self, name: str) -> Path:
        path = self.layout.data / name
        (path / "locks").mkdir(parents=True, exist_ok=True)
        return path

    def bin(self, name: str) -> str:
        return str(self.layout.bin(name))

    @property
    def authtoken(self) -> str:
        """[keystone_authtoken] lines, without the username."""
        return f"www_authenticate_uri = {KEYSTONE_URL}\n" + self.service_auth

    @property
    def service_auth(self) -> str:
        """keystoneauth password-plugin lines for a service user, without the username."""
        return "\n".join([
            f"auth_url = {KEYSTONE_URL}", "auth_type = password",
            "user_domain_id = default", "project_domain_id = default",
            "project_name = service", f"password = {self.passwords['service']}"])

    def render(self, template: str, destination: Path, **values) -> Path:
        text = (LAB_FILES / "templates" / template).read_text()
        values = dict(logs=self.layout.logs, venv=self.layout.venv, authtoken=self.authtoken,
                      service_auth=self.service_auth, **values)
        destination.write_text(string.Template(text).substitute(values))
        return destination

    def run(self, name: str, *argv: str) -> str:
        """Run a set-up command of the lab venv; its output goes to logs/<name>-setup.log."""
        log = self.layout.logs / f"{name}-setup.log"
        with open(log, "a") as output:
            output.write(f"$ {' '.join(argv)}\n")
            output.flush()
            result = subprocess.run(argv, stdout=subprocess.PIPE, stderr=output, text=True)
            output.write(result.stdout)
        if result.returncode != 0:
            lines = log.read_text(errors="replace").splitlines()[-25:]
            command = " ".join([Path(argv[0]).name, *argv[1:3]])
            raise LabError(f"{name}: `{command} ...` failed; last lines of {log}:\n"
                           + "\n".join(lines))
        return result.stdout

    def once(self, name: str, prepare) -> None:
        """Run ``prepare`` unless it already ran for this venv (database syncs)."""
        stamp = self.layout.run / f"{name}.prepared"
        if stamp.exists() and stamp.read_text() == venv_key():
            return
        started = time.monotonic()
        prepare()
        stamp.write_text(venv_key())
        self.say(f"  {name}: database ready in {time.monotonic() - started:.1f} s")

    def wsgi(self, name: str, port: int, module: str, config_files: tuple[Path, ...],
             env: dict | None = None, extra: tuple[str, ...] = (),
             processes: int = API_PROCESSES, threads: int = 1) -> Process:
        layout = self.layout
        argv = [self.bin("uwsgi"), *http_router(f"{HOST}:{port}"), "--http-auto-chunked",
                "--module", module, "--master",
                "--processes", str(processes), "--threads", str(threads), "--die-on-term",
                "--harakiri", "120", "--need-app", "--enable-threads", "--lazy-apps",
                "--buffer-size", "65535", "--pidfile", str(layout.run / f"{name}.pid"),
                "--daemonize", str(layout.logs / f"{name}.log"),
                "--procname-prefix", f"{name}-", "--home", str(layout.venv), *extra]
        return Process(name, argv, port=port, env=env or {}, config_files=config_files,
                       wsgi=True)

    def daemon(self, name: str, command: str, config: Path) -> Process:
        # Each daemon logs to its own file, not to the API's log_file.
        log = self.layout.logs / f"{name}-app.log"
        return Process(name, [self.bin(command), "--config-file", str(config),
                              "--log-file", str(log)], config_files=(config,))

    def copy_from_venv(self, relative: str, destination: Path) -> None:
        shutil.copy(self.layout.venv / relative, destination)


# --- shared services --------------------------------------------------------

def keystone(ctx: Context) -> list[Process]:
    etc = ctx.etc("keystone")
    conf = ctx.render("keystone.conf", etc / "keystone.conf", etc=etc,
                      db_url=infra.database_url(ctx.layout, "keystone"))
    manage = [ctx.bin("keystone-manage"), "--config-file", str(conf)]

    def prepare() -> None:
        ctx.run("keystone", *manage, "db_sync")
        for setup in ("fernet_setup", "credential_setup"):
            ctx.run("keystone", *manage, setup, "--keystone-user", "root",
                    "--keystone-group", "root")
    ctx.once("keystone", prepare)
    # bootstrap is idempotent and sets the admin password of this lab home.
    ctx.run("keystone", *manage, "bootstrap",
            "--bootstrap-password", ctx.passwords["admin"],
            "--bootstrap-username", "admin", "--bootstrap-project-name", "admin",
            "--bootstrap-role-name", "admin", "--bootstrap-service-name", "keystone",
            "--bootstrap-region-id", "RegionOne",
            "--bootstrap-public-url", f"{KEYSTONE_URL}/v3",
            "--bootstrap-internal-url", f"{KEYSTONE_URL}/v3",
            "--bootstrap-admin-url", f"{KEYSTONE_URL}/v3")
    # Keystone's dict cache is per process: one process, or reads go stale.
    return [ctx.wsgi("keystone", KEYSTONE_PORT, "keystone.wsgi.api:application", (conf,),
                     env={"OS_KEYSTONE_CONFIG_FILES": str(conf)}, processes=1)]


def glance(ctx: Context) -> list[Process]:
    etc, data = ctx.etc("glance"), ctx.data("glance")
    ctx.copy_from_venv("etc/glance/glance-api-paste.ini", etc)
    conf = ctx.render("glance-api.conf", etc / "glance-api.conf", etc=etc, data=data,
                      port=GLANCE_PORT, db_url=infra.database_url(ctx.layout, "glance"))
    manage = [ctx.bin("glance-manage"), "--config-file", str(conf)]

    def prepare() -> None:
        ctx.run("glance", *manage, "db_sync")
        ctx.run("glance", *manage, "db_load_metadefs", str(ctx.layout.venv / "etc/glance/metadefs"))
    ctx.once("glance", prepare)
    # Clients upload images in chunked encoding; uwsgi refuses it unless told.
    return [ctx.wsgi("glance", GLANCE_PORT, "glance.wsgi.api:application", (conf,),
                     env={"OS_GLANCE_CONFIG_DIR": str(etc)}, processes=1,
                     extra=("--http-chunked-input", "--chunked-input-limit", "16777216"))]


# --- per region ---------------------------------------------------------------

def placement(ctx: Context, region: Region) -> list[Process]:
    name = f"placement-{region.short}"
    etc = ctx.etc(name)
    conf = ctx.render("placement.conf", etc / "placement.conf", name=name, region=region.name,
                      db_url=infra.database_url(ctx.layout, name))
    ctx.once(name, lambda: ctx.run(name, ctx.bin("placement-manage"), "--config-file",
                                   str(conf), "db", "sync"))
    return [ctx.wsgi(name, region.port(PLACEMENT_PORT), "placement.wsgi.api:application",
                     (conf,), env={"OS_PLACEMENT_CONFIG_DIR": str(etc)})]


def neutron(ctx: Context, name: str, region_name: str, port: int, vhost: str,
            notify_nova: bool = True) -> list[Process]:
    etc, data = ctx.etc(name), ctx.data(name)
    central = region_name == CENTRAL_REGION
    plugins = _tricircle_plugins(central)
    ctx.copy_from_venv("etc/neutron/api-paste.ini", etc)
    conf = ctx.render("neutron.conf", etc / "neutron.conf", name=name, region=region_name,
                      etc=etc, data=data, port=port,
                      core_plugin=plugins or "ml2",
                      service_plugins=_service_plugins(central, bool(plugins)),
                      extra=_tricircle_sections(ctx, region_name) if plugins else "",
                      notify_nova=str(notify_nova).lower(),
                      transport_url=infra.transport_url(ctx.layout, vhost),
                      db_url=infra.database_url(ctx.layout, name))
    # Central allocates from ranges no region uses for its own networks, so the
    # copy of a central network never collides with a region-local segment.
    ml2 = ctx.render("ml2_conf.ini", etc / "ml2_conf.ini", region=region_name,
                     mechanism_drivers=_mechanism_drivers(central, bool(plugins)),
                     vni_ranges="5000:5999" if central else "1000:1999",
                     vlan_ranges="physnet1:200:299" if central else "physnet1:100:199")
    ctx.once(name, lambda: ctx.run(name, ctx.bin("neutron-db-manage"), "--config-file",
                                   str(conf), "--config-file", str(ml2), "upgrade", "heads"))
    env = {"OS_NEUTRON_CONFIG_DIR": str(etc),
           "OS_NEUTRON_CONFIG_FILES": "neutron.conf;ml2_conf.ini"}
    if plugins:
        env["PYTHONPATH"] = str(SOURCE)
    if plugins and central:
        env["PYTHONPATH"] += os.pathsep + str(_entry_points(data))
    # neutron-server is gone from modern Neutron: its API is a WSGI app.
    # One API worker: nothing may depend on a second one being free (doc/networking.md,
    # "Who calls whom"), and the lab shows it by running with just one.
    process = ctx.wsgi(name, port, "neutron.wsgi.api:application", (conf, ml2), env=env,
                       processes=1)
    if plugins:
        process.extra_stamp = _plugins_stamp()  # restart when the plugins' code changes
    return [process]


def _plugins_stamp() -> str:
    # Only what the plugins import: edits elsewhere in Tricircle (the gateway,
    # xjob) must not restart every Neutron under tests running against the lab.
    digest = hashlib.sha256(str(SOURCE).encode())
    for package in ("tricircle/network", "tricircle/common", "tricircleclient"):
        for path in sorted((SOURCE / package).rglob("*.py")):
            digest.update(str(path.relative_to(SOURCE)).encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def _mechanism_drivers(central: bool, tricircle: bool) -> str:
    """Central records the binding each region made (Tricircle's driver; no backend
    of its own); a region binds with the lab's bind-all driver, its stand-in for
    Open vSwitch or OVN."""
    return "tricircle" if central and tricircle else "lab_bind_all"


ENTRY_POINT_GROUPS = ("neutron.ml2.mechanism_drivers",)


def _entry_points(data: Path) -> Path:
    """A folder for PYTHONPATH that registers Tricircle's ML2 drivers as an install
    of Tricircle would (pyproject's entry points), since ML2 loads drivers by
    entry-point name only and the lab runs Tricircle from the clone, not from an
    install. Its distribution has a name of its own: a stale tricircle.egg-info
    in the clone would hide a second "tricircle"."""
    with open(SOURCE / "pyproject.toml", "rb") as pyproject:
        groups = tomllib.load(pyproject)["project"]["entry-points"]
    folder = data / "entry-points"
    info = folder / "tricircle_lab_entry_points-1.0.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: tricircle-lab-entry-points\nVersion: 1.0\n")
    lines = []
    for group in ENTRY_POINT_GROUPS:
        lines.append(f"[{group}]")
        lines.extend(f"{name} = {target}" for name, target in groups.get(group, {}).items())
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n")
    return folder


def _tricircle_plugins(central: bool) -> str:
    """Tricircle's core plugin for this Neutron, or "" while the clone has none."""
    if not (SOURCE / "tricircle" / "network" / "local_plugin.py").exists():
        return ""
    role = "central" if central else "local"
    return f"tricircle.network.{role}_plugin.TricirclePlugin"


def _l3_plugin(central: bool) -> str:
    """Tricircle's L3 service plugin: routers across regions (central), floating IPs
    for other regions' ports (local)."""
    role = "central" if central else "local"
    return f"tricircle.network.{role}_l3.TricircleL3Plugin"


# QoS, trunks and SFC in every Neutron (#13); in a region the lab's bind-all
# driver brings the QoS and trunk drivers of its ports (lab/plugins), in central
# Tricircle's mechanism driver brings Tricircle's (they accept what the regions
# enforce). Central's QoS, trunk and SFC plugins are Tricircle's: they queue
# the jobs that reach the regions.
SERVICE_PLUGINS = ("qos", "trunk", "flow_classifier", "sfc")
CENTRAL_SERVICE_PLUGINS = ("tricircle.network.qos.TricircleQosPlugin",
                           "tricircle.network.trunks.TricircleTrunkPlugin",
                           "tricircle.network.sfc.TricircleFlowClassifierPlugin",
                           "tricircle.network.sfc.TricircleSfcPlugin")


def _service_plugins(central: bool, tricircle: bool) -> str:
    if not tricircle:
        return ",".join(("router",) + SERVICE_PLUGINS)
    others = CENTRAL_SERVICE_PLUGINS if central else SERVICE_PLUGINS
    return ",".join((_l3_plugin(central),) + others)


def _tricircle_sections(ctx: Context, region_name: str) -> str:
    # The plugins call as Tricircle's own account, the one xjob uses too: a
    # region tells Tricircle's pushes from its users' requests by that account.
    # An external network made centrally without a hint lives in the first region.
    local = (f"default_external_region = {REGIONS[0].name}\n" if region_name == CENTRAL_REGION
             else f"local_region_name = {region_name}\n")
    return (f"\n[client]\n{ctx.service_auth}\nusername = tricircle\n\n"
            f"[tricircle]\ncentral_region_name = {CENTRAL_REGION}\n{local}")


def nova(ctx: Context, region: Region) -> list[Process]:
    name = f"nova-{region.short}"
    etc, data = ctx.etc(name), ctx.data(name)
    ctx.copy_from_venv("etc/nova/api-paste.ini", etc)
    transport = infra.transport_url(ctx.layout, region.vhost)
    cell0 = infra.database_url(ctx.layout, f"{name}_cell0")
    cell1 = infra.database_url(ctx.layout, f"{name}_cell1")
    conf = ctx.render("nova.conf", etc / "nova.conf", name=name, region=region.name,
                      etc=etc, data=data, az=region.az, transport_url=transport,
                      db_api_url=infra.database_url(ctx.layout, f"{name}_api"),
                      db_cell1_url=cell1)
    manage = [ctx.bin("nova-manage"), "--config-file", str(conf)]

    def prepare() -> None:
        ctx.run(name, *manage, "api_db", "sync")
        ctx.run(name, *manage, "cell_v2", "map_cell0", "--database_connection", cell0)
        if " cell1 " not in ctx.run(name, *manage, "cell_v2", "list_cells"):
            ctx.run(name, *manage, "cell_v2", "create_cell", "--name", "cell1",
                    "--database_connection", cell1, "--transport-url", transport)
        ctx.run(name, *manage, "db", "sync")
    ctx.once(name, prepare)
    return [ctx.wsgi(f"{name}-api", region.port(NOVA_PORT),
                     "nova.wsgi.osapi_compute:application", (conf,),
                     env={"OS_NOVA_CONFIG_DIR": str(etc)}),
            ctx.daemon(f"{name}-conductor", "nova-conductor", conf),
            ctx.daemon(f"{name}-scheduler", "nova-scheduler", conf),
            ctx.daemon(f"{name}-compute", "nova-compute", conf)]


def discover_compute(ctx: Context, region: Region, timeout: float = 180) -> None:
    """Map the region's compute host into its cell (nova-compute must have registered)."""
    name = f"nova-{region.short}"
    manage = [ctx.bin("nova-manage"), "--config-file", str(ctx.etc(name) / "nova.conf")]
    host = f"{name}-compute"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ctx.run(name, *manage, "cell_v2", "discover_hosts")
        if host in ctx.run(name, *manage, "cell_v2", "list_hosts"):
            return
        time.sleep(2)
    raise LabError(f"{host} did not register with nova in {timeout:.0f} s; see "
                   f"{ctx.layout.logs / (name + '-compute.log')}")


def cinder(ctx: Context, region: Region) -> list[Process]:
    name = f"cinder-{region.short}"
    etc, data = ctx.etc(name), ctx.data(name)
    ctx.copy_from_venv("etc/cinder/api-paste.ini", etc)
    ctx.copy_from_venv("etc/cinder/resource_filters.json", etc)
    conf = ctx.render("cinder.conf", etc / "cinder.conf", name=name, region=region.name,
                      etc=etc, data=data, az=region.az, glance_port=GLANCE_PORT,
                      transport_url=infra.transport_url(ctx.layout, region.vhost),
                      db_url=infra.database_url(ctx.layout, name))
    ctx.once(name, lambda: ctx.run(name, ctx.bin("cinder-manage"), "--config-file",
                                   str(conf), "db", "sync"))
    # cinder's WSGI module reads its configuration from the command line.
    return [ctx.wsgi(f"{name}-api", region.port(CINDER_PORT), "cinder.wsgi.api:application",
                     (conf,), extra=("--pyargv", f"--config-file {conf}")),
            ctx.daemon(f"{name}-scheduler", "cinder-scheduler", conf),
            ctx.daemon(f"{name}-volume", "cinder-volume", conf)]


def region_services(ctx: Context, region: Region) -> list[Process]:
    return (placement(ctx, region)
            + neutron(ctx, f"neutron-{region.short}", region.name,
                      region.port(NEUTRON_PORT), region.vhost)
            + nova(ctx, region) + cinder(ctx, region))


# --- CentralRegion ----------------------------------------------------------

def central_neutron(ctx: Context) -> list[Process]:
    # No Nova answers to CentralRegion's network events: the regions' Novas
    # hear from their own Neutrons.
    return neutron(ctx, "neutron-central", CENTRAL_REGION, CENTRAL_NEUTRON_PORT,
                   CENTRAL_VHOST, notify_nova=False)


def _tricircle_command(ctx: Context, module: str, conf: Path, *args: str) -> list[str]:
    # Tricircle runs from the clone that ran `up` (PYTHONPATH), not from an
    # install in the cached venv, so every clone tests its own code.
    return [ctx.bin("python"), "-c", f"import sys; from {module} import main; sys.exit(main())",
            "--config-file", str(conf), *args]


def _tricircle_api_ini() -> configparser.ConfigParser:
    # uwsgi ini files repeat keys (env = ...) and use % placeholders.
    ini = configparser.ConfigParser(strict=False, interpolation=None)
    ini.read(TRICIRCLE_API_UWSGI_INI)
    return ini


def tricircle_api_workers() -> tuple[int, int]:
    """(processes, threads) of tricircle-api: those of the sample uWSGI ini."""
    ini = _tricircle_api_ini()
    return ini.getint("uwsgi", "processes"), ini.getint("uwsgi", "threads")


def tricircle_api_listen() -> int:
    """The listen queue of tricircle-api's sockets: the sample ini's (uWSGI's own is 100)."""
    return _tricircle_api_ini().getint("uwsgi", "listen", fallback=100)


def tricircle(ctx: Context) -> list[Process]:
    name = "tricircle-api"
    etc, data = ctx.etc("tricircle"), ctx.data("tricircle")
    conf = ctx.render("tricircle.conf", etc / "tricircle.conf", name=name, data=data,
                      port=TRICIRCLE_API_PORT,
                      transport_url=infra.transport_url(ctx.layout, CENTRAL_VHOST),
                      db_url=infra.database_url(ctx.layout, "tricircle"))
    env = {"PYTHONPATH": str(SOURCE)}
    sync = _tricircle_command(ctx, "tricircle.cmd.manage", conf, "db", "sync")
    log = ctx.layout.logs / "tricircle-setup.log"
    with open(log, "a") as output:
        # Every time: the clone's migrations may be newer than the database.
        result = subprocess.run(sync, env={**os.environ, **env}, stdout=output,
                                stderr=subprocess.STDOUT)
    if result.returncode != 0:
        raise LabError(f"tricircle-manage db sync failed; see {log}")
    stamp = code_stamp()
    xjob_log = ctx.layout.logs / "tricircle-xjob-app.log"
    # Under uwsgi, as operators deploy it: each process (--lazy-apps) loads the
    # app after the fork, so each has its own keystoneauth sessions, token
    # cache, database pool and fan-out threads.
    processes, threads = tricircle_api_workers()
    api = ctx.wsgi(name, TRICIRCLE_API_PORT, "tricircle.wsgi:application", (conf,),
                   env={**env, "TRICIRCLE_CONFIG_FILES": str(conf)},
                   processes=processes, threads=threads,
                   extra=("--listen", str(tricircle_api_listen())))
    api.extra_stamp = stamp
    return [api,
            Process("tricircle-xjob", _tricircle_command(ctx, "tricircle.cmd.xjob", conf,
                                                         "--log-file", str(xjob_log)),
                    env=env, config_files=(conf,), extra_stamp=stamp)]

