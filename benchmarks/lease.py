"""What central quota's lease costs a create: a take and its give-back, timed alone.

For each backend, in a scratch ``bench_`` database (dropped after), ``--rounds``
takes of one project's lease (``tricircle.objects.quota_lock.try_take``), each
followed by its give-back, one after the other in one thread, as a create and its
settle thread do them. Prints p50 and p95 in ms of the take, of the give-back,
and of the two together, for several rounds so the spread between them shows.

    .venv/bin/python benchmarks/lease.py [--rounds 300] [--runs 3] [--backends ...]
"""

import argparse
import sys
import time

sys.path.insert(0, __file__.rsplit("/benchmarks/", 1)[0])

from benchmarks import inprocess, stats  # noqa: E402
from tricircle.objects import quota_lock  # noqa: E402

PROJECT, SERVICE = "bench-project", "volumev3"


def _one_run(rounds: int) -> tuple[list[float], list[float]]:
    takes, give_backs = [], []
    for number in range(rounds):
        holder = f"bench-holder-{number}"
        started = time.perf_counter()
        lease = quota_lock.try_take(PROJECT, SERVICE, holder, 30.0)
        taken = time.perf_counter()
        quota_lock.give_back(PROJECT, SERVICE, holder, '{"left": 1}')
        takes.append(taken - started)
        give_backs.append(time.perf_counter() - taken)
        if lease is None:
            raise SystemExit("the lease was not free: the benchmark's own give-back failed")
    return takes, give_backs


def _line(label: str, samples: list[float]) -> str:
    p50, p95 = stats.percentiles(samples)
    return f"{label:22} p50 {p50:6.2f} ms  p95 {p95:6.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backends", nargs="+", default=list(inprocess.BACKENDS),
                        choices=inprocess.BACKENDS)
    args = parser.parse_args()
    for backend in args.backends:
        with inprocess.scratch_database(backend) as url:
            inprocess.configure(url)
            _one_run(20)  # the first connection, the statements' compilation
            for run in range(1, args.runs + 1):
                takes, give_backs = _one_run(args.rounds)
                both = [take + back for take, back in zip(takes, give_backs, strict=True)]
                print(f"{backend} run {run} ({args.rounds} rounds)")
                print("  " + _line("take", takes))
                print("  " + _line("give back", give_backs))
                print("  " + _line("take and give back", both))


if __name__ == "__main__":
    main()
