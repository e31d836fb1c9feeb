"""Forwarding details: headers, link rewriting, the circuit breaker, versions, zones."""

import functools
import random
import threading

import webob

from tricircle.common import config
from tricircle.gateway import breaker as breaker_mod
from tricircle.gateway import call, compute, create, lists, proxy, versions, volume
from tricircle.gateway.regions import service_root
from tricircle.objects.pod import Region

REGION = Region("pod-1", "RegionOne", "az1", "az1",
                {"compute": "http://r1:8774", "volumev3": "http://r1/volume"})
GW = "http://gw:19999/compute"


def test_service_root_drops_version_and_substituted_project():
    assert service_root("http://r1:8774/v2.1") == "http://r1:8774"
    assert service_root("http://r1:8774/v2.1/") == "http://r1:8774"
    assert service_root("http://r1/volume/v3/9f3a") == "http://r1/volume"
    assert service_root("http://r1/compute/v2.1/$(project_id)s") == "http://r1/compute"
    assert service_root("http://r1/placement") == "http://r1/placement"


def test_forwarded_headers_keep_token_and_microversion_but_not_identity():
    req = webob.Request.blank("/compute/v2.1/servers", headers={
        "X-Auth-Token": "tok", "OpenStack-API-Version": "compute 2.90",
        "X-OpenStack-Nova-API-Version": "2.90", "X-Roles": "admin",
        "X-Project-Id": "p", "X-User-Id": "u", "Connection": "keep-alive",
        "Content-Length": "5", "X-OpenStack-Request-ID": "req-caller"})
    req.environ["openstack.request_id"] = "req-ours"
    sent = {k.lower(): v for k, v in proxy.forward_headers(req).items()}
    assert sent["x-auth-token"] == "tok"
    assert sent["openstack-api-version"] == "compute 2.90"
    assert sent["x-openstack-nova-api-version"] == "2.90"
    # Ours replaces the caller's: keystoneauth sends it as the global request id.
    assert proxy.global_request_id(req.environ) == "req-ours"
    for dropped in ("x-roles", "x-project-id", "x-user-id", "connection", "content-length",
                    "x-openstack-request-id"):
        assert dropped not in sent


def test_links_and_location_are_rewritten_only_under_the_region_root():
    body = (b'{"server": {"id": "s1", "name": "http://r1:8774/keep", "links": ['
            b'{"rel": "self", "href": "http://r1:8774/v2.1/servers/s1"},'
            b'{"rel": "bookmark", "href": "http://r1:8774/servers/s1"},'
            b'{"rel": "alternate", "href": "http://glance/images/i"}]}}')
    reply = proxy.Reply(202, [("Location", "http://r1:8774/v2.1/servers/s1"),
                              ("Content-Type", "application/json")], body, REGION)
    response = proxy.to_response(reply, "compute", GW)
    server = response.json["server"]
    assert [link["href"] for link in server["links"]] == [
        f"{GW}/v2.1/servers/s1", f"{GW}/servers/s1", "http://glance/images/i"]
    assert server["name"] == "http://r1:8774/keep"  # data, not a link
    assert response.headers["Location"] == f"{GW}/v2.1/servers/s1"
    assert response.status_int == 202


def test_non_json_bodies_pass_unchanged():
    reply = proxy.Reply(200, [("Content-Type", "text/plain")], b"console", REGION)
    assert proxy.to_response(reply, "compute", GW).body == b"console"


def test_breaker_opens_after_the_threshold_and_closes_on_success():
    config.CONF.set_override("failure_threshold", 2, "gateway")
    config.CONF.set_override("retry_after", 60, "gateway")
    try:
        breaker = breaker_mod.Breaker()
        breaker.failed("p")
        assert not breaker.is_open("p")
        breaker.failed("p")
        assert breaker.is_open("p")
        breaker.succeeded("p")
        assert not breaker.is_open("p")
        config.CONF.set_override("retry_after", 0, "gateway")
        breaker.failed("p")
        breaker.failed("p")
        assert not breaker.is_open("p")  # cool-down over: one trial goes through
    finally:
        config.CONF.clear_override("failure_threshold", "gateway")
        config.CONF.clear_override("retry_after", "gateway")


