"""The gateway decides on one path and the region runs that same path.

For every rule of the compute and volume tables (iterated, not listed here) a
concrete path is built and each of its segments is spoilt the ways a client
can spoil it: dot segments (also encoded), encoded '/', '?', '#', '%', NUL,
a byte that is no UTF-8, a newline. Each spoilt path is sent as two kinds of
WSGI server hand it on: one that decodes every escape (webob, gunicorn) and
cheroot, which keeps '%2F' as it came. The answer must be a 4xx, or every call
the recording fake regions received must be for the very path the gateway
matched (or the show path of its id, when it looked the id up), with no query
the caller did not send. No routing may appear for anything but the real
resources.
"""

import json
import re
import urllib.parse
import uuid

import pytest
import webob

from tests.adversarial.conftest import expect_refused
from tricircle.gateway import app as gateway_app
from tricircle.gateway import compute, proxy, volume

# (service, the path prefix a client uses, the fake regions' kind)
SERVICES = ((compute.SERVICE, "/compute/v2.1", "compute"),
            (volume.SERVICE, "/volume/v3/demo", "volume"))
TOKEN = "alice:demo"

# How a segment is spoilt: a replacement, or something appended to it.
REPLACEMENTS = ("..", ".", "%2e%2e", "%2E")
SUFFIXES = ("%2F..", "%2F..%2Fflavors", "%2Fextra", "%3Fall_tenants=1", "%23cut", "%00",
            "%ff", "%0aFORGED", "%25", "%252F", "%5C..")


def _decode_all(raw: str) -> str:
    """PATH_INFO from a server that decodes every escape (PEP 3333: bytes as latin-1)."""
    return urllib.parse.unquote_to_bytes(raw).decode("latin-1")


def _decode_like_cheroot(raw: str) -> str:
    """PATH_INFO from cheroot, which leaves an encoded '/' as it came."""
    parts = re.split("(%2[fF])", raw)
    return "".join(p if p.lower() == "%2f" else _decode_all(p) for p in parts)


DECODINGS = (_decode_all, _decode_like_cheroot)


def _concrete(template: str, resource_id: str) -> list[str]:
    """The segments of a rule's template with an id, the caller's project, and a
    name for its '*'."""
    path = template.replace("{id}", resource_id).replace("{project}", "demo")
    return [s if s != "*" else "extra" for s in path.split("/") if s]


def _variants(segments: list[str]):
    for index, segment in enumerate(segments):
        for spoilt in REPLACEMENTS + tuple(segment + s for s in SUFFIXES):
            yield "/" + "/".join(segments[:index] + [spoilt] + segments[index + 1:])


def _send(app, method: str, path_info: str, query: str = "") -> webob.Response:
    req = webob.Request.blank("/", method=method)
    req.environ["PATH_INFO"] = path_info
    req.environ["QUERY_STRING"] = query
    req.headers["X-Auth-Token"] = TOKEN
    if method in ("POST", "PUT"):
        req.body = b"{}"
        req.content_type = "application/json"
    return req.get_response(app)


def _normalised(path_info: str) -> str:
    text = path_info.encode("latin-1").decode("utf-8")
    return "/" + "/".join(s for s in text.split("/") if s)


def _allowed_paths(service, prefix: str, gateway_path: str, method: str) -> set[str]:
    """What the regions may be asked for a path the gateway took: that path, and the
    show path of the id it routes by (a lookup of an unknown id)."""
    allowed = {gateway_path}
    below = gateway_path[len(prefix):] if gateway_path.startswith(prefix + "/") else None
    found = service.find(method, below) if below else None
    if found and found[1].get("id") and found[0].resource_type in service.show_paths:
        show = service.show_paths[found[0].resource_type].format(id=found[1]["id"])
        allowed.add(prefix + show)
    return allowed


def _every_region_call(fakes) -> list[dict]:
    return [request for fake in fakes.values() for request in fake.requests]


