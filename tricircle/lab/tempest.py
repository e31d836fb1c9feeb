"""Upstream tempest against the lab: its venv, the resources it needs, a
tempest.conf per side, and what a run leaves behind (subunit results, lines
in the lab's logs).

A *side* is where tempest's compute, volume and network clients point:
``central`` is CentralRegion (compute and volume = tricircle-api's gateway,
network = central Neutron), ``direct`` is RegionOne's own services.
benchmarks/tempest_walltime.py runs both and compares them. Everything that
needs no lab (rendering, selection, subunit parsing, log counting, ratios) is
a pure function, tested in tests/unit/lab/test_tempest.py.
"""

import dataclasses
import hashlib
import os
import re
import subprocess
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from tricircle.lab import LabError
from tricircle.lab.layout import CENTRAL_REGION, LAB_FILES, REGIONS, SOURCE, Layout
from tricircle.lab.venv import ensure_pinned, run_logged

REQUIREMENTS = LAB_FILES / "tempest-requirements.txt"
_COMPLETE = ".tempest-complete"

# What the lab seeds (tricircle/lab/catalog.py) and what this module adds so
# tempest has an alternative image and flavor and a public network.
IMAGE = "tiny"
ALT_IMAGE = "tiny-alt"
FLAVOR = "m1.tiny"
# (id, name, vcpus, ram MB, disk GB): one id in every region, so the gateway's
# flavor (read from its default region) boots wherever a server lands.
ALT_FLAVOR = ("12", "m1.tiny-alt", 1, 192, 1)
PUBLIC_NETWORK = "tempest-public"

Say = Callable[[str], None]


@dataclasses.dataclass(frozen=True)
class Side:
    """One target of a run: where each tempest client points."""
    name: str               # central / direct
    region: str             # compute, volume, network, image and identity
    placement_region: str   # CentralRegion has no placement endpoint
    workspace: str          # folder under the lab's state dir
    # The public network tempest gets on this side: a flat external network of
    # the side's own Neutron, each on its own physnet, since a central flat
    # network copied into a region must not collide with the region's own.
    physnet: str
    public_cidr: str
    # Its name: RegionOne's Neutron also holds a copy of central's public network
    # once the central side has used it, and Nova's floating IP pools are found by
    # name, so the two must not share one.
    public_network: str

    def workspace_dir(self, layout: Layout) -> Path:
        return layout.home / self.workspace


SIDES = {
    "central": Side("central", CENTRAL_REGION, REGIONS[0].name, "tempest-central",
                    "public-central", "172.24.8.0/24", PUBLIC_NETWORK),
    "direct": Side("direct", REGIONS[0].name, REGIONS[0].name, "tempest-r1",
                   "public-r1", "172.24.4.0/24", f"{PUBLIC_NETWORK}-r1"),
}


# --- the venv ---------------------------------------------------------------

def venv_key(requirements: Path = REQUIREMENTS) -> str:
    """A short hash of the pins: a changed pin builds a new venv."""
    return hashlib.sha256(requirements.read_bytes()).hexdigest()[:12]


def venv_path(layout: Layout) -> Path:
    """Where the tempest venv of these pins lives (shared by every clone)."""
    return layout.cache / f"tempest-venv-{venv_key()}"


def ensure_venv(layout: Layout, say: Say) -> Path:
    """Build the tempest venv from PyPI unless a complete one is cached; its path."""
    return ensure_pinned(venv_path(layout), REQUIREMENTS, say, "tempest", _COMPLETE)


PLUGIN = SOURCE / "tempest_plugin"


def install_plugin(venv: Path, say: Say) -> None:
    """Install this clone's tempest plugin into the venv (again each time: it is tiny)."""
    log = venv.parent / f"{venv.name}.plugin.log"
    run_logged([str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check",
                "install", "--no-deps", "--force-reinstall", str(PLUGIN)], log,
               "the tempest plugin")
    say(f"tempest plugin installed from {PLUGIN}")


def site_packages(venv: Path) -> Path:
    """The venv's site-packages: .stestr.conf points into tempest there."""
    found = sorted(venv.glob("lib/python3*/site-packages/tempest"))
    if not found:
        raise LabError(f"{venv} holds no tempest package; remove it to rebuild")
    return found[-1].parent


# --- what tempest needs in the lab --------------------------------------------

