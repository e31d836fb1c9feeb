"""One slow region slows only itself.

A fake region that hangs (or trickles its answers a byte at a time) must not
take the gateway with it: calls to it are capped and fail fast with a named
503 once the cap is reached, each call has a total deadline, the breaker lets
exactly one trial call through after its cool-down, anonymous version
documents do not wait on it each time, and the admin API and the other region
keep answering. Clients use a generous time-out only as a guard against a
test that would otherwise hang; no test measures time.
"""

import concurrent.futures
import threading
import time

import pytest
import requests
from cheroot import wsgi

from tests.adversarial.conftest import expect_no_leak
from tests.functional.test_gateway import boot, nova
from tricircle.common import config
from tricircle.gateway import lists, proxy, versions

GUARD = 10  # seconds: a client time-out that only stops a hanging test


@pytest.fixture
def server(gw):
    """tricircle-api's app over real HTTP with a small worker pool (as cheroot runs
    it in tricircle-api), so a thread held by a region is a thread the others lack."""
    served = wsgi.Server(("127.0.0.1", 0), gw.app, numthreads=8)
    served.shutdown_timeout = 1
    served.prepare()
    thread = threading.Thread(target=served.serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{served.bind_addr[1]}"
    served.stop()


def get(url: str, token: str = "alice:demo", **headers) -> requests.Response:
    return requests.get(url, headers={"X-Auth-Token": token, **headers}, timeout=GUARD)


def wait_for(condition, what: str) -> None:
    """Poll ``condition`` until it holds; the limit only guards a broken test."""
    for _ in range(int(GUARD / 0.02)):
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"never happened: {what}")


def overrides(**options) -> None:
    for name, value in options.items():
        config.CONF.set_override(name, value, "gateway")


def servers_in_both_regions(gw) -> dict[str, str]:
    alice = gw.as_user("alice", "demo")
    return {region: boot(alice, az=region).json["server"]["id"]
            for region in ("RegionOne", "RegionTwo")}


def test_calls_stuck_on_a_hanging_region_leave_everyone_else_answering(gw, fakes, server):
    overrides(max_calls_per_region=3, slot_wait=0.1, read_timeout=30, call_deadline=30)
    ids = servers_in_both_regions(gw)
    two = nova(fakes, "RegionTwo")
    two.arrived.clear()
    two.hang.set()
    stuck_url = f"{server}/compute/v2.1/servers/{ids['RegionTwo']}"
    pool = concurrent.futures.ThreadPoolExecutor(3)
    stuck = [pool.submit(get, stuck_url) for _ in range(3)]
    wait_for(lambda: len(two.arrived) >= 3, "three calls waiting on RegionTwo")

    # More calls to RegionTwo than its slots: refused at once, by name.
    for _ in range(9):
        busy = get(stuck_url)
        assert busy.status_code == 503
        assert busy.json() == {"computeFault": {"code": 503,
                                                "message": "region RegionTwo is busy"}}
    # The admin API and RegionOne are untouched.
    assert get(f"{server}/v1.0/pods", "admin:admin").status_code == 200
    shown = get(f"{server}/compute/v2.1/servers/{ids['RegionOne']}")
    assert shown.status_code == 200 and shown.json()["server"]["id"] == ids["RegionOne"]
    # A list leaves the busy region out instead of waiting on it.
    listed = get(f"{server}/compute/v2.1/servers")
    assert listed.status_code == 200
    assert listed.headers[lists.PARTIAL_HEADER] == "RegionTwo"
    assert [s["id"] for s in listed.json()["servers"]] == [ids["RegionOne"]]
    assert len(two.arrived) == 3  # nothing more reached the hanging region

    two.stop()  # lets the three waiting calls end
    for future in stuck:
        assert future.result().status_code in (200, 503)
    pool.shutdown()


def test_a_region_that_trickles_is_cut_off_at_the_deadline(gw, fakes):
    overrides(read_timeout=5, call_deadline=0.5, list_timeout=0.5)
    ids = servers_in_both_regions(gw)
    two = nova(fakes, "RegionTwo")
    two.trickle = 0.05  # a byte every 50 ms: every read is in time, the answer is not
    alice = gw.as_user("alice", "demo")
    shown = alice.get(f"/compute/v2.1/servers/{ids['RegionTwo']}")
    assert shown.status_int == 503
    assert shown.json["computeFault"]["message"] == "region RegionTwo is unreachable"
    listed = alice.get("/compute/v2.1/servers")
    assert listed.status_int == 200 and listed.headers[lists.PARTIAL_HEADER] == "RegionTwo"
    assert [s["id"] for s in listed.json["servers"]] == [ids["RegionOne"]]
    two.trickle = 0.0
    proxy.BREAKER.reset()
    assert alice.get(f"/compute/v2.1/servers/{ids['RegionTwo']}").status_int == 200


