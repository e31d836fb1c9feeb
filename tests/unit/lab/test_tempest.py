"""The parts of tricircle/lab/tempest.py that need no lab: tempest.conf
rendering, the selection, subunit v2 parsing, the ratios, log counting."""

import configparser
import os
import struct
import zlib

import pytest

from tricircle.lab import tempest, tempest_results
from tricircle.lab.layout import Layout


def facts(tmp_path, **changes) -> tempest.Facts:
    values = dict(side="central", region="CentralRegion", placement_region="RegionOne",
                  keystone_url="http://127.0.0.1:5000/v3", admin_password="s3cret",
                  image_ref="img-1", image_ref_alt="img-2", flavor_ref="1", flavor_ref_alt="12",
                  public_network_id="net-pub", public_network_name="tempest-public",
                  network_extensions=("port-security", "router"),
                  workspace=tmp_path / "tempest-central")
    values.update(changes)
    return tempest.Facts(**values)


def parsed(text: str) -> configparser.ConfigParser:
    conf = configparser.ConfigParser(interpolation=None)
    conf.read_string(text)
    return conf


# --- tempest.conf ---------------------------------------------------------------

def test_the_conf_points_every_client_at_the_side_and_names_the_lab_facts(tmp_path):
    conf = parsed(tempest.render_conf(facts(tmp_path)))
    for section in ("identity", "compute", "network", "image", "volume"):
        assert conf[section]["region"] == "CentralRegion"
    # CentralRegion has no placement endpoint: RegionOne's is used.
    assert conf["placement"]["region"] == "RegionOne"
    assert conf["identity"]["uri_v3"] == "http://127.0.0.1:5000/v3"
    assert conf["auth"]["admin_password"] == "s3cret"
    assert conf["auth"]["use_dynamic_credentials"] == "true"
    assert (conf["compute"]["image_ref"], conf["compute"]["image_ref_alt"]) == ("img-1", "img-2")
    assert (conf["compute"]["flavor_ref"], conf["compute"]["flavor_ref_alt"]) == ("1", "12")
    assert conf["compute"]["fixed_network_name"] == ""
    assert conf["network"]["public_network_id"] == "net-pub"
    assert conf["network"]["floating_network_name"] == "tempest-public"
    assert conf["network-feature-enabled"]["api_extensions"] == "port-security,router"
    assert conf["volume"]["catalog_type"] == "block-storage"
    assert conf["DEFAULT"]["log_file"] == str(tmp_path / "tempest-central" / "tempest.log")


def test_the_conf_disables_what_the_fake_drivers_cannot_do(tmp_path):
    conf = parsed(tempest.render_conf(facts(tmp_path)))
    features = conf["compute-feature-enabled"]
    for flag in ("snapshot", "console_output", "cold_migration", "live_migration"):
        assert features[flag] == "false"
    assert features["resize"] == "true"
    assert conf["volume-feature-enabled"]["backup"] == "false"
    assert conf["validation"]["run_validation"] == "false"
    assert conf["service_available"]["swift"] == "false"
    assert conf["volume"]["storage_protocol"] == "fake"


def test_the_direct_side_differs_only_in_its_facts(tmp_path):
    central = tempest.conf_sections(facts(tmp_path))
    direct = tempest.conf_sections(facts(tmp_path, side="direct", region="RegionOne",
                                         workspace=tmp_path / "tempest-r1"))
    assert direct["compute"]["region"] == direct["volume"]["region"] == "RegionOne"
    assert set(central) == set(direct)
    assert central["compute-feature-enabled"] == direct["compute-feature-enabled"]


def test_the_sides_use_distinct_physnets_and_public_ranges():
    central, direct = tempest.SIDES["central"], tempest.SIDES["direct"]
    assert central.region == "CentralRegion" and direct.region == "RegionOne"
    assert central.physnet != direct.physnet
    assert central.public_cidr != direct.public_cidr
    # RegionOne's Neutron holds a copy of central's once used: Nova finds its
    # floating IP pools by name, so a shared name would be two pools.
    assert central.public_network != direct.public_network
    assert central.workspace == "tempest-central" and direct.workspace == "tempest-r1"


