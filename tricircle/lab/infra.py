"""MariaDB and RabbitMQ for the lab: use the ones on 127.0.0.1, else install
and start them from Debian's packages. Everything the lab creates in them is
named lab_*.
"""

import json
import os
import secrets
import shutil
import socket
import subprocess
import time

import pymysql

from tricircle.lab import LabError, procs
from tricircle.lab.layout import CENTRAL_VHOST, HOST, PREFIX, REGIONS, Layout

MYSQL_PORT = 3306
RABBIT_PORT = 5672
LAB_USER = "lab"


def passwords(layout: Layout) -> dict:
    """The lab's generated passwords; a new lab home gets new ones."""
    path = layout.etc / "passwords.json"
    if path.exists():
        return json.loads(path.read_text())
    generated = {name: secrets.token_hex(8) for name in ("admin", "demo", "service", "db",
                                                         "rabbit")}
    path.write_text(json.dumps(generated, indent=1))
    path.chmod(0o600)
    return generated


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex((HOST, port)) == 0


def _apt_install(*packages: str) -> None:
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise LabError(f"the lab needs {' '.join(packages)}; install it "
                       f"(sudo apt-get install -y {' '.join(packages)}) and run again")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    command = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages]
    if subprocess.run(command, env=env, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True)
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise LabError(f"apt-get install {' '.join(packages)} failed:\n"
                           + result.stdout[-1500:] + result.stderr[-1500:])


def _wait_port(port: int, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not _listening(port):
        if time.monotonic() > deadline:
            raise LabError(f"{what} did not open {HOST}:{port} within {timeout:.0f} s")
        time.sleep(0.5)


# --- MariaDB ---------------------------------------------------------------

MIN_CONNECTIONS = 600

def ensure_mariadb(layout: Layout, say) -> None:
    if not _listening(MYSQL_PORT):
        if not os.path.exists("/usr/sbin/mariadbd"):
            say("MariaDB is not installed: installing mariadb-server from Debian")
            _apt_install("mariadb-server")
        if not _listening(MYSQL_PORT):
            say("starting MariaDB (the lab will stop it on `down`)")
            started = subprocess.run(
                ["start-stop-daemon", "--start", "--background", "--make-pidfile",
                 "--pidfile", str(layout.run / "mariadb.pid"), "--exec", "/usr/sbin/mariadbd",
                 "--", "--bind-address=127.0.0.1"],
                env=dict(os.environ, TRICIRCLE_LAB_HOME=str(layout.home)),
                capture_output=True, text=True)
            if started.returncode != 0:
                raise LabError(f"could not start MariaDB: {started.stderr.strip()}")
            _wait_port(MYSQL_PORT, "MariaDB")
    password = passwords(layout)["db"]
    with _admin_connection() as cursor:
        # The lab's services hold about a hundred pooled connections at rest, so
        # MariaDB's default of 151 leaves too little for the test tiers beside it.
        cursor.execute("SELECT @@GLOBAL.max_connections")
        if cursor.fetchone()[0] < MIN_CONNECTIONS:
            cursor.execute(f"SET GLOBAL max_connections = {MIN_CONNECTIONS}")
        for host in ("127.0.0.1", "localhost"):
            cursor.execute(f"CREATE USER IF NOT EXISTS '{LAB_USER}'@'{host}'")
            cursor.execute(f"ALTER USER '{LAB_USER}'@'{host}' IDENTIFIED BY %s", (password,))
            cursor.execute(f"GRANT ALL ON `lab\\_%`.* TO '{LAB_USER}'@'{host}'")


def _admin_connection():
    user = os.environ.get("TRICIRCLE_LAB_MYSQL_USER", "root")
    password = os.environ.get("TRICIRCLE_LAB_MYSQL_PASSWORD", "")
    try:
        connection = pymysql.connect(host=HOST, port=MYSQL_PORT, user=user, password=password,
                                     autocommit=True, connect_timeout=5)
    except pymysql.MySQLError as exc:
        raise LabError(f"cannot log in to MariaDB on {HOST}:{MYSQL_PORT} as {user}: {exc}; "
                       "set TRICIRCLE_LAB_MYSQL_USER/TRICIRCLE_LAB_MYSQL_PASSWORD to an "
                       "account that may create users and databases") from None
    return connection.cursor()


def database_url(layout: Layout, name: str) -> str:
    """Create database lab_<name> if needed and return its SQLAlchemy URL."""
    database = PREFIX + name.replace("-", "_")
    with _admin_connection() as cursor:
        cursor.execute(f"CREATE DATABASE IF NOT EXISTS `{database}` CHARACTER SET utf8mb4")
    password = passwords(layout)["db"]
    return (f"mysql+pymysql://{LAB_USER}:{password}@{HOST}:{MYSQL_PORT}/{database}"
            "?charset=utf8mb4")


def drop_databases() -> list[str]:
    """Drop every lab_* database (a lab whose state folder is gone, or `down --purge`)."""
    with _admin_connection() as cursor:
        cursor.execute("SHOW DATABASES LIKE 'lab\\_%'")
        dropped = [row[0] for row in cursor.fetchall()]
        for database in dropped:
            cursor.execute(f"DROP DATABASE `{database}`")
    return dropped


# --- RabbitMQ --------------------------------------------------------------

VHOSTS = tuple(region.vhost for region in REGIONS) + (CENTRAL_VHOST,)


def ensure_rabbitmq(layout: Layout, say) -> None:
    if not _listening(RABBIT_PORT):
        if shutil.which("rabbitmq-server") is None:
            say("RabbitMQ is not installed: installing rabbitmq-server from Debian")
            _apt_install("rabbitmq-server")
        if not _listening(RABBIT_PORT):
            say("starting RabbitMQ (the lab will stop it on `down`)")
            subprocess.run(["rabbitmq-server", "-detached"], capture_output=True)
            (layout.run / "rabbitmq.started-by-lab").write_text("")
            _wait_port(RABBIT_PORT, "RabbitMQ", timeout=120)
            _rabbitmqctl("await_startup")
    password = passwords(layout)["rabbit"]
    present = set(_rabbitmqctl("list_vhosts", "--quiet", "--no-table-headers").split())
    users = _rabbitmqctl("list_users", "--quiet", "--no-table-headers")
    if LAB_USER not in [line.split()[0] for line in users.splitlines() if line.split()]:
        _rabbitmqctl("add_user", LAB_USER, password)
    else:
        _rabbitmqctl("change_password", LAB_USER, password)
    for vhost in VHOSTS:
        if vhost not in present:
            _rabbitmqctl("add_vhost", vhost)
        _rabbitmqctl("set_permissions", "-p", vhost, LAB_USER, ".*", ".*", ".*")


def transport_url(layout: Layout, vhost: str) -> str:
    return f"rabbit://{LAB_USER}:{passwords(layout)['rabbit']}@{HOST}:{RABBIT_PORT}/{vhost}"


def _rabbitmqctl(*args: str) -> str:
    result = subprocess.run(["rabbitmqctl", *args], capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise LabError(f"rabbitmqctl {' '.join(args)} failed: "
                       f"{(result.stderr or result.stdout).strip()[-800:]}; the lab needs to "
                       "manage the RabbitMQ on 127.0.0.1:5672 (run as the user that owns it)")
    return result.stdout


def stop_started(layout: Layout) -> None:
    """Stop MariaDB and RabbitMQ only if this lab started them."""
    procs.stop(layout, "mariadb")
    marker = layout.run / "rabbitmq.started-by-lab"
    if marker.exists():
        subprocess.run(["rabbitmqctl", "stop"], capture_output=True)
        marker.unlink()
