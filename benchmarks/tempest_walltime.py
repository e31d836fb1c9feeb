"""Upstream tempest's compute and volume API tests against the real lab, through
CentralRegion and directly against RegionOne, in one run: how much longer the
same tests take through Tricircle, and what fails only there.

    .venv/bin/tricircle-lab up
    .venv/bin/python benchmarks/tempest_walltime.py                  # both sides, ~50 min
    .venv/bin/python benchmarks/tempest_walltime.py --regex test_list_flavors --side central
    .venv/bin/python benchmarks/tempest_walltime.py --json figures.json
    .venv/bin/python benchmarks/tempest_walltime.py --report-only    # figures of the last run again
    .venv/bin/python benchmarks/tempest_walltime.py --concurrency 4 \
        --only benchmarks/tempest/ci.txt --gate benchmarks/tempest/expected-failures.txt
                                               # what CI runs (tools/test.sh), ~12 min

Central: compute and volume are tricircle-api's gateway, network is central
Neutron. Direct: RegionOne's Nova, Cinder and Neutron. The selection is
benchmarks/tempest/selection.txt minus benchmarks/tempest/exclude.txt (lab
limits, one reason a line), the same test ids on both sides, run with
--concurrency 2 (direct first, then central). Printed per side: tests
run/passed/failed/skipped, wall time, lines mentioning a timeout that the
lab's services logged during that side's run; then the wall-time ratio
central/direct, the median of per-test duration ratios over tests that passed
on both sides with the 10 biggest, and the tests that failed only through
CentralRegion with their error.

tempest 47.0.0 runs from its own venv (lab/tempest-requirements.txt), built
on first use under ~/.cache/tricircle/tempest-venv-<hash>. Workspaces
(tempest.conf, logs, results.subunit) are the lab's state dir's tempest-r1/
and tempest-central/. What tempest needs beyond the lab's seed (image
tiny-alt, flavor m1.tiny-alt in each region, a public network per side) is
created once, as admin.
"""

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, __file__.rsplit("/benchmarks/", 1)[0])

from tricircle.lab import LabError, tempest, tempest_results  # noqa: E402
from tricircle.lab.infra import passwords  # noqa: E402
from tricircle.lab.layout import Layout  # noqa: E402

LISTS = Path(__file__).resolve().parent / "tempest"
ORDER = ("direct", "central")  # the reference first, on a lab nobody has loaded yet


class Reporter:
    def __init__(self) -> None:
        self.started = time.monotonic()

    def __call__(self, message: str) -> None:
        print(f"[{time.monotonic() - self.started:7.1f}s] {message}", flush=True)


def run_side(layout: Layout, venv: Path, conf: Path, side: tempest.Side, test_ids: list[str],
             selection: dict, say: Reporter) -> dict:
    """Run the selection on one side; its record (also kept as run.json in the workspace)."""
    concurrency = selection["concurrency"]
    say(f"{side.name}: {len(test_ids)} tests against {side.region}, concurrency {concurrency}"
        f" (follow: tail -f {conf.parent.parent / 'tempest-run.log'})")
    before = tempest_results.log_sizes(layout.logs)
    started = time.monotonic()
    results = tempest.run_tests(venv, conf, test_ids, concurrency)
    wall = time.monotonic() - started
    timeouts = tempest_results.count_timeouts(layout.logs, before)
    record = {"side": side.name, "region": side.region, "wall_s": wall,
              "timeouts_by_log": timeouts, "results": str(results), **selection}
    (conf.parent.parent / "run.json").write_text(json.dumps(record, indent=1) + "\n")
    say(f"{side.name}: done in {wall:.0f} s")
    return record


def side_figures(record: dict) -> tuple[dict, dict[str, tempest_results.TestResult]]:
    results = tempest_results.parse_subunit(Path(record["results"]).read_bytes())
    figures = dict(tempest_results.counts(results), region=record["region"],
                   wall_s=record["wall_s"],
                   timeouts=sum(record["timeouts_by_log"].values()),
                   timeouts_by_log=record["timeouts_by_log"],
                   failures={r.test_id: r.error_line() for r in results.values()
                             if r.status in tempest_results.FAILED})
    return figures, results