def _clear(fakes) -> None:
    for fake in fakes.values():
        fake.requests.clear()


def _check_forwarded(fakes, allowed: set[str], what: str) -> None:
    for request in _every_region_call(fakes):
        assert request["path"] in allowed, f"{what}: a region ran {request['path']}"
        assert "all_tenants" not in request["query"], f"{what}: query injected"


def _real_resources(fakes) -> dict[str, str]:
    """Every id the fake regions hold → the region holding it."""
    return {item_id: fake.name for fake in fakes.values()
            for items in fake.items.values() for item_id in items}


def _assert_routings_are_real(gw, pods, fakes) -> None:
    region_of_pod = {pod["pod_id"]: name for name, pod in pods.items()}
    real = _real_resources(fakes)
    for routing in gw.get("/v1.0/routings").json["routings"]:
        assert routing["top_id"] in real, f"junk routing {routing['top_id']!r}"
        assert real[routing["top_id"]] == region_of_pod[routing["pod_id"]]


@pytest.mark.parametrize("service, prefix, kind", SERVICES,
                         ids=[s[0].name for s in SERVICES])
def test_every_rule_refuses_or_forwards_exactly_what_it_matched(gw, pods, fakes,
                                                                service, prefix, kind):
    # A resource of the caller's made in RegionTwo behind the gateway's back: a
    # spoilt path that reached it unnoticed would adopt a junk id.
    collection = "servers" if kind == "compute" else "volumes"
    direct = fakes[(kind, "RegionTwo")].add(collection, "demo")
    for rule in service.rules:
        method = sorted(rule.methods)[0] if rule.methods else "GET"
        for raw in _variants(_concrete(rule.template, direct["id"])):
            for decode in DECODINGS:
                path_info = decode(prefix + raw)
                what = f"{method} {prefix}{raw} ({decode.__name__})"
                _clear(fakes)
                # A fake region that fails on a path it does not serve must not
                # open its breaker for the next variant.
                proxy.BREAKER.reset()
                resp = _send(gw.app, method, path_info)
                if not _every_region_call(fakes):
                    # Answered by the gateway itself: refused, or served from the pods
                    # table (availability zones).
                    expect_refused(resp, what, allowed=(200,))
                    continue
                gateway_path = _normalised(path_info)
                assert not re.search(r"/\.\.?(/|$)", gateway_path), what
                _check_forwarded(fakes, _allowed_paths(service, prefix, gateway_path,
                                                       method), what)
                if resp.status_int >= 500:
                    # The fake region's own error on a path it does not serve, passed
                    # through as a region's errors are, not one of the gateway's. Its
                    # crash may have left a dead keep-alive connection behind.
                    assert "unexpected error" not in resp.text, what
                    proxy.close()
                else:
                    expect_refused(resp, what, allowed=(resp.status_int,))
    _assert_routings_are_real(gw, pods, fakes)


def _send_to_gateway(method: str, path_info: str) -> webob.Response:
    """Straight to the gateway app, as the API's outer layers would pass it on."""
    req = webob.Request.blank("/", method=method)
    req.environ.update({"PATH_INFO": path_info, "HTTP_X_AUTH_TOKEN": TOKEN,
                        "HTTP_X_USER_ID": "alice", "HTTP_X_PROJECT_ID": "demo",
                        "HTTP_X_ROLES": "member,reader"})
    return req.get_response(gateway_app.GatewayApp())


@pytest.mark.parametrize("path_info", [
    "/compute/v2.1/servers/%ff", "/compute/v2.1/%2e%2e/servers", "/compute/%2e%2e/v2.1",
    "/volume/v3/demo%00/volumes", "/compute/v2.1/os-x/../servers",
    "/compute/v2.1/flavors/../servers", "/compute/v2.1/servers/x%0ay/action",
    "/volume/v3/demo/volumes/%c3%28",
])
def test_spoilt_paths_are_400_in_the_services_own_format(gw, fakes, path_info):
    _clear(fakes)
    # Through the whole app an outer layer may refuse first; never a region call.
    resp = _send(gw.app, "POST", _decode_all(path_info))
    expect_refused(resp, path_info)
    assert len(next(iter(resp.json.values()))["message"]) < 120
    # The gateway's own answer: 400 in the service's format.
    resp = _send_to_gateway("POST", _decode_all(path_info))
    assert resp.status_int == 400, path_info
    assert resp.json["badRequest"]["message"].startswith("Invalid path")
    assert not _every_region_call(fakes)