def ensure_resources(passwords: Mapping[str, str], say: Say) -> None:
    """Create, once, what the lab's seed lacks for tempest (admin, idempotent).

    An alternative image (Glance is shared by every region), the alternative
    flavor in every region with one id (CentralRegion's flavors are the
    default region's, and a server may land in any region), and a public
    network for each side in that side's Neutron.
    """
    from tricircle.lab import catalog  # openstacksdk: only when a lab is used

    admin = catalog.admin_connection(dict(passwords))
    if admin.image.find_image(ALT_IMAGE, ignore_missing=True) is None:
        # Raw zeros: the only format the fake virt driver accepts.
        admin.image.create_image(name=ALT_IMAGE, disk_format="raw", container_format="bare",
                                 visibility="public", data=b"\0" * (1024 * 1024))
        say(f"created image {ALT_IMAGE}")
    flavor_id, name, vcpus, ram, disk = ALT_FLAVOR
    for region in REGIONS:
        compute = catalog.admin_connection(dict(passwords), region.name).compute
        if compute.find_flavor(flavor_id, ignore_missing=True) is None:
            compute.create_flavor(id=flavor_id, name=name, vcpus=vcpus, ram=ram, disk=disk)
            say(f"created flavor {name} (id {flavor_id}) in {region.name}")
    for side in SIDES.values():
        network = catalog.admin_connection(dict(passwords), side.region).network
        net = _public_network(network, side, say)
        if net is None:
            net = network.create_network(
                name=side.public_network, is_router_external=True,
                provider_network_type="flat", provider_physical_network=side.physnet)
            say(f"created network {side.public_network} in {side.region}'s Neutron")
        if not list(network.subnets(network_id=net.id)):
            network.create_subnet(network_id=net.id, name=f"{side.public_network}-subnet",
                                  ip_version=4, cidr=side.public_cidr, is_dhcp_enabled=False)


def _public_network(network, side: Side, say: Say):
    """The side's public network, by its physnet (one flat network per physnet):
    renamed to the side's name if an earlier lab gave it the shared one."""
    for net in network.networks(is_router_external=True):
        if net.provider_physical_network == side.physnet:
            old_name = net.name
            if old_name != side.public_network:
                network.update_network(net, name=side.public_network)
                say(f"renamed network {old_name} to {side.public_network} in "
                    f"{side.region}'s Neutron")
            return net
    return None


@dataclasses.dataclass(frozen=True)
class Facts:
    """Everything tempest.conf says about one side of the running lab."""
    side: str
    region: str
    placement_region: str
    keystone_url: str       # .../v3
    admin_password: str
    image_ref: str
    image_ref_alt: str
    flavor_ref: str
    flavor_ref_alt: str
    public_network_id: str
    public_network_name: str
    network_extensions: tuple[str, ...]
    workspace: Path


def gather_facts(layout: Layout, side: Side, passwords: Mapping[str, str]) -> Facts:
    """Read one side's facts through that side's own endpoints.

    Flavors and images are looked up through the side's compute endpoint (for
    CentralRegion: the gateway), so what tempest is told exists is what that
    endpoint shows.
    """
    from tricircle.lab import catalog, services

    conn = catalog.admin_connection(dict(passwords), side.region)
    images = {}
    for name in (IMAGE, ALT_IMAGE):
        image = conn.image.find_image(name, ignore_missing=True)
        if image is None:
            raise LabError(f"image {name!r} is missing; run `tricircle-lab up`")
        images[name] = image.id
    flavors = {}
    for name in (FLAVOR, ALT_FLAVOR[1]):
        flavor = conn.compute.find_flavor(name, ignore_missing=True)
        if flavor is None:
            raise LabError(f"flavor {name!r} is not visible through {side.region}'s compute")
        flavors[name] = flavor.id
    public = conn.network.find_network(side.public_network, ignore_missing=True)
    if public is None:
        raise LabError(f"network {side.public_network!r} is missing in {side.region}")
    extensions = tuple(sorted(ext.alias for ext in conn.network.extensions()))
    return Facts(side=side.name, region=side.region, placement_region=side.placement_region,
                 keystone_url=f"{services.KEYSTONE_URL}/v3",
                 admin_password=passwords["admin"],
                 image_ref=images[IMAGE], image_ref_alt=images[ALT_IMAGE],
                 flavor_ref=flavors[FLAVOR], flavor_ref_alt=flavors[ALT_FLAVOR[1]],
                 public_network_id=public.id, public_network_name=side.public_network,
                 network_extensions=extensions, workspace=side.workspace_dir(layout))


