"""Where a create through the gateway spends its time: a benchmark device.

``benchmarks/gateway.py --own-api --creates N --breakdown`` starts its own
tricircle-api (benchmarks/own_api.py) with this module as the WSGI entry
instead of ``tricircle.wsgi``: the same application, with the functions on a
create's path wrapped in timers here, so the product itself carries no timing
code and pays nothing when no breakdown is asked for.

Each POST the app serves leaves one JSON line in ``$TRICIRCLE_BENCH_PARTS``
(one file shared by the uWSGI processes, a line per write): its request id,
its seconds in the app, and per part the seconds and calls made on the
request's own thread (the usage fan-out's and the flavor read's threads are
seen as the request thread's wait for them). Each settle thread (the wait, after
the answer, until the region counts the create) leaves a line too.
``summary`` reads the file back for gateway.py and prints the medians beside
the client's figures. What a request left for after its answer (its body's
``close()``: the routing insert, the settle thread's start) is timed apart:
the client does not wait for it.
"""

import functools
import importlib
import json
import os
import statistics
import threading
import time

_local = threading.local()
_write_lock = threading.Lock()
_PATH = os.environ.get("TRICIRCLE_BENCH_PARTS", "")

# (module, attribute, part name), outermost first; a part's time includes the
# parts called inside it (the summary prints them in this order).
PARTS = (
    ("keystonemiddleware.auth_token", "AuthProtocol.process_request",
     "auth: token validation (keystonemiddleware)"),
    ("tricircle.gateway.app", "GatewayApp._dispatch", "gateway: parse, rule, handler"),
    ("tricircle.objects.quota_lock", "take", "lease: take (with waits)"),
    ("tricircle.objects.quota_lock", "try_take", "lease: one try (UPDATE+SELECT, commit)"),
    ("tricircle.gateway.microversions", "pin", "gateway: microversion pinned"),
    ("tricircle.gateway.create", "parse_json", "gateway: body parsed"),
    ("tricircle.gateway.regions", "RegionTable.with_service", "gateway: regions listed"),
    ("tricircle.gateway.create", "_place", "place: scheduler (bindings read)"),
    ("tricircle.gateway.security_groups", "prepare_server", "place: security groups"),
    ("tricircle.gateway.quota_lease", "held", "lease: wait for the take (beside the placement)"),
    ("tricircle.gateway.quota", "counter", "quota: usage left on the lease, parsed"),
    ("tricircle.gateway.unified_limits", "_known", "quota: limits and usage"),
    ("tricircle.gateway.usage", "count", "quota: live usage count (every region)"),
    ("tricircle.gateway.unified_limits", "_joined", "quota: wait for the Keystone limits"),
    ("tricircle.gateway.quota", "_limits_and_flavor", "quota: limits, usage, flavor"),
    # Only on the request's path (a cache miss): a read ahead of the expiry runs
    # in a pool thread, which no timer follows.
    ("tricircle.gateway.quota", "_read_flavor", "quota: flavor read (a miss, on the path)"),
    ("tricircle.gateway.quota_lease", "expect", "quota: note what the settle waits for"),
    ("tricircle.gateway.call", "Call.send",
     "region: the create (keystoneauth, region's time)"),
    ("tricircle.gateway.store", "record", "routing: insert (after the answer)"),
    ("tricircle.gateway.call", "Call.respond", "response: links, JSON"),
    ("tricircle.objects.quota_lock", "give_back", "lease: give back on the request's path"),
    ("threading", "Thread.start", "settle thread: started"),
    ("tricircle.gateway.usage", "_ask", "usage: one region's /limits (settle thread)"),
)
_SQL = "database: SQL statements (all of the above)"
_SETTLE = "settle"


def _add(record: dict, name: str, seconds: float) -> None:
    entry = record.setdefault(name, [0.0, 0])
    entry[0] += seconds
    entry[1] += 1


def _timed(name: str, original):
    @functools.wraps(original)
    def timed(*args, **kwargs):
        record = getattr(_local, "parts", None)
        if record is None:
            return original(*args, **kwargs)
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            _add(record, name, time.perf_counter() - started)
    return timed