def test_open_breaker_fails_without_a_connection():
    proxy.BREAKER.reset()
    config.CONF.set_override("failure_threshold", 1, "gateway")
    try:
        proxy.BREAKER.failed(proxy.breaker_key(REGION, "compute"))
        try:
            proxy.send(REGION, "compute", "GET", "/v2.1/servers")
        except Exception as exc:
            assert exc.message == "region RegionOne is unreachable"
        else:
            raise AssertionError("no RegionUnreachable")
    finally:
        proxy.BREAKER.reset()
        config.CONF.clear_override("failure_threshold", "gateway")


def test_microversion_from_either_header():
    def version(**headers):
        return call.microversion(webob.Request.blank("/", headers=headers),
                                 compute.SERVICE)

    assert version() is None
    assert version(**{"OpenStack-API-Version": "compute 2.69"}) == (2, 69)
    assert version(**{"OpenStack-API-Version": "volume 3.5, compute latest"}) == (999, 0)
    assert version(**{"X-OpenStack-Nova-API-Version": "2.70"}) == (2, 70)
    assert call.microversion(webob.Request.blank("/", headers={
        "OpenStack-API-Version": "volume 3.60"}), volume.SERVICE) == (3, 60)


def test_lowest_common_version_over_regions():
    docs = [{"versions": [{"id": "v2.1", "version": "2.96", "min_version": "2.1"},
                          {"id": "v2.0", "version": "", "min_version": ""}]},
            {"versions": [{"id": "v2.1", "version": "2.9", "min_version": "2.2"}]},
            {"versions": [{"id": "v2.1", "version": "2.10", "min_version": "2.1"}]}]
    merged = versions._lowest_common(docs)
    assert merged["versions"][0]["version"] == "2.9"  # numeric, not string order
    assert merged["versions"][0]["min_version"] == "2.2"


def test_zone_with_a_host_keeps_the_host_part():
    assert create.zone_of({"availability_zone": "az1:host1"}) == ("az1", ":host1")
    assert create.zone_of({"availability_zone": ""}) == (None, "")
    assert create.zone_of({}) == (None, "")


def test_sorted_merge_compares_numbers_as_numbers_and_breaks_ties_by_region():
    spec = [("size", False)]
    assert lists._compare(spec, ({"size": 9}, 0), ({"size": 10}, 1)) < 0
    assert lists._compare(spec, ({"size": 5}, 1), ({"size": 5}, 0)) > 0
    assert lists._compare([("name", True)], ({"name": "a"}, 0), ({"name": "b"}, 0)) > 0


def test_the_merge_sorts_exactly_as_the_comparison_says():
    """Stable sorts key by key give _compare's order, ties in region order."""
    rng = random.Random(7)
    values = [None, 1, 2, 2.5, "a", "b", True]
    for spec in ([("size", False)], [("name", True), ("size", False)],
                 [("size", True), ("name", True), ("id", False)]):
        pairs = sorted(((({"name": rng.choice(values), "size": rng.choice(values),
                           "id": str(n)}, rng.randrange(5)) for n in range(200))),
                       key=lambda pair: pair[1])  # the merge hands them in region order
        expected = sorted(pairs, key=functools.cmp_to_key(
            functools.partial(lists._compare, spec)))
        lists._sort(pairs, spec)
        assert pairs == expected


def test_a_failing_service_does_not_open_the_breaker_of_another():
    proxy.BREAKER.reset()
    config.CONF.set_override("failure_threshold", 1, "gateway")
    try:
        proxy.BREAKER.failed(proxy.breaker_key(REGION, "compute"))
        assert proxy.BREAKER.is_open(proxy.breaker_key(REGION, "compute"))
        assert not proxy.BREAKER.is_open(proxy.breaker_key(REGION, "volumev3"))
        assert proxy.BREAKER.pod_is_down(REGION.pod_id)
    finally:
        proxy.BREAKER.reset()
        config.CONF.clear_override("failure_threshold", "gateway")