def report(figures: dict) -> None:
    sides = figures["sides"]
    print(f"\nselection: {figures['selected']} tests ({figures['excluded']} excluded by "
          f"exclude.txt{', regex ' + repr(figures['regex']) if figures['regex'] else ''}), "
          f"concurrency {figures['concurrency']}")
    print(f"{'side':8} {'region':14} {'run':>5} {'passed':>6} {'failed':>6} {'skipped':>7} "
          f"{'wall s':>8} {'timeouts':>8}")
    for name, side in sides.items():
        print(f"{name:8} {side['region']:14} {side['run']:5} {side['passed']:6} "
              f"{side['failed']:6} {side['skipped']:7} {side['wall_s']:8.0f} "
              f"{side['timeouts']:8}")
    for name, side in sides.items():
        busiest = sorted(side["timeouts_by_log"].items(), key=lambda kv: -kv[1])[:6]
        if busiest:
            print(f"  {name} timeouts by log: " + ", ".join(f"{log} {n}" for log, n in busiest))
    if "wall_ratio" in figures:
        print(f"\nwall time ratio central/direct: {figures['wall_ratio']:.2f}")
        ratios = figures["per_test_ratio"]
        if ratios["median"] is not None:
            print(f"per-test duration ratio central/direct: median {ratios['median']:.2f} over "
                  f"{ratios['tests']} tests passed on both sides; biggest:")
            for row in ratios["top"]:
                print(f"  {row['ratio']:6.2f}  {row['central_s']:7.2f} s vs "
                      f"{row['direct_s']:6.2f} s  {row['test']}")
    for name, side in sides.items():
        if side["failures"]:
            print(f"\nfailed on {name} ({side['region']}):")
            for test_id, error in sorted(side["failures"].items()):
                print(f"  {test_id}\n      {error}")
    only = figures.get("failed_only_central")
    if only:
        print(f"\nfailed through CentralRegion only (passed directly): {len(only)}")
        for test_id in sorted(only):
            print(f"  {test_id}")


