"""tricircle-lab: bring the lab up, look at it, and take it down.

    tricircle-lab up                 build (once) and start everything; idempotent
    tricircle-lab horizon            up, then Horizon on http://127.0.0.1:28080/
    tricircle-lab status             each process: pid, port, answering?
    eval "$(tricircle-lab env)"      the stock `openstack` CLI as the lab's admin
    tricircle-lab env --user demo    ... as the demo tenant (also: alt)
    tricircle-lab logs NAME          the tail of one service's logs
    tricircle-lab down [--purge]     stop what `up` started (--purge: and forget it)
"""

import argparse
import concurrent.futures
import contextlib
import fcntl
import importlib.util
import json
import shlex
import shutil
import sys
import time

from tricircle.lab import LabError, catalog, horizon, infra, procs, services, venv
from tricircle.lab.layout import (
    CENTRAL_NEUTRON_PORT,
    CENTRAL_REGION,
    GLANCE_PORT,
    KEYSTONE_PORT,
    REGIONS,
    TRICIRCLE_API_PORT,
    Layout,
)
from tricircle.lab.services import CINDER_PORT, NEUTRON_PORT, NOVA_PORT, PLACEMENT_PORT

USERS = {"admin": "admin", "demo": "demo", "alt": "alt"}  # user -> project


def expected_processes() -> dict[str, int | None]:
    """Every process a full lab runs, with its HTTP port (None: RPC only)."""
    expected: dict[str, int | None] = {"keystone": KEYSTONE_PORT, "glance": GLANCE_PORT}
    for region in REGIONS:
        short = region.short
        expected[f"placement-{short}"] = region.port(PLACEMENT_PORT)
        expected[f"neutron-{short}"] = region.port(NEUTRON_PORT)
        expected[f"nova-{short}-api"] = region.port(NOVA_PORT)
        for daemon in ("conductor", "scheduler", "compute"):
            expected[f"nova-{short}-{daemon}"] = None
        expected[f"cinder-{short}-api"] = region.port(CINDER_PORT)
        for daemon in ("scheduler", "volume"):
            expected[f"cinder-{short}-{daemon}"] = None
    expected["neutron-central"] = CENTRAL_NEUTRON_PORT
    expected["tricircle-api"] = TRICIRCLE_API_PORT
    expected["tricircle-xjob"] = None
    return expected


class Reporter:
    def __init__(self):
        self.started = time.monotonic()

    def __call__(self, message: str) -> None:
        print(f"[{time.monotonic() - self.started:6.1f}s] {message}", flush=True)


def _start_all(layout: Layout, processes: list, say) -> None:
    started = [p for p in processes if procs.ensure(layout, p)]
    if started:
        say("  started " + ", ".join(p.name for p in started))
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        for future in [pool.submit(procs.wait_ready, layout, p) for p in processes]:
            future.result()


def check_ports(layout: Layout) -> None:
    """Fail before touching anything when a port the lab needs is someone else's."""
    taken = [f"{port} ({name})" for name, port in expected_processes().items()
             if port is not None and procs.running_pid(layout, name) is None
             and procs.port_taken(port)]
    if taken:
        raise LabError("ports the lab needs on 127.0.0.1 are taken by processes this lab "
                       f"did not start: {', '.join(taken)}. Stop them (or the other lab: "
                       "`TRICIRCLE_LAB_HOME=<its home> tricircle-lab down`) and run again.")


def up(layout: Layout, say) -> None:
    layout.make_dirs()
    check_ports(layout)
    fresh = not (layout.etc / "passwords.json").exists()
    venv.ensure(layout, say)
    infra.ensure_mariadb(layout, say)
    if fresh:
        dropped = infra.drop_databases()
        if dropped:
            say(f"new lab home: dropped {len(dropped)} lab_* databases of an earlier lab")
    passwords = infra.passwords(layout)
    infra.ensure_rabbitmq(layout, say)
    say("MariaDB and RabbitMQ ready")
    ctx = services.Context(layout, passwords, say)
    with_gateway = importlib.util.find_spec("tricircle.gateway") is not None

    _start_all(layout, services.keystone(ctx), say)
    catalog.seed_identity(passwords, with_gateway)
    say("keystone ready: regions, users, catalog")
    _start_all(layout, services.glance(ctx), say)
    catalog.seed_image(passwords)
    say("glance ready with image 'tiny'")

    processes = []
    for region in REGIONS:
        processes += services.region_services(ctx, region)
    processes += services.central_neutron(ctx)
    _start_all(layout, processes, say)
    say("region APIs answer")
    for region in REGIONS:
        services.discover_compute(ctx, region)
        catalog.wait_services(passwords, region)
        catalog.seed_region(passwords, region)
        say(f"{region.name} ready: nova and cinder services up, AZ {region.az}, "
            f"flavors, demo-net-{region.short}")

    _start_all(layout, services.tricircle(ctx), say)
    catalog.seed_pods(passwords)
    say("tricircle-api and tricircle-xjob ready, pods registered")
    write_clouds_yaml(layout, passwords)
    say(f"lab up; try: eval \"$(tricircle-lab env)\" && openstack server list "
        f"(clouds.yaml: {layout.home / 'clouds.yaml'})")