def test_the_workspace_holds_a_private_conf_and_points_stestr_into_the_venv(tmp_path):
    venv = tmp_path / "venv"
    (venv / "lib" / "python3.11" / "site-packages" / "tempest").mkdir(parents=True)
    side = facts(tmp_path)
    (side.workspace / ".stestr").mkdir(parents=True)  # stestr init already done
    conf = tempest.write_workspace(side, venv)
    assert conf == side.workspace / "etc" / "tempest.conf"
    assert conf.stat().st_mode & 0o077 == 0
    stestr = (side.workspace / ".stestr.conf").read_text()
    site = venv / "lib" / "python3.11" / "site-packages"
    assert f"test_path={site / 'tempest' / 'test_discover'}" in stestr
    assert f"top_dir={site}" in stestr


def test_the_venv_is_keyed_by_the_pins(tmp_path):
    pins = tmp_path / "pins.txt"
    pins.write_text("tempest==47.0.0\n")
    first = tempest.venv_key(pins)
    pins.write_text("tempest==47.0.0\nstestr==4.2.1\n")
    assert tempest.venv_key(pins) != first
    layout = Layout(home=tmp_path / "lab", cache=tmp_path / "cache")
    assert tempest.venv_path(layout).parent == tmp_path / "cache"
    assert tempest.venv_path(layout).name == f"tempest-venv-{tempest.venv_key()}"


# --- the selection --------------------------------------------------------------------

IDS = ["tempest.api.compute.servers.test_a.A.test_one[id-1,smoke]",
       "tempest.api.compute.admin.test_h.HypervisorAdminTestJSON.test_get_hypervisor_uptime[id-2]",
       "tempest.api.volume.test_v.V.test_two[id-3]",
       "tempest.api.network.test_n.N.test_three[id-4]"]


def test_list_files_give_regexes_with_their_reasons(tmp_path):
    path = tmp_path / "exclude.txt"
    path.write_text("# a comment line\n\nHypervisorAdminTestJSON\\.test_get_hypervisor_uptime"
                    "  # FakeDriver has no uptime\n^tempest\\.api\\.volume\\.\n")
    assert tempest.read_patterns(path) == [
        ("HypervisorAdminTestJSON\\.test_get_hypervisor_uptime", "FakeDriver has no uptime"),
        ("^tempest\\.api\\.volume\\.", "")]


def test_a_bad_regex_in_a_list_file_fails_at_once(tmp_path):
    path = tmp_path / "exclude.txt"
    path.write_text("test_(unclosed  # oops\n")
    with pytest.raises(Exception, match="missing"):
        tempest.read_patterns(path)


def test_selection_includes_then_excludes_then_narrows():
    include = ["^tempest\\.api\\.compute\\.", "^tempest\\.api\\.volume\\."]
    exclude = ["test_get_hypervisor_uptime"]
    selected, excluded = tempest.select_tests(IDS, include, exclude)
    assert selected == [IDS[0], IDS[2]]
    assert excluded == [IDS[1]]
    selected, excluded = tempest.select_tests(IDS, include, exclude, narrow="compute")
    assert selected == [IDS[0]]
    assert excluded == [IDS[1]]
    assert tempest.select_tests(IDS, include, exclude, narrow="volume") == ([IDS[2]], [])


# --- subunit v2 ---------------------------------------------------------------------------

def varint(value: int) -> bytes:
    if value < 0x40:
        return bytes([value])
    if value < 0x4000:
        return struct.pack(">H", value | 0x4000)
    if value < 0x400000:
        return bytes([0x80 | value >> 16]) + struct.pack(">H", value & 0xFFFF)
    return struct.pack(">I", value | 0xC0000000)


def utf8(text: str) -> bytes:
    data = text.encode()
    return varint(len(data)) + data


STATUS = {"inprogress": 2, "success": 3, "uxsuccess": 4, "skip": 5, "fail": 6, "xfail": 7,
          "exists": 1, None: 0}


def packet(test_id: str, status: str | None, at: float | None = None,
           attachment: tuple[str, bytes] | None = None, tags: tuple[str, ...] = ()) -> bytes:
    """One subunit v2 packet, written from the protocol's description."""
    flags = 0x2000 | 0x0800 | STATUS[status]
    body = b""
    if at is not None:
        flags |= 0x0200
        seconds = int(at)
        body += struct.pack(">I", seconds) + varint(round((at - seconds) * 1e9))
    body += utf8(test_id)
    if tags:
        flags |= 0x0080
        body += varint(len(tags)) + b"".join(utf8(tag) for tag in tags)
    if attachment is not None:
        flags |= 0x0020 | 0x0040
        name, content = attachment
        body += utf8("text/plain;charset=utf8") + utf8(name) + varint(len(content)) + content
    # Total length counts signature, flags, the length field itself and the CRC.
    for size in (1, 2, 3):
        length = 1 + 2 + size + len(body) + 4
        if len(varint(length)) == size:
            break
    head = b"\xb3" + struct.pack(">H", flags) + varint(length)
    data = head + body
    return data + struct.pack(">I", zlib.crc32(data) & 0xFFFFFFFF)