def figures_of(records: dict[str, dict]) -> dict:
    """The figures of one run of each side in ``records`` (side name -> run record)."""
    first = next(iter(records.values()))
    figures: dict = {key: first[key] for key in ("selected", "excluded", "regex", "concurrency")}
    figures["sides"] = {}
    results = {}
    for name, record in records.items():
        figures["sides"][name], results[name] = side_figures(record)
    if "central" in results and "direct" in results:
        central, direct = figures["sides"]["central"], figures["sides"]["direct"]
        figures["wall_ratio"] = central["wall_s"] / direct["wall_s"]
        figures["per_test_ratio"] = tempest_results.ratio_figures(results["central"],
                                                                  results["direct"])
        figures["failed_only_central"] = sorted(
            test_id for test_id in central["failures"]
            if results["direct"].get(test_id) is not None
            and results["direct"][test_id].status in tempest_results.PASSED)
    return figures


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(description=__doc__,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    top.add_argument("--side", choices=("both", *ORDER), default="both",
                     help="run one side only (no ratios then)")
    narrowing = top.add_mutually_exclusive_group()
    narrowing.add_argument("--regex", help="narrow the selection to test ids matching this")
    narrowing.add_argument("--only", metavar="FILE", type=Path,
                           help="narrow the selection to test ids matching a regex of FILE "
                           "(`regex  # why` lines; CI runs benchmarks/tempest/ci.txt)")
    top.add_argument("--concurrency", type=int, default=2)
    top.add_argument("--json", metavar="PATH", help="write the figures as JSON ('-': stdout)")
    top.add_argument("--report-only", action="store_true",
                     help="no run: the figures of the last run kept in the workspaces")
    top.add_argument("--gate", metavar="FILE", type=Path,
                     help="exit 1 when a test fails through CentralRegion that no regex "
                     "of FILE (`regex  # reason` lines: expected failures) matches")
    return top


def gate(figures: dict, path: Path) -> int:
    """The CI verdict on the central side's failures: 0 when each is expected.

    With the direct side in the same run, a test that failed there too is the
    lab's (a line of exclude.txt is its place), not the gateway's: it is named,
    not counted against the gateway."""
    expected = [regex for regex, _ in tempest.read_patterns(path)]
    failures = figures["sides"]["central"]["failures"]
    direct = figures["sides"].get("direct", {}).get("failures", {})
    unexpected, unused = tempest_results.gate(failures, expected)
    unexpected, on_both = tempest_results.split_by_direct(unexpected, direct)
    print(f"\ngate ({path.name}): {len(failures)} failed through CentralRegion, "
          f"{len(failures) - len(unexpected) - len(on_both)} expected, {len(on_both)} "
          f"failed directly too, {len(unexpected)} unexpected")
    for test_id in on_both:
        print(f"  FAILED ON BOTH SIDES (the lab's?) {test_id}")
    for test_id in unexpected:
        print(f"  UNEXPECTED {test_id}\n      {failures[test_id]}")
    if unused and figures["regex"] is None:
        # Only a full selection says a line is stale: a narrowed one may not run it.
        print(f"expected failures that did not fail (remove them?): {len(unused)}")
        for regex in unused:
            print(f"  {regex}")
    return 1 if unexpected else 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    layout = Layout.default()
    say = Reporter()
    names = ORDER if args.side == "both" else (args.side,)
    try:
        for path in (args.gate, args.only):
            if path is not None:
                tempest.read_patterns(path)  # a typo fails now, not after the run
        if not (layout.etc / "passwords.json").exists():
            raise LabError(f"no lab at {layout.home}; run `tricircle-lab up` first")
        if args.report_only:
            records = {}
            for name in names:
                path = tempest.SIDES[name].workspace_dir(layout) / "run.json"
                if not path.exists():
                    raise LabError(f"no earlier run of side {name} ({path})")
                records[name] = json.loads(path.read_text())
            figures = figures_of(records)
        else:
            secrets = passwords(layout)
            venv = tempest.ensure_venv(layout, say)
            tempest.ensure_resources(secrets, say)
            confs = {}
            for name in names:
                facts = tempest.gather_facts(layout, tempest.SIDES[name], secrets)
                confs[name] = tempest.write_workspace(facts, venv)
            include = [regex for regex, _ in tempest.read_patterns(LISTS / "selection.txt")]
            exclude = [regex for regex, _ in tempest.read_patterns(LISTS / "exclude.txt")]
            listing = "|".join(f"(?:{regex})" for regex in include)
            say("listing tempest's tests")
            discovered = tempest.list_tests(venv, confs[names[0]], listing)
            narrow = args.regex
            if args.only is not None:
                narrow = "|".join(f"(?:{regex})" for regex, _ in tempest.read_patterns(args.only))
            selected, excluded = tempest.select_tests(discovered, include, exclude, narrow)
            if not selected:
                raise LabError("the selection is empty (check --regex)")
            say(f"selection: {len(selected)} tests ({len(excluded)} excluded)")
            selection = {"selected": len(selected), "excluded": len(excluded),
                         "regex": f"--only {args.only}" if args.only else args.regex,
                         "concurrency": args.concurrency}
            records = {name: run_side(layout, venv, confs[name], tempest.SIDES[name], selected,
                                      selection, say) for name in names}
            figures = figures_of(records)
    except LabError as exc:
        print(f"tempest_walltime: {exc}", file=sys.stderr)
        return 1
    report(figures)
    verdict = 0
    if args.gate is not None:
        if "central" not in figures["sides"]:
            print("tempest_walltime: --gate needs the central side", file=sys.stderr)
            return 2
        verdict = gate(figures, args.gate)
    if args.json == "-":
        print(json.dumps(figures, indent=1))
    elif args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1) + "\n")
    return verdict


if __name__ == "__main__":
    sys.exit(main())