def test_only_one_trial_call_goes_out_after_the_cool_down(gw, pods, fakes):
    overrides(failure_threshold=1, retry_after=0.3, read_timeout=1, call_deadline=1)
    ids = servers_in_both_regions(gw)
    two = nova(fakes, "RegionTwo")
    two.hang.set()
    alice = gw.as_user("alice", "demo")
    url = f"/compute/v2.1/servers/{ids['RegionTwo']}"
    assert alice.get(url).status_int == 503  # times out: the breaker opens
    key = (pods["RegionTwo"]["pod_id"], "compute")
    wait_for(lambda: not proxy.BREAKER.is_open(key), "the cool-down to pass")
    before = len(two.arrived)

    callers = 10
    start = threading.Barrier(callers)

    def call(_):
        start.wait()
        return alice.get(url)

    with concurrent.futures.ThreadPoolExecutor(callers) as pool:
        answers = list(pool.map(call, range(callers)))
    assert len(two.arrived) - before == 1  # the trial, and nobody else
    assert all(a.status_int == 503 for a in answers)
    assert {a.json["computeFault"]["message"] for a in answers} == {
        "region RegionTwo is unreachable"}
    # The trial failed: open again for another cool-down, nothing goes out now.
    assert alice.get(url).status_int == 503 and len(two.arrived) - before == 1

    # A trial that gets an answer closes the breaker for everyone.
    two.hang.clear()
    wait_for(lambda: not proxy.BREAKER.is_open(key), "the second cool-down to pass")
    assert alice.get(url).status_int == 200
    assert all(alice.get(url).status_int == 200 for _ in range(3))


def test_version_documents_wait_on_a_hanging_region_once_per_period(gw, fakes):
    overrides(list_timeout=0.5, version_cache_seconds=60)
    versions.CACHE.clear()
    two = nova(fakes, "RegionTwo")
    anonymous = gw.as_user("", "")
    anonymous.token = ""
    assert anonymous.get("/compute/v2.1").json["version"]["version"] == "2.90"
    two.hang.set()
    before = len(two.arrived)

    callers = 10
    with concurrent.futures.ThreadPoolExecutor(callers) as pool:
        answers = list(pool.map(lambda _: anonymous.get("/compute/v2.1"), range(callers)))
    assert [a.status_int for a in answers] == [200] * callers
    assert {a.json["version"]["version"] for a in answers} == {"2.90"}
    assert len(two.arrived) == before  # served from the cache: nobody asked RegionTwo

    # The period is over: one caller asks again, RegionTwo does not answer and
    # keeps its previous document, so the range stays one both regions serve.
    overrides(version_cache_seconds=0)
    assert anonymous.get("/compute/v2.1").json["version"]["version"] == "2.90"
    assert len(two.arrived) == before + 1
    overrides(version_cache_seconds=60)
    with concurrent.futures.ThreadPoolExecutor(callers) as pool:
        answers = list(pool.map(lambda _: anonymous.get("/compute/v2.1"), range(callers)))
    assert {a.status_int for a in answers} == {200}
    assert len(two.arrived) == before + 1


def test_concurrent_version_requests_on_a_cold_cache_share_one_fetch(gw, fakes):
    overrides(list_timeout=0.5, version_cache_seconds=60)
    versions.CACHE.clear()
    two = nova(fakes, "RegionTwo")
    two.hang.set()
    anonymous = gw.as_user("", "")
    anonymous.token = ""
    callers = 10
    start = threading.Barrier(callers)

    def call(_):
        start.wait()
        return anonymous.get("/compute/")

    with concurrent.futures.ThreadPoolExecutor(callers) as pool:
        answers = list(pool.map(call, range(callers)))
    assert {a.status_int for a in answers} == {300}
    assert len(two.arrived) == 1  # one fetch for all ten callers


def test_client_proxy_headers_do_not_reach_regions(gw, fakes):
    ids = servers_in_both_regions(gw)
    forged = {"Forwarded": "for=6.6.6.6;host=evil.example;proto=https",
              "X-Forwarded-For": "6.6.6.6", "X-Forwarded-Host": "evil.example",
              "X-Forwarded-Proto": "https", "X-Forwarded-Port": "6666",
              "X-Real-IP": "6.6.6.6"}
    alice = gw.as_user("alice", "demo")
    one = nova(fakes, "RegionOne")
    path = f"/compute/v2.1/servers/{ids['RegionOne']}"
    for name, value in forged.items():
        one.requests.clear()
        resp = alice.get(path, headers={name: value})
        assert resp.status_int == 200
        sent = next(r["headers"] for r in one.requests
                    if r["method"] == "GET" and r["path"] == path)
        expect_no_leak(" ".join(sent.values()), [value], f"{name} forwarded to the region")
        assert name.lower() not in sent
        assert sent["x-auth-token"] == "alice:demo"  # the rest still goes