TRACEBACK = b"""Traceback (most recent call last):
  File "/venv/tempest/api/compute/base.py", line 10, in wait
    raise lib_exc.TimeoutException(message)
tempest.lib.exceptions.TimeoutException: Request timed out
Details: (ServersTestJSON:setUp) Server abc failed to reach ACTIVE status within 120 s
"""


def stream() -> bytes:
    t0 = 1_700_000_000.0
    return b"".join([
        packet("t.pass", "inprogress", t0, tags=("worker-0",)),
        packet("t.pass", "success", t0 + 1.5, tags=("worker-0",)),
        b"stray output from a worker\n",
        packet("t.fail", "inprogress", t0 + 0.25),
        packet("t.fail", None, attachment=("traceback", TRACEBACK[:40])),
        packet("t.fail", None, attachment=("traceback", TRACEBACK[40:])),
        packet("t.fail", "fail", t0 + 3.75),
        packet("t.skip", "inprogress", t0 + 4),
        packet("t.skip", "skip", t0 + 4, attachment=("reason", b"validation disabled")),
        packet("t.listed", "exists"),
        packet("t.long" + "x" * 300, "inprogress", t0 + 5),  # a two-byte string length
        packet("t.long" + "x" * 300, "xfail", t0 + 5.5),
    ])


def test_subunit_gives_each_test_its_status_and_duration():
    results = tempest_results.parse_subunit(stream())
    assert set(results) == {"t.pass", "t.fail", "t.skip", "t.long" + "x" * 300}
    assert results["t.pass"].status == "success"
    assert results["t.pass"].duration == pytest.approx(1.5)
    assert results["t.fail"].status == "fail"
    assert results["t.fail"].duration == pytest.approx(3.5)
    assert results["t.skip"].status == "skip"
    assert results["t.skip"].attachments["reason"] == b"validation disabled"
    assert results["t.long" + "x" * 300].status == "xfail"


def test_attachment_chunks_are_joined_and_the_error_is_one_line():
    failed = tempest_results.parse_subunit(stream())["t.fail"]
    assert failed.attachments["traceback"] == TRACEBACK
    assert failed.error_line() == (
        "tempest.lib.exceptions.TimeoutException: Request timed out Details: "
        "(ServersTestJSON:setUp) Server abc failed to reach ACTIVE status within 120 s")
    assert tempest_results.parse_subunit(stream())["t.pass"].error_line() == ""


def test_a_packet_with_a_bad_checksum_is_skipped():
    good = packet("t.ok", "success", 10.0)
    bad = bytearray(packet("t.bad", "success", 10.0))
    bad[-1] ^= 0xFF
    results = tempest_results.parse_subunit(bytes(bad) + good)
    assert set(results) == {"t.ok"}
    assert results["t.ok"].duration is None  # no inprogress event


def test_a_truncated_stream_keeps_what_came_before():
    data = stream()
    results = tempest_results.parse_subunit(data + packet("t.cut", "success", 1.0)[:-6])
    assert "t.cut" not in results and results["t.pass"].status == "success"


def test_the_error_summary_takes_the_last_exception_of_a_chain():
    text = ("Traceback (most recent call last):\n  File \"a.py\", line 1, in f\n    g()\n"
            "KeyError: 'x'\n\nDuring handling of the above exception, another exception "
            "occurred:\n\nTraceback (most recent call last):\n  File \"b.py\", line 2, in h\n"
            "    raise Boom()\nBoom: it broke\n")
    assert tempest_results.error_summary(text) == "Boom: it broke"
    assert tempest_results.error_summary("x" * 500, width=20) == "x" * 17 + "..."


# --- figures --------------------------------------------------------------------------------

def result(test_id: str, status: str, seconds: float | None) -> tempest_results.TestResult:
    if seconds is None:
        return tempest_results.TestResult(test_id, status)
    return tempest_results.TestResult(test_id, status, started=100.0, stopped=100.0 + seconds)