def test_routing_cache_is_scoped_to_the_caller(monkeypatch):
    from tricircle.gateway import store

    store.clear_cache()
    asked = []

    def lookup(resource_type, top_id, project_id):
        asked.append(project_id)
        return {"pod_id": "p1", "project_id": "owner"} if project_id in (None, "owner") else None

    monkeypatch.setattr(store.routing, "find", lookup)
    try:
        assert store.find("server", "s1", "owner")["pod_id"] == "p1"
        assert store.find("server", "s1", "owner")["pod_id"] == "p1"  # cached
        assert store.find("server", "s1", "intruder") is None  # not served from the cache
        assert asked == ["owner", "intruder"]
        store.drop("server", "s1")
        store.find("server", "s1", "owner")
        assert asked == ["owner", "intruder", "owner"]
    finally:
        store.clear_cache()


def test_tls_of_region_calls_comes_from_the_client_options():
    conf = config.CONF
    try:
        assert proxy._tls() == {"verify": True, "cert": None}
        conf.set_override("cafile", "/etc/ssl/regions.pem", "client")
        conf.set_override("certfile", "/etc/tricircle/cert.pem", "client")
        conf.set_override("keyfile", "/etc/tricircle/key.pem", "client")
        assert proxy._tls() == {"verify": "/etc/ssl/regions.pem",
                                "cert": ("/etc/tricircle/cert.pem", "/etc/tricircle/key.pem")}
        conf.set_override("insecure", True, "client")
        assert proxy._tls()["verify"] is False
    finally:
        for name in ("cafile", "certfile", "keyfile", "insecure"):
            conf.clear_override(name, "client")


def test_the_session_forwards_without_auth_redirects_or_retries():
    proxy.close()
    try:
        session = proxy.session()
        assert session.auth is None and session.redirect is False
        assert session.session.adapters["https://"].max_retries.total == 0
        assert session.session.trust_env is False
    finally:
        proxy.close()


def test_half_open_breaker_admits_one_trial_until_it_ends():
    config.CONF.set_override("failure_threshold", 1, "gateway")
    config.CONF.set_override("retry_after", 0, "gateway")
    try:
        breaker = breaker_mod.Breaker()
        assert breaker.admit("p") == (True, False)  # closed: everyone, no trial
        breaker.failed("p")
        assert breaker.admit("p") == (True, True)  # cool-down over: the trial
        assert breaker.admit("p") == (False, False)  # everyone else fails fast
        assert breaker.is_open("p")
        breaker.failed("p", trial=True)
        assert breaker.admit("p") == (True, True)  # the next cool-down, one more trial
        breaker.end_trial("p")  # ended by an error of ours: the next caller tries
        assert breaker.admit("p") == (True, True)
        breaker.succeeded("p")
        assert breaker.admit("p") == (True, False) and not breaker.is_open("p")
    finally:
        config.CONF.clear_override("failure_threshold", "gateway")
        config.CONF.clear_override("retry_after", "gateway")


def test_a_region_with_every_slot_taken_is_busy_without_a_connection():
    key = proxy.breaker_key(REGION, "compute")
    config.CONF.set_override("max_calls_per_region", 2, "gateway")
    config.CONF.set_override("slot_wait", 0.0, "gateway")
    try:
        assert proxy.SLOTS.take(key) and proxy.SLOTS.take(key)
        try:
            proxy.send(REGION, "compute", "GET", "/v2.1/servers")
        except proxy.RegionBusy as exc:
            assert exc.message == "region RegionOne is busy"
        else:
            raise AssertionError("no RegionBusy")
        assert proxy.SLOTS.in_flight(key) == 2  # the refused call took none
        assert proxy.SLOTS.take((REGION.pod_id, "volumev3"))  # Cinder's slots are its own
    finally:
        proxy.SLOTS.give_back(key)
        proxy.SLOTS.give_back(key)
        proxy.SLOTS.give_back((REGION.pod_id, "volumev3"))
        config.CONF.clear_override("max_calls_per_region", "gateway")
        config.CONF.clear_override("slot_wait", "gateway")