@pytest.mark.parametrize("name, seen", [("my key", "my key"), ("cl%C3%A9", "cl\xc3\xa9"),
                                        ("a:b@c", "a:b@c")])
def test_names_reach_the_region_percent_encoded_as_matched(gw, fakes, name, seen):
    region = fakes[("compute", "RegionOne")]
    region.requests.clear()
    _send(gw.app, "GET", _decode_all(f"/compute/v2.1/os-keypairs/{name}"))
    # cheroot hands the fake the decoded bytes as latin-1 characters.
    assert [r["path"] for r in region.requests] == [f"/compute/v2.1/os-keypairs/{seen}"]


@pytest.mark.parametrize("marker", ["../flavors/1", "%ff", "x%3Fall_tenants=1",
                                    "nope", "%0aFORGED", "a" * 5000])
def test_a_marker_that_is_no_id_reaches_neither_a_region_nor_the_routing_table(
        gw, pods, fakes, marker):
    fakes[("compute", "RegionTwo")].add("servers", "demo")
    _clear(fakes)
    resp = _send(gw.app, "GET", "/compute/v2.1/servers", f"marker={marker}")
    expect_refused(resp, f"marker={marker}")
    assert resp.status_int == 400
    message = resp.json["badRequest"]["message"]
    assert len(message) < 120 and "\n" not in message
    assert not _every_region_call(fakes)
    assert gw.get("/v1.0/routings").json["routings"] == []


def test_a_bad_query_string_is_400(gw, fakes):
    for query in ("limit=%ff", "name=%ff%fe", "marker=%c3"):
        resp = _send(gw.app, "GET", "/compute/v2.1/servers/detail", query)
        expect_refused(resp, query)
        assert resp.status_int == 400


def test_adoption_records_only_the_id_the_region_answered_for(gw, pods, fakes):
    # A region that answers a show with another id (here: the same id in upper
    # case, which a case-blind database would find) gets no routing for it.
    region = fakes[("compute", "RegionTwo")]
    direct = region.add("servers", "demo")
    shouted = direct["id"].upper()
    region.items["servers"][shouted] = direct  # the region finds it under either name
    resp = gw.as_user("alice", "demo").get(f"/compute/v2.1/servers/{shouted}")
    assert resp.status_int == 200
    assert gw.get("/v1.0/routings").json["routings"] == []
    resp = gw.as_user("alice", "demo").get(f"/compute/v2.1/servers/{direct['id']}")
    assert [r["top_id"] for r in gw.get("/v1.0/routings").json["routings"]] == [
        direct["id"]]


def test_ids_that_are_no_uuid_are_not_found_without_asking_any_region(gw, fakes):
    alice = gw.as_user("alice", "demo")
    for path in ("/compute/v2.1/servers/nope", "/volume/v3/demo/volumes/summary-x",
                 f"/compute/v2.1/servers/{'9' * 300}/action"):
        _clear(fakes)
        resp = alice.get(path)
        expect_refused(resp, path)
        assert resp.status_int == 404
        message = next(iter(resp.json.values()))["message"]
        assert len(message) < 120
        assert not _every_region_call(fakes)


# -- bodies the gateway reads ------------------------------------------------------