def _write(line: dict) -> None:
    if not _PATH:
        return
    text = json.dumps(line) + "\n"
    with _write_lock, open(_PATH, "a") as out:  # one write per line: no interleaving
        out.write(text)


def _settle_timed(original):
    """The settle thread's own line: how long it ran, when it gave the lease back,
    and how many times it asked the region."""
    @functools.wraps(original)
    def settle(expected, holder):
        _local.parts = {}
        started = time.time()
        try:
            return original(expected, holder)
        finally:
            parts, _local.parts = _local.parts, None
            _write({"kind": _SETTLE, "project": expected.project, "started": started,
                    "ended": time.time(), "parts": parts})
    return settle


def _statement_timer(sa) -> None:
    """Every SQL statement a request's thread runs, timed (events on every engine)."""
    @sa.event.listens_for(sa.engine.Engine, "before_cursor_execute")
    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("bench_started", []).append(time.perf_counter())

    @sa.event.listens_for(sa.engine.Engine, "after_cursor_execute")
    def after(conn, cursor, statement, parameters, context, executemany):
        started = conn.info["bench_started"].pop()
        record = getattr(_local, "parts", None)
        if record is not None:
            _add(record, _SQL, time.perf_counter() - started)


class _TimedClose:
    """The app's body; its ``close()`` (the work left for after the answer,
    tricircle.gateway.after_answer) is timed apart and ends the request's line."""

    def __init__(self, body, line: dict) -> None:
        self._body, self._line = body, line

    def __iter__(self):
        return iter(self._body)

    def close(self) -> None:
        _local.parts = {}
        clock = time.perf_counter()
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            after, _local.parts = _local.parts, None
            _write(dict(self._line, closed=time.time(), after=after,
                        after_seconds=time.perf_counter() - clock))


def _wrap(app):
    served = [0]  # requests this process served before: 0 is a cold process

    def timed_app(environ, start_response):
        before, served[0] = served[0], served[0] + 1
        if environ.get("REQUEST_METHOD") != "POST":
            return app(environ, start_response)
        _local.parts = {}
        started = time.time()
        clock = time.perf_counter()
        try:
            body = app(environ, start_response)
        finally:
            parts, _local.parts = _local.parts, None
            line = {"kind": "request", "path": environ.get("PATH_INFO"),
                    "request_id": environ.get("openstack.request_id"),
                    "started": started, "ended": time.time(), "pid": os.getpid(),
                    "served_before": before, "app": time.perf_counter() - clock,
                    "parts": parts}
        return _TimedClose(body, line)
    return timed_app


def _patch(module_name: str, attribute: str, wrap) -> None:
    owner = importlib.import_module(module_name)
    *path, name = attribute.split(".")
    for step in path:
        owner = getattr(owner, step)
    setattr(owner, name, wrap(getattr(owner, name)))


def install():
    """The tricircle-api application with the timers in place (the WSGI entry of
    benchmarks/create_parts_wsgi.py)."""
    import sqlalchemy as sa

    from tricircle import wsgi
    for module_name, attribute, name in PARTS:
        _patch(module_name, attribute, functools.partial(_timed, name))
    _patch("tricircle.gateway.quota_lease", "_settle_then_give_back", _settle_timed)
    _statement_timer(sa)
    return _wrap(wsgi.application)


# -- read back, for benchmarks/gateway.py ------------------------------------------

def _ms(values: list[float]) -> str:
    if not values:
        return f"{'-':>8} {'-':>8}"
    return f"{statistics.median(values) * 1000:8.1f} {statistics.mean(values) * 1000:8.1f}"


def read(path: str) -> list[dict]:
    with open(path) as lines:
        return [json.loads(line) for line in lines if line.strip()]


def _label(attribute: str) -> str:
    return next(label for _module, name, label in PARTS if name == attribute)


