"""Run the tempest plugin's tests against the running lab (tools/test.sh, tox -e tempest).

In the lab's tempest venv, with the central side's tempest.conf
(tricircle/lab/tempest.py): installs this clone's plugin, runs every test
whose id starts with tricircle_tempest_plugin, prints the counts and each
failure, and exits 1 if a test failed or none ran. Run it under the lab's lock.
"""

import argparse
import sys
import time

from tricircle.lab import tempest, tempest_results
from tricircle.lab.infra import passwords
from tricircle.lab.layout import Layout

PACKAGE = "tricircle_tempest_plugin"
REGEX = rf"^{PACKAGE}\."


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--regex", default=REGEX, help="narrow the tests run")
    args = parser.parse_args()
    layout = Layout.default()
    secrets = passwords(layout)
    venv = tempest.ensure_venv(layout, print)
    tempest.install_plugin(venv, print)
    tempest.ensure_resources(secrets, print)
    side = tempest.SIDES["central"]
    conf = tempest.write_workspace(tempest.gather_facts(layout, side, secrets), venv)
    test_ids = tempest.list_tests(venv, conf, args.regex, prefix=PACKAGE + ".")
    if not test_ids:
        print(f"no test matches {args.regex}")
        return 1
    started = time.monotonic()
    results = tempest_results.parse_subunit(
        tempest.run_tests(venv, conf, test_ids, args.concurrency).read_bytes())
    counts = tempest_results.counts(results)
    for result in sorted(results.values(), key=lambda r: r.test_id):
        if result.status in tempest_results.FAILED:
            print(f"FAILED {result.test_id}: {result.error_line()}")
        elif result.status == "skip":
            print(f"SKIPPED {result.test_id}: {result.error_line() or 'skipped'}")
    print(f"tempest plugin run: {time.monotonic() - started:.0f} s, log "
          f"{conf.parent.parent / 'tempest-run.log'}")
    # Last, alone on its line: the summary CI reads.
    print(f"tempest: {counts['passed']} passed, {counts['failed']} failed, "
          f"{counts['skipped']} skipped")
    return 0 if counts["failed"] == 0 and counts["run"] > counts["skipped"] else 1


if __name__ == "__main__":
    sys.exit(main())