def test_counts_of_a_run():
    results = {r.test_id: r for r in [
        result("a", "success", 1), result("b", "xfail", 1), result("c", "fail", 1),
        result("d", "uxsuccess", 1), result("e", "skip", 0), tempest_results.TestResult("f")]}
    assert tempest_results.counts(results) == {"run": 5, "passed": 2, "failed": 2, "skipped": 1}


def test_per_test_ratios_count_only_tests_passed_on_both_sides():
    central = {r.test_id: r for r in [
        result("a", "success", 3.0), result("b", "success", 1.0), result("c", "success", 4.0),
        result("d", "fail", 9.0), result("e", "success", 2.0), result("f", "success", 1.0)]}
    direct = {r.test_id: r for r in [
        result("a", "success", 1.0), result("b", "success", 1.0), result("c", "success", 2.0),
        result("d", "success", 1.0), result("e", "skip", 0.0), result("f", "success", 0.0)]}
    ratios = tempest_results.duration_ratios(central, direct)
    assert ratios == {"a": 3.0, "b": 1.0, "c": 2.0}
    figures = tempest_results.ratio_figures(central, direct, top=2)
    assert figures["tests"] == 3
    assert figures["median"] == 2.0
    assert [row["test"] for row in figures["top"]] == ["a", "c"]
    assert figures["top"][0] == {"test": "a", "ratio": 3.0, "central_s": 3.0, "direct_s": 1.0}


def test_no_common_passes_means_no_median():
    central = {"a": result("a", "fail", 1.0)}
    direct = {"a": result("a", "success", 1.0)}
    assert tempest_results.ratio_figures(central, direct) == {"tests": 0, "median": None, "top": []}


# --- the lab's logs -----------------------------------------------------------------------------

def test_timeouts_are_counted_in_lines_written_since_the_sizes_were_taken(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "nova-r1-api.log").write_text("old: Timeout waiting\nold: timed out\n")
    (logs / "rotated.log").write_text("x" * 500 + "\n")
    (logs / "notes.txt").write_text("timeout in a file that is not a log\n")
    before = tempest_results.log_sizes(logs)
    assert set(before) == {"nova-r1-api.log", "rotated.log"}
    with open(logs / "nova-r1-api.log", "a") as log:
        log.write("ERROR ... ReadTimeout: read timeout=60\n"
                  "request timed out\nTIMEOUT in capitals\nall fine\n"
                  "    for _state in self.run_iter(timeout=timeout):\n")
    (logs / "tricircle-api-app.log").write_text("gateway: RegionOne timed out\nok\n")
    (logs / "rotated.log").write_text("Timeout after rotation\n")  # shorter than before
    (logs / "quiet.log").write_text("nothing to see\n")
    assert tempest_results.count_timeouts(logs, before) == {
        "nova-r1-api.log": 3, "tricircle-api-app.log": 1, "rotated.log": 1}


def test_no_new_lines_no_timeouts(tmp_path):
    (tmp_path / "a.log").write_text("timed out before the run\n")
    before = tempest_results.log_sizes(tmp_path)
    assert tempest_results.count_timeouts(tmp_path, before) == {}
    os.truncate(tmp_path / "a.log", 0)
    assert tempest_results.count_timeouts(tmp_path, before) == {}


def test_the_gate_names_failures_no_expected_line_covers_and_stale_lines():
    failures = ["tempest.api.compute.admin.test_quotas.QuotasAdminTestJSON.test_delete_quota",
                "setUpClass (tempest.api.volume.admin.test_volume_quotas_negative.X)",
                "tempest.api.compute.servers.test_servers.ServersTestJSON.test_new_gap"]
    expected = [r"test_quotas\.QuotasAdminTestJSON", r"test_volume_quotas_negative\.",
                r"test_versions\.TestVersions"]
    unexpected, unused = tempest_results.gate(failures, expected)
    assert unexpected == [failures[2]]
    assert unused == [r"test_versions\.TestVersions"]
    assert tempest_results.gate([], expected) == ([], expected)


def test_a_failure_of_the_direct_side_too_is_the_labs_not_the_gateways():
    through_gateway = ["t.test_only_central", "t.test_both"]
    gateways, labs = tempest_results.split_by_direct(through_gateway,
                                                     ["t.test_both", "t.test_direct_only"])
    assert gateways == ["t.test_only_central"]
    assert labs == ["t.test_both"]
    assert tempest_results.split_by_direct(through_gateway, []) == (
        sorted(through_gateway), [])