_AUTH = _label("AuthProtocol.process_request")
_GATEWAY = _label("GatewayApp._dispatch")
_REGION = _label("Call.send")
_ASK = _label("_ask")


def summary(lines: list[dict], name: str, client: dict[str, float],
            direct: list[float]) -> None:
    """Print where the gateway's creates of ``client`` ({request id: the client's
    seconds}) went, beside the direct creates' figures."""
    served = [line for line in lines if line["kind"] == "request"
              and line["request_id"] in client]
    if not served:
        print(f"{name}: no timings found for its requests")
        return
    labels = [label for _owner, _attribute, label in PARTS] + [_SQL]
    seconds = {label: [line["parts"].get(label, (0.0, 0))[0] for line in served]
               for label in labels}
    calls = {label: [line["parts"].get(label, (0.0, 0))[1] for line in served]
             for label in labels}
    seen = [client[line["request_id"]] for line in served]
    in_app = [line["app"] for line in served]
    print(f"\n{name}: where the gateway's time went ({len(served)} creates; ms, "
          "median and mean; a part includes the ones below it that run inside it)")
    print(f"  {'':56} {'median':>8} {'mean':>8} calls")
    print(f"  {'client: gateway create':56} {_ms(seen)}")
    print(f"  {'client: direct create':56} {_ms(direct)}")
    print(f"  {'outside the app (uWSGI router, HTTP in and out)':56} "
          f"{_ms([s - a for s, a in zip(seen, in_app, strict=True)])}")
    print(f"  {'in tricircle-api':56} {_ms(in_app)}")
    for label in labels:
        if any(calls[label]):
            print(f"    {label:54} {_ms(seconds[label])} {statistics.mean(calls[label]):5.1f}")
    rest = [a - auth - gateway for a, auth, gateway in
            zip(in_app, seconds[_AUTH], seconds[_GATEWAY], strict=True)]
    print(f"    {'other middleware (request id, CORS, limits, ...)':54} {_ms(rest)}")
    added = [s - r for s, r in zip(seen, seconds[_REGION], strict=True)]
    print(f"  {'added: the client time minus the region create call':56} {_ms(added)}")
    cold = sum(1 for line in served if line.get("served_before") == 0)
    print(f"  creates that were the first request of their uWSGI process: {cold} of "
          f"{len(served)} (it validates the token, reads the limits, connects first)")
    _after_answer(served)
    _settles(lines, served)


def _after_answer(served: list[dict]) -> None:
    """What the creates left for after their answer (the client did not wait)."""
    afters = [line.get("after") or {} for line in served]
    labels = sorted({label for after in afters for label in after})
    print(f"  {'after the answer (the body closed; the client has it)':56} "
          f"{_ms([line.get('after_seconds', 0.0) for line in served])}")
    for label in labels:
        times = [after.get(label, (0.0, 0))[0] for after in afters]
        count = statistics.mean(after.get(label, (0.0, 0))[1] for after in afters)
        print(f"    {label:54} {_ms(times)} {count:5.1f}")


def _settles(lines: list[dict], served: list[dict]) -> None:
    """The settle threads of those creates: how long they kept the lease after the
    answer, and how many creates came while the previous one's still kept it."""
    settles = [line for line in lines if line["kind"] == _SETTLE]
    mine = [s for s in settles if any(r["started"] <= s["started"]
                                      <= r.get("closed", r["ended"]) for r in served)]
    if not mine:
        print("  settle threads: none (no create waited for its region's count)")
        return
    kept = [s["ended"] - s["started"] for s in mine]
    asked = [s["parts"].get(_ASK, (0.0, 0))[1] for s in mine]
    early = sum(1 for r in served if any(s["started"] < r["started"] < s["ended"]
                                         for s in settles))
    print(f"  {'settle thread: lease kept after the answer':56} {_ms(kept)}")
    print(f"  {'settle thread: times it asked the region':56} "
          f"{statistics.median(asked):8.1f} {statistics.mean(asked):8.1f}")
    print(f"  creates that came while the previous create's settle kept the lease: "
          f"{early} of {len(served)}")
