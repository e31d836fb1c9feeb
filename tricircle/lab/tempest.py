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
import statistics
import struct
import subprocess
import zlib
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
            if net.name != side.public_network:
                network.update_network(net, name=side.public_network)
                say(f"renamed network {net.name} to {side.public_network} in "
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


# --- subunit v2 -----------------------------------------------------------------

# The low three bits of a packet's flags.
_STATUSES = {0: None, 1: "exists", 2: "inprogress", 3: "success", 4: "uxsuccess",
             5: "skip", 6: "fail", 7: "xfail"}
_FINAL = {"success", "uxsuccess", "skip", "fail", "xfail"}
_FLAG_TEST_ID, _FLAG_ROUTE_CODE, _FLAG_TIMESTAMP = 0x0800, 0x0400, 0x0200
_FLAG_TAGS, _FLAG_FILE_CONTENT, _FLAG_MIME_TYPE = 0x0080, 0x0040, 0x0020


@dataclasses.dataclass
class TestResult:
    """One test of a subunit stream: its final status, times and attachments."""
    test_id: str
    status: str | None = None
    started: float | None = None    # epoch seconds
    stopped: float | None = None
    attachments: dict[str, bytes] = dataclasses.field(default_factory=dict)

    @property
    def duration(self) -> float | None:
        if self.started is None or self.stopped is None:
            return None
        return self.stopped - self.started

    def error_line(self, width: int = 300) -> str:
        """The exception that ended the test, on one line (empty when none)."""
        text = self.attachments.get("traceback", b"").decode(errors="replace")
        return error_summary(text, width) if text else ""


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    # The top two bits of the first byte say how many bytes follow.
    first = data[pos]
    extra = first >> 6
    value = first & 0x3F
    for byte in data[pos + 1:pos + 1 + extra]:
        value = (value << 8) | byte
    return value, pos + 1 + extra


def _utf8(data: bytes, pos: int) -> tuple[str, int]:
    length, pos = _varint(data, pos)
    return data[pos:pos + length].decode("utf-8", errors="replace"), pos + length


def parse_subunit(data: bytes) -> dict[str, TestResult]:
    """Per test id, what a subunit v2 stream says about it.

    A test's duration runs from its `inprogress` event to its final one.
    Bytes that are not a packet with a good checksum (stray output) are
    skipped up to the next packet signature.
    """
    results: dict[str, TestResult] = {}
    pos = 0
    while True:
        pos = data.find(b"\xb3", pos)
        if pos < 0 or pos + 4 > len(data):
            return results
        length, body = _varint(data, pos + 3)
        packet = data[pos:pos + length]
        if (length < 8 or len(packet) < length or data[pos + 1] >> 4 != 2
                or struct.unpack(">I", packet[-4:])[0] != zlib.crc32(packet[:-4])):
            pos += 1
            continue
        _packet(packet[:-4], body - pos, results)
        pos += length


def _packet(packet: bytes, pos: int, results: dict[str, TestResult]) -> None:
    flags = struct.unpack(">H", packet[1:3])[0]
    timestamp = test_id = file_name = None
    content = b""
    if flags & _FLAG_TIMESTAMP:
        seconds = struct.unpack(">I", packet[pos:pos + 4])[0]
        nanos, pos = _varint(packet, pos + 4)
        timestamp = seconds + nanos / 1e9
    if flags & _FLAG_TEST_ID:
        test_id, pos = _utf8(packet, pos)
    if flags & _FLAG_TAGS:
        count, pos = _varint(packet, pos)
        for _ in range(count):
            _, pos = _utf8(packet, pos)
    if flags & _FLAG_MIME_TYPE:
        _, pos = _utf8(packet, pos)
    if flags & _FLAG_FILE_CONTENT:
        file_name, pos = _utf8(packet, pos)
        size, pos = _varint(packet, pos)
        content = packet[pos:pos + size]
    if test_id is None:
        return
    status = _STATUSES[flags & 0x07]
    if status == "exists":  # a listing, not a run
        return
    result = results.setdefault(test_id, TestResult(test_id))
    if file_name is not None:
        # Attachments arrive in chunks; the chunks of one name are joined.
        result.attachments[file_name] = result.attachments.get(file_name, b"") + content
    if status == "inprogress":
        result.started = timestamp
    elif status in _FINAL:
        result.status, result.stopped = status, timestamp


def error_summary(traceback: str, width: int = 220) -> str:
    """The last exception of a Python traceback, on one line, cut to ``width``."""
    lines = traceback.rstrip().splitlines()
    frames = [i for i, line in enumerate(lines) if line.startswith("  File ")]
    # After the last frame: its source line (indented), then the exception.
    tail = lines[frames[-1] + 1:] if frames else lines
    tail = [line.strip() for line in tail if line.strip() and not line.startswith("    ")]
    summary = " ".join(tail) or (lines[-1].strip() if lines else "")
    return summary if len(summary) <= width else summary[:width - 3] + "..."


# --- figures ----------------------------------------------------------------------

PASSED = {"success", "xfail"}
FAILED = {"fail", "uxsuccess"}


def counts(results: Mapping[str, TestResult]) -> dict[str, int]:
    """run / passed / failed / skipped of a run (run: every test with an outcome)."""
    statuses = [r.status for r in results.values() if r.status in _FINAL]
    return {"run": len(statuses),
            "passed": sum(s in PASSED for s in statuses),
            "failed": sum(s in FAILED for s in statuses),
            "skipped": sum(s == "skip" for s in statuses)}


def duration_ratios(central: Mapping[str, TestResult],
                    direct: Mapping[str, TestResult]) -> dict[str, float]:
    """Per test that passed on both sides: its central duration / its direct one."""
    ratios = {}
    for test_id, c in central.items():
        d = direct.get(test_id)
        if (d is None or c.status not in PASSED or d.status not in PASSED
                or c.duration is None or not d.duration):
            continue  # a zero direct duration says nothing about a ratio
        ratios[test_id] = c.duration / d.duration
    return ratios


def ratio_figures(central: Mapping[str, TestResult], direct: Mapping[str, TestResult],
                  top: int = 10) -> dict:
    """Median of the per-test ratios, and the ``top`` tests with the biggest ratio."""
    ratios = duration_ratios(central, direct)
    biggest = sorted(ratios.items(), key=lambda item: item[1], reverse=True)[:top]
    return {
        "tests": len(ratios),
        "median": statistics.median(ratios.values()) if ratios else None,
        "top": [{"test": test_id, "ratio": ratio, "central_s": central[test_id].duration,
                 "direct_s": direct[test_id].duration} for test_id, ratio in biggest],
    }


def gate(failures: Iterable[str], expected: Iterable[str]) -> tuple[list[str], list[str]]:
    """(failures no expected regex matches, expected regexes no failure matched).

    A failure is a test id, or the class fixture tempest reports as
    ``setUpClass (tempest.api....Class)``; a regex is searched in it.
    """
    patterns = {regex: re.compile(regex) for regex in expected}
    used: set[str] = set()
    unexpected = []
    for test_id in sorted(failures):
        matched = [regex for regex, pattern in patterns.items() if pattern.search(test_id)]
        used.update(matched)
        if not matched:
            unexpected.append(test_id)
    return unexpected, [regex for regex in patterns if regex not in used]


# --- the lab's logs -----------------------------------------------------------------

# "timed out" in any case, and the names timeouts go by (ReadTimeout,
# TimeoutError, "Gateway Timeout", TIMEOUT); not the word in code a traceback
# quotes ("run_iter(timeout=timeout)"), which is no timeout at all.
TIMEOUT = re.compile(r"(?i:timed out)|[A-Za-z]*Timeout|TIMEOUT")


def log_sizes(logs: Path) -> dict[str, int]:
    """Size of every log file now: where lines written later begin."""
    return {path.name: path.stat().st_size for path in sorted(logs.glob("*.log"))}


def count_timeouts(logs: Path, before: Mapping[str, int]) -> dict[str, int]:
    """Per log file, lines mentioning a timeout written since ``before``.

    A file new since then is read whole; one that shrank (rotated or
    truncated) is read from its start.
    """
    found = {}
    for path in sorted(logs.glob("*.log")):
        offset = before.get(path.name, 0)
        with open(path, "rb") as log:
            log.seek(0, os.SEEK_END)
            if log.tell() < offset:
                offset = 0
            log.seek(offset)
            text = log.read().decode(errors="replace")
        hits = sum(1 for line in text.splitlines() if TIMEOUT.search(line))
        if hits:
            found[path.name] = hits
    return found
