"""What a tempest run leaves behind, read without tempest: its subunit v2 results
(python-subunit lives in the tempest venv only), the figures and the CI gate
made of them, and the timeouts the lab's services logged meanwhile. Pure
functions, tested in tests/unit/lab/test_tempest.py; tricircle/lab/tempest.py
runs tempest, benchmarks/tempest_walltime.py reports.
"""

import dataclasses
import os
import re
import statistics
import struct
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path

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


def split_by_direct(unexpected: Iterable[str], failed_directly: Iterable[str]
                    ) -> tuple[list[str], list[str]]:
    """(the gateway's: failed through CentralRegion only, the lab's: failed directly
    too). A test that fails against RegionOne itself in the same run is no
    failure of the gateway; its place is a line of exclude.txt."""
    direct = set(failed_directly)
    listed = sorted(unexpected)
    return ([t for t in listed if t not in direct], [t for t in listed if t in direct])


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
