"""Figures the benchmarks print: timed GETs, percentiles of latency samples and ratio
lines."""

import math
import random
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


def ratio_interval(measured: list[float], baseline: list[float], coverage: float = 0.90,
                   rounds: int = 2000) -> tuple[float, float]:
    """Where the ratio of the two medians lies, ``coverage`` of the time, had the run
    drawn other samples of the same machine: a bootstrap (each list resampled with
    replacement ``rounds`` times; a fixed seed, so a figure printed twice is the same).

    A p50 of 12 to 30 samples moves by several percent between runs; the interval
    says whether a ratio near its target is over it or only noise."""
    draw = random.Random(18)
    ratios = sorted(
        statistics.median(draw.choices(measured, k=len(measured)))
        / statistics.median(draw.choices(baseline, k=len(baseline)))
        for _ in range(rounds))
    tail = (1 - coverage) / 2
    return ratios[int(tail * rounds)], ratios[min(rounds - 1, int((1 - tail) * rounds))]


def verdict(measured: list[float], baseline: list[float], target: float) -> str:
    """The p50 ratio, its 90 % interval, and what the interval says of the target:
    met (all of it within), over (all of it beyond) or undecided by this run."""
    ratio = statistics.median(measured) / statistics.median(baseline)
    low, high = ratio_interval(measured, baseline)
    if high <= target:
        said = "met"
    elif low > target:
        said = "OVER TARGET"
    else:
        said = "within the noise of it: " + ("ok" if ratio <= target else "over")
    return f"ratio {ratio:4.2f} (90 % {low:4.2f}-{high:4.2f}; target <= {target:.2f}: {said})"


def ratio_line(label: str, measured: list[float], baseline: list[float], target: float,
               baseline_name: str = "direct") -> str:
    m50, m95 = percentiles(measured)
    b50, b95 = percentiles(baseline)
    return (f"{label:38} gateway p50 {m50:7.2f} p95 {m95:7.2f} | {baseline_name} p50 "
            f"{b50:7.2f} p95 {b95:7.2f} | {verdict(measured, baseline, target)}")


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