# --- tempest.conf -------------------------------------------------------------

def conf_sections(facts: Facts) -> dict[str, dict[str, str]]:
    """tempest.conf of one side, as sections of options.

    The feature flags say what the lab's fake drivers cannot do, so tempest
    skips those tests itself: Nova's FakeDriver uploads no snapshot data and
    has no console, the lab has one compute host per region (no migration), no
    guest to reach (no validation), no Cinder backup service, no Swift or Heat.
    """
    region = facts.region
    return {
        "DEFAULT": {"log_file": str(facts.workspace / "tempest.log"), "debug": "false"},
        "auth": {
            "admin_username": "admin", "admin_password": facts.admin_password,
            "admin_project_name": "admin", "admin_domain_name": "Default",
            "use_dynamic_credentials": "true", "create_isolated_networks": "true",
        },
        "identity": {"uri_v3": facts.keystone_url, "auth_version": "v3", "region": region,
                     "v3_endpoint_type": "public"},
        "identity-feature-enabled": {"api_v2": "false", "api_v2_admin": "false",
                                     "security_compliance": "false"},
        # Every service of the lab enforces scopes and the new policy defaults.
        "enforce_scope": {name: "true" for name in
                          ("nova", "neutron", "glance", "cinder", "keystone", "placement")},
        "compute": {
            "region": region, "image_ref": facts.image_ref,
            "image_ref_alt": facts.image_ref_alt, "flavor_ref": facts.flavor_ref,
            "flavor_ref_alt": facts.flavor_ref_alt, "build_timeout": "120",
            "min_microversion": "2.1", "max_microversion": "latest",
            "fixed_network_name": "",
        },
        "compute-feature-enabled": {
            "console_output": "false", "vnc_console": "false", "spice_console": "false",
            "serial_console": "false", "snapshot": "false", "change_password": "false",
            "cold_migration": "false", "live_migration": "false",
            "attach_encrypted_volume": "false", "config_drive": "false",
            "personality": "false", "metadata_service": "false",
            "resize": "true", "rescue": "true", "suspend": "true", "pause": "true",
            "shelve": "true", "interface_attach": "true",
        },
        "network": {
            "region": region, "project_network_cidr": "10.100.0.0/16",
            "project_network_mask_bits": "28", "public_network_id": facts.public_network_id,
            "floating_network_name": facts.public_network_name, "build_timeout": "60",
        },
        "network-feature-enabled": {
            "api_extensions": ",".join(facts.network_extensions), "ipv6": "true",
            "ipv6_subnet_attributes": "true", "port_security": "true", "floating_ips": "true",
        },
        "image": {"region": region, "build_timeout": "60"},
        "image-feature-enabled": {"api_v2": "true", "import_image": "false"},
        # The lab registers Cinder as block-storage; its fake backend reports
        # protocol "fake" (volume-type tests match extra specs against it).
        "volume": {"region": region, "catalog_type": "block-storage", "build_timeout": "120",
                   "min_microversion": "3.0", "max_microversion": "latest",
                   "storage_protocol": "fake"},
        "volume-feature-enabled": {"backup": "false", "snapshot": "true"},
        "placement": {"region": facts.placement_region},
        "validation": {"run_validation": "false"},
        "service_available": {"nova": "true", "neutron": "true", "cinder": "true",
                              "glance": "true", "swift": "false", "horizon": "false",
                              "heat": "false", "tricircle": "true"},
        # Our plugin (tempest_plugin/): the lab registers the admin API under
        # the alias, which tempest's catalog lookup must be given exactly.
        "tricircle": {"catalog_type": "tricircle", "region": CENTRAL_REGION,
                      "regions": ",".join(f"{r.az}:{r.name}" for r in REGIONS)},
    }


def render_conf(facts: Facts) -> str:
    """tempest.conf text of one side."""
    lines = [f"# tempest.conf of side {facts.side} ({facts.region}), "
             "written by tricircle/lab/tempest.py; rewritten on every run"]
    for section, options in conf_sections(facts).items():
        lines.append(f"\n[{section}]")
        lines += [f"{key} = {value}" if value else f"{key} =" for key, value in options.items()]
    return "\n".join(lines) + "\n"