def test_a_call_waits_briefly_for_a_slot_that_comes_free():
    key = proxy.breaker_key(REGION, "compute")
    config.CONF.set_override("max_calls_per_region", 1, "gateway")
    config.CONF.set_override("slot_wait", 30.0, "gateway")
    try:
        assert proxy.SLOTS.take(key)
        threading.Timer(0.2, proxy.SLOTS.give_back, (key,)).start()
        assert proxy.SLOTS.take(key)  # the slot given back, not a refusal
        assert proxy.SLOTS.in_flight(key) == 1
    finally:
        proxy.SLOTS.give_back(key)
        config.CONF.clear_override("max_calls_per_region", "gateway")
        config.CONF.clear_override("slot_wait", "gateway")


def test_client_proxy_headers_are_not_forwarded():
    req = webob.Request.blank("/compute/v2.1/servers", headers={
        "X-Auth-Token": "tok", "Forwarded": "for=1.2.3.4", "X-Forwarded-For": "1.2.3.4",
        "X-Forwarded-Host": "evil", "X-Forwarded-Proto": "https", "X-Real-IP": "1.2.3.4"})
    assert {k.lower() for k in proxy.forward_headers(req)} == {"x-auth-token"}


def test_a_full_fan_out_pool_refuses_a_region_at_once():
    config.CONF.set_override("fanout_workers", 1, "gateway")
    config.CONF.set_override("fanout_queue_size", 0, "gateway")
    started, release = threading.Event(), threading.Event()
    other = Region("pod-2", "RegionTwo", "az2", "az2", REGION.endpoints)

    def held(region):
        started.set()
        release.wait(10)
        return proxy.Reply(200, [], b"", region)

    first = threading.Thread(target=proxy.fan_out, args=([REGION], held))
    try:
        first.start()
        assert started.wait(10)
        results = proxy.fan_out([other], lambda region: proxy.Reply(200, [], b"", region))
        assert isinstance(results[0][1], proxy.RegionBusy)
        assert results[0][1].message == "region RegionTwo is busy"
    finally:
        release.set()
        first.join()
        config.CONF.clear_override("fanout_workers", "gateway")
        config.CONF.clear_override("fanout_queue_size", "gateway")
    done = proxy.fan_out([other], lambda region: proxy.Reply(200, [], b"", region))
    assert isinstance(done[0][1], proxy.Reply)  # the slot came back


def test_a_fan_out_runs_fanout_workers_calls_at_once_on_threads_started_before(
        monkeypatch):
    config.CONF.set_override("fanout_workers", 6, "gateway")
    proxy.close()  # the next fan-out makes a pool of the new size
    regions = [Region(f"pod-{i}", f"Region{i}", "az1", "az1", {}) for i in range(6)]
    together = threading.Barrier(6, timeout=5)
    proxy.fan_out(regions[:1], lambda region: None)  # the pool is made (and started) here
    starts = []
    original = threading.Thread.start
    monkeypatch.setattr(threading.Thread, "start",
                        lambda thread: starts.append(thread) or original(thread))

    def call(region: Region) -> proxy.Reply:
        together.wait()  # only returns when all 6 calls run at the same time
        return proxy.Reply(200, [], b"{}", region)

    try:
        results = proxy.fan_out(regions, call)
    finally:
        config.CONF.clear_override("fanout_workers", "gateway")
        proxy.close()
    assert [reply.status for _, reply in results] == [200] * 6
    assert starts == []  # no thread started inside the fan-out