def write_clouds_yaml(layout: Layout, passwords: dict) -> None:
    clouds = {}
    for user, project in USERS.items():
        clouds[f"lab-{user}"] = {
            "auth": {"auth_url": f"{services.KEYSTONE_URL}/v3", "username": user,
                     "password": passwords["admin" if user == "admin" else "demo"],
                     "project_name": project, "user_domain_id": "default",
                     "project_domain_id": "default"},
            "region_name": REGIONS[0].name, "interface": "public",
            "identity_api_version": 3}
    # JSON is valid YAML, and the standard library writes it.
    path = layout.home / "clouds.yaml"
    path.write_text(json.dumps({"clouds": clouds}, indent=2) + "\n")
    path.chmod(0o600)


def env_lines(layout: Layout, user: str, region: str) -> list[str]:
    path = layout.etc / "passwords.json"
    if not path.exists():
        raise LabError("the lab has not been brought up here; run `tricircle-lab up`")
    passwords = json.loads(path.read_text())
    values = {
        "OS_AUTH_URL": f"{services.KEYSTONE_URL}/v3", "OS_IDENTITY_API_VERSION": "3",
        "OS_USERNAME": user, "OS_PASSWORD": passwords["admin" if user == "admin" else "demo"],
        "OS_PROJECT_NAME": USERS[user], "OS_USER_DOMAIN_ID": "default",
        "OS_PROJECT_DOMAIN_ID": "default", "OS_REGION_NAME": region, "OS_INTERFACE": "public",
        "OS_CLIENT_CONFIG_FILE": str(layout.home / "clouds.yaml"),
    }
    lines = [f"export {key}={shlex.quote(value)}" for key, value in values.items()]
    lines.append(f'export PATH={shlex.quote(str(layout.venv / "bin"))}:"$PATH"')
    return lines


def status(layout: Layout) -> int:
    print(f"{'process':22} {'pid':>8} {'port':>6}  state")
    all_up = True
    for name, port in expected_processes().items():
        pid = procs.running_pid(layout, name)
        if pid is None:
            state, all_up = "stopped", False
        elif port is not None and not procs.port_taken(port):
            state, all_up = "running, not listening", False
        else:
            state = "up"
        print(f"{name:22} {pid or '-':>8} {port or '':>6}  {state}")
    return 0 if all_up else 3


def logs(layout: Layout, name: str | None, lines: int) -> int:
    known = sorted({p.stem.removesuffix("-app").removesuffix("-setup")
                    for p in layout.logs.glob("*.log")})
    if name is None or name not in known:
        if name is not None:
            print(f"no logs named {name!r}", file=sys.stderr)
        print("logs: " + " ".join(known))
        return 0 if name is None else 1
    for suffix in ("", "-app", "-setup"):
        path = layout.logs / f"{name}{suffix}.log"
        if path.exists():
            print(f"==> {path} <==")
            print(procs.tail(path, lines))
    return 0


def down(layout: Layout, purge: bool, say) -> None:
    running = [name for name in procs.names(layout) if name != "mariadb"]
    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        results = pool.map(lambda name: procs.stop(layout, name), running)
        stopped = [name for name, done in zip(running, results, strict=True) if done]
    say(f"stopped {len(stopped)} processes" + (f": {' '.join(stopped)}" if stopped else ""))
    if purge:
        dropped = infra.drop_databases()
        say(f"dropped {len(dropped)} lab_* databases")
    infra.stop_started(layout)
    if purge:
        shutil.rmtree(layout.home, ignore_errors=True)
        say(f"removed {layout.home} (the venv cache stays under {layout.cache})")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="tricircle-lab", description=__doc__,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = top.add_subparsers(dest="command", required=True)
    commands.add_parser("up", help="build and start the lab (idempotent)")
    commands.add_parser("horizon", help="`up`, then Horizon with Tricircle's dashboard")
    stop = commands.add_parser("down", help="stop every process `up` started")
    stop.add_argument("--purge", action="store_true",
                      help="also drop the lab_* databases and the lab's state folder")
    commands.add_parser("status", help="show each process of the lab")
    env = commands.add_parser("env", help="print shell exports for the openstack CLI")
    env.add_argument("--user", choices=sorted(USERS), default="admin")
    env.add_argument("--region", default=REGIONS[0].name,
                     choices=[r.name for r in REGIONS] + [CENTRAL_REGION])
    log = commands.add_parser("logs", help="show the end of a service's logs")
    log.add_argument("name", nargs="?", help="e.g. keystone, nova-r1-api, tricircle-api")
    log.add_argument("-n", "--lines", type=int, default=40)
    return top


@contextlib.contextmanager
def exclusive(layout: Layout):
    """One `up` or `down` at a time per lab home; a second one waits."""
    layout.run.mkdir(parents=True, exist_ok=True)
    with open(layout.run / "lab.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    layout = Layout.default()
    say = Reporter()
    try:
        if args.command == "up":
            with exclusive(layout):
                up(layout, say)
        elif args.command == "horizon":
            with exclusive(layout):
                up(layout, say)
                horizon.up(layout, say)
        elif args.command == "down":
            with exclusive(layout):
                down(layout, args.purge, say)
        elif args.command == "status":
            return status(layout)
        elif args.command == "env":
            print("\n".join(env_lines(layout, args.user, args.region)))
        elif args.command == "logs":
            return logs(layout, args.name, args.lines)
    except LabError as exc:
        print(f"tricircle-lab {args.command}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