def write_workspace(facts: Facts, venv: Path) -> Path:
    """The side's workspace: etc/tempest.conf and .stestr.conf; the conf's path.

    No `tempest init`: it registers workspaces in ~/.tempest, which a second
    init of the same name refuses; `tempest run --config-file` needs only these.
    """
    workspace = facts.workspace
    (workspace / "etc").mkdir(parents=True, exist_ok=True)
    conf = workspace / "etc" / "tempest.conf"
    conf.write_text(render_conf(facts))
    conf.chmod(0o600)  # it holds the admin password
    top = site_packages(venv)
    (workspace / ".stestr.conf").write_text(
        f"[DEFAULT]\ntest_path={top / 'tempest' / 'test_discover'}\ntop_dir={top}\n"
        # One class per worker: tempest's classes share resources set up once.
        "group_regex=([^\\.]*\\.)*\n")
    if not (workspace / ".stestr").is_dir():
        # stestr's repository of runs; even listing tests wants one.
        subprocess.run([str(venv / "bin" / "stestr"), "init"], cwd=workspace,
                       capture_output=True, check=True)
    return conf


# --- the selection ------------------------------------------------------------

def read_patterns(path: Path) -> list[tuple[str, str]]:
    """(regex, reason) of each line of a list file: `regex  # reason`."""
    patterns = []
    for line in path.read_text().splitlines():
        regex, _, reason = line.partition("#")
        if regex.strip():
            re.compile(regex.strip())  # a typo fails here, not silently later
            patterns.append((regex.strip(), reason.strip()))
    return patterns


def select_tests(test_ids: Iterable[str], include: Iterable[str], exclude: Iterable[str],
                 narrow: str | None = None) -> tuple[list[str], list[str]]:
    """(selected, excluded): ids matching an include regex and no exclude regex.

    ``narrow`` (the benchmark's --regex) must match too; excluded counts only
    tests it would have selected.
    """
    includes = [re.compile(p) for p in include]
    excludes = [re.compile(p) for p in exclude]
    narrowing = re.compile(narrow) if narrow else None
    selected, excluded = [], []
    for test_id in test_ids:
        if not any(p.search(test_id) for p in includes):
            continue
        if narrowing is not None and not narrowing.search(test_id):
            continue
        (excluded if any(p.search(test_id) for p in excludes) else selected).append(test_id)
    return selected, excluded


def list_tests(venv: Path, conf: Path, regex: str, prefix: str = "tempest.") -> list[str]:
    """Every test id tempest discovers that matches ``regex`` (ids start with ``prefix``:
    upstream's, or a plugin's package)."""
    result = subprocess.run(
        [str(venv / "bin" / "tempest"), "run", "--config-file", str(conf), "--list-tests",
         "--regex", regex], cwd=conf.parent.parent, capture_output=True, text=True)
    if result.returncode != 0:
        raise LabError(f"tempest --list-tests failed:\n{result.stdout[-1500:]}"
                       f"{result.stderr[-1500:]}")
    return [line.strip() for line in result.stdout.splitlines()
            if line.strip().startswith(prefix)]


def run_tests(venv: Path, conf: Path, test_ids: list[str], concurrency: int) -> Path:
    """Run ``test_ids`` in the conf's workspace; the subunit stream of the run.

    Output goes to tempest-run.log in the workspace (tail it to follow a run);
    the results are stestr's record of the run, as results.subunit.
    """
    workspace = conf.parent.parent
    load_list = workspace / "selection.txt"
    load_list.write_text("\n".join(test_ids) + "\n")
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    with open(workspace / "tempest-run.log", "w") as log:
        subprocess.run([str(venv / "bin" / "tempest"), "run", "--config-file", str(conf),
                        "--load-list", str(load_list), "--concurrency", str(concurrency)],
                       cwd=workspace, stdout=log, stderr=subprocess.STDOUT, env=env)
    results = workspace / "results.subunit"
    with open(results, "wb") as stream:
        subprocess.run([str(venv / "bin" / "stestr"), "last", "--subunit"], cwd=workspace,
                       stdout=stream, stderr=subprocess.DEVNULL)
    if results.stat().st_size == 0:
        raise LabError(f"tempest left no results; see {workspace / 'tempest-run.log'}")
    return results