BAD_BODIES = {
    # Under [oslo_middleware]/max_request_body_size, so the gateway reads it.
    "deep": b'{"server": ' + b"[" * 30000 + b"]" * 30000 + b"}",
    "deep but parsable": b'{"server": {"name": "x", "m": ' + b"[" * 500 + b"]" * 500
                         + b"}}",
    "not utf-8": b'{"server": {"name": "\xff\xfe"}}',
    "lone surrogate": b'{"server": {"name": "\\ud800", "availability_zone": "\\udfff"}}',
    "NaN": b'{"server": {"name": "x", "min_count": NaN}}',
    "huge float": b'{"server": {"name": "x", "min_count": 1e999}}',
    "huge integer": b'{"server": {"name": "x", "max_count": ' + b"9" * 5000 + b"}}",
    "integer over 64 bits": b'{"server": {"name": "x", "max_count": 99999999999999999999}}',
    "not json": b'{"server": ',
}


@pytest.mark.parametrize("kind", sorted(BAD_BODIES))
def test_bodies_the_gateway_reads_are_400_when_no_region_could_read_them(gw, fakes, kind):
    raw = BAD_BODIES[kind]
    alice = gw.as_user("alice", "demo")
    targets = [("/compute/v2.1/servers", raw),
               ("/volume/v3/demo/volumes", raw.replace(b'"server"', b'"volume"')),
               ("/compute/v2.1/flavors", raw.replace(b'"server"', b'"flavor"')),
               ("/compute/v2.1/os-keypairs", raw.replace(b'"server"', b'"keypair"'))]
    for path, body in targets:
        _clear(fakes)
        resp = alice.request("POST", path, raw=body)
        expect_refused(resp, f"{kind} body to {path}")
        assert resp.status_int == 400, (kind, path)
        assert next(iter(resp.json.values()))["message"].startswith("Malformed request body")
        assert not _every_region_call(fakes)


def test_messages_repeat_a_short_prefix_of_what_was_typed(gw, fakes):
    alice = gw.as_user("alice", "demo")
    zone = "z" * 5000 + "\nFORGED"
    resp = alice.post("/compute/v2.1/servers", {"server": {
        "name": "x", "flavorRef": "1", "availability_zone": zone}})
    expect_refused(resp, "long availability zone")
    message = resp.json["badRequest"]["message"]
    assert resp.status_int == 400 and len(message) < 160 and "FORGED" not in message
    resp = alice.get("/compute/v2.1/servers/detail?limit=" + "x" * 5000)
    expect_refused(resp, "long limit")
    assert len(resp.json["badRequest"]["message"]) < 160


def test_no_log_line_can_be_forged_through_the_gateway(gw, fakes, caplog):
    fakes[("compute", "RegionTwo")].stop()  # its failures are logged with the path
    caplog.set_level("DEBUG")
    alice = gw.as_user("alice", "demo")
    forged = "%0a2026-01-01 ERROR FORGED"
    for path_info, query in (
            (_decode_all(f"/compute/v2.1/servers{forged}"), ""),
            (_decode_all(f"/compute/v2.1/servers/{uuid.uuid4()}{forged}/action"), ""),
            ("/compute/v2.1/servers/detail", f"marker={forged}"),
            (_decode_all(f"/compute/v2.1/os-keypairs/k{forged}"), "")):
        expect_refused(_send(gw.app, "GET", path_info, query), path_info)
    alice.post("/compute/v2.1/servers", {"server": {"name": "x",
                                                    "availability_zone": "a\nFORGED"}})
    assert not [r for r in caplog.records if "FORGED" in r.getMessage()]


def test_bodies_within_bounds_still_reach_the_region_unchanged(gw, fakes):
    raw = json.dumps({"server": {"name": "deep-enough", "flavorRef": "1", "imageRef": "i",
                                 "metadata": {"k": "v" * 200},
                                 "nested": [[[[{"a": 2 ** 62, "f": 1.5e300}]]]]}}).encode()
    resp = gw.as_user("alice", "demo").request("POST", "/compute/v2.1/servers", raw=raw)
    assert resp.status_int == 202
    sent = fakes[("compute", "RegionOne")].requests[-1]["body"]
    assert sent == raw
