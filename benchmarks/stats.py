"""Figures the benchmarks print: timed GETs, percentiles of latency samples and ratio
lines."""

import math
import statistics
import time
from pathlib import Path

import requests


def timed(http: requests.Session, url: str, count: int) -> list[float]:
    """Seconds each of ``count`` GETs of ``url`` took, one after the other; any answer
    but 200 stops the benchmark (a figure of failures would mean nothing)."""
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        response = http.get(url)
        samples.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"GET {url}: {response.status_code} {response.text[:200]}")
    return samples


def percentile(samples: list[float], fraction: float) -> float:
    """The nearest-rank percentile of ``samples`` (seconds) in ms: the smallest sample
    that at least ``fraction`` of the samples do not exceed."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1] * 1000


def percentiles(samples: list[float]) -> tuple[float, float]:
    """(p50, p95) in ms; p50 is the median."""
    return statistics.median(samples) * 1000, percentile(samples, 0.95)


def ratio_line(label: str, measured: list[float], baseline: list[float], target: float,
               baseline_name: str = "direct") -> str:
    m50, m95 = percentiles(measured)
    b50, b95 = percentiles(baseline)
    ratio = m50 / b50
    verdict = "ok" if ratio <= target else "OVER TARGET"
    return (f"{label:38} gateway p50 {m50:7.2f} p95 {m95:7.2f} | {baseline_name} p50 "
            f"{b50:7.2f} p95 {b95:7.2f} | ratio {ratio:4.2f} (target <= {target:.2f}: "
            f"{verdict})")


def rss_mib(pids: list[int]) -> float:
    """The resident memory of ``pids`` together, in MiB (those gone count 0)."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            continue
    return total / 1024
