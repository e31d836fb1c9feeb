"""Where the lab keeps things, and which ports and names it uses."""

import dataclasses
import functools
import hashlib
import os
import tomllib
from pathlib import Path

from tricircle.lab import LabError

SOURCE = Path(__file__).resolve().parents[2]
LAB_FILES = SOURCE / "lab"
CONSTRAINTS = SOURCE / "constraints.txt"

HOST = "127.0.0.1"
KEYSTONE_PORT = 5000
GLANCE_PORT = 9292
CENTRAL_NEUTRON_PORT = 29696
TRICIRCLE_API_PORT = 20999
CENTRAL_REGION = "CentralRegion"
# Every database and RabbitMQ vhost of the lab starts with this, so the lab
# never touches anyone else's.
PREFIX = "lab_"


@dataclasses.dataclass(frozen=True)
class Region:
    name: str
    short: str          # r1, r2: used in service names
    az: str
    port_offset: int    # added to the standard port of each service
    cidr: str           # the demo tenant network's subnet

    def port(self, standard: int) -> int:
        return standard + self.port_offset

    @property
    def vhost(self) -> str:
        return f"{PREFIX}{self.short}"


REGIONS = (
    Region("RegionOne", "r1", "az1", 0, "10.0.1.0/24"),
    Region("RegionTwo", "r2", "az2", 10000, "10.0.2.0/24"),
)
CENTRAL_VHOST = f"{PREFIX}central"


def _xdg(variable: str, default: str) -> Path:
    return Path(os.environ.get(variable) or Path.home() / default)


@dataclasses.dataclass(frozen=True)
class Layout:
    home: Path      # state: etc/, logs/, run/, data/
    cache: Path     # venvs keyed by the pins

    @classmethod
    def default(cls) -> "Layout":
        home = os.environ.get("TRICIRCLE_LAB_HOME")
        return cls(home=Path(home) if home else _xdg("XDG_STATE_HOME", ".local/state")
                   / "tricircle-lab",
                   cache=_xdg("XDG_CACHE_HOME", ".cache") / "tricircle")

    @property
    def etc(self) -> Path:
        return self.home / "etc"

    @property
    def logs(self) -> Path:
        return self.home / "logs"

    @property
    def run(self) -> Path:
        return self.home / "run"

    @property
    def data(self) -> Path:
        return self.home / "data"

    @property
    def venv(self) -> Path:
        return self.cache / f"lab-venv-{venv_key()}"

    def bin(self, name: str) -> Path:
        return self.venv / "bin" / name

    def make_dirs(self) -> None:
        for path in (self.etc, self.logs, self.run, self.data, self.cache):
            path.mkdir(parents=True, exist_ok=True)


def requirements() -> list[str]:
    """What the lab venv holds: the services, and what Tricircle's server side needs."""
    lines = (LAB_FILES / "requirements.txt").read_text().splitlines()
    services = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    with open(SOURCE / "pyproject.toml", "rb") as pyproject:
        project = tomllib.load(pyproject)["project"]
    return services + project["dependencies"] + project["optional-dependencies"]["server"]


@functools.cache  # asked for every path into the venv; the files do not change meanwhile
def venv_key() -> str:
    """A short hash of everything that decides the venv's content."""
    if not CONSTRAINTS.exists() or not LAB_FILES.is_dir():
        raise LabError(f"{SOURCE} is not a Tricircle source tree with lab/ and "
                       "constraints.txt; run tricircle-lab from a clone (pip install -e).")
    digest = hashlib.sha256()
    digest.update(CONSTRAINTS.read_bytes())
    digest.update("\n".join(requirements()).encode())
    for path in sorted((LAB_FILES / "plugins").rglob("*")):
        if path.is_file() and "egg-info" not in str(path) and "__pycache__" not in str(path):
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def code_stamp() -> str:
    """A hash of Tricircle's own code: services running it restart when it changes."""
    digest = hashlib.sha256(str(SOURCE).encode())
    for path in sorted((SOURCE / "tricircle").rglob("*.py")):
        digest.update(str(path.relative_to(SOURCE)).encode() + path.read_bytes())
    return digest.hexdigest()[:12]
