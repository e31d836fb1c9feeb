"""Bad input is a 4xx with a short message, never a 500, on every database.

The table of the security review (section 2): bytes that are not UTF-8 in the
path, query or body, lone surrogates, NUL and other control characters, ids
longer than their columns, huge numbers and deeply nested JSON, against the
admin API and the gateway's body parsing. A message may repeat only a short
prefix of what was sent.
"""

import json

import pytest

from tests.adversarial.conftest import expect_refused

# A message repeats at most a short prefix of the input (64 characters, plus
# the sentence around it).
MAX_MESSAGE = 400
LONG = "x" * 5000
# Far deeper than any parser recurses, still under the body size limit.
DEEP = b"[" * 50_000 + b"]" * 50_000
DEEP_OBJECT = b'{"a":' * 15_000 + b"1" + b"}" * 15_000
HUGE_INTEGER = b"1" + b"0" * 5000

POD = "/v1.0/pods"
ROUTING = "/v1.0/routings"
JOB = "/v1.0/jobs"
BINDING = "/v1.0/bindings"
ZERO_UUID = "00000000-0000-0000-0000-000000000000"


def _message(resp) -> str:
    fault = next(iter(resp.json.values()))
    return fault["message"]


def check_refused(resp, what: str, status: int = 400) -> str:
    """The answer is ``status`` with a short message; returns the message."""
    expect_refused(resp, what)
    assert resp.status_int == status, f"{what}: {resp.status_int} {resp.text[:300]}"
    message = _message(resp)
    assert len(message) < MAX_MESSAGE, f"{what}: a {len(message)}-character message"
    assert LONG not in resp.text
    return message


def _routing(**fields) -> dict:
    values = {"top_id": "top", "bottom_id": "bottom", "pod_id": ZERO_UUID,
              "project_id": "demo", "resource_type": "network", **fields}
    return {"routing": values}


def _job(**resource) -> dict:
    values = {"pod_id": "p", "router_id": "r", "network_id": "n", **resource}
    return {"job": {"type": "router_setup", "project_id": "demo", "resource": values}}


# -- URLs ----------------------------------------------------------------------

BAD_URLS = [
    ("GET", "/v1.0/pods?region_name=%ff"),
    ("GET", "/v1.0/pods?limit=%ff"),
    ("GET", "/v1.0/pods?%ff=1"),
    ("GET", "/v1.0/routings?top_id=%ed%a0%80"),  # a surrogate, UTF-8-encoded
    ("GET", "/v1.0/pods/%ff"),
    ("DELETE", "/v1.0/pods/%ff"),
    ("GET", "/v1.0/routings/%ff"),
    ("GET", "/v1.0/jobs/%c3"),
    ("GET", "/v1.0/usages/%ff"),
    ("GET", "/compute/v2.1/servers/%ff"),
    ("GET", "/compute/v2.1/servers?name=%ff"),
    ("GET", "/volume/v3/demo/volumes?limit=%ff"),
]


@pytest.mark.parametrize(("method", "path"), BAD_URLS)
def test_url_that_is_not_utf8_is_400(gw, method, path):
    for client in (gw, gw.as_user("alice", "demo")):
        message = check_refused(client.request(method, path), f"{method} {path}")
        assert "UTF-8" in message


BAD_QUERIES = [
    "/v1.0/pods?region_name=a%00b",
    "/v1.0/pods?az_name=%0a",
    "/v1.0/routings?top_id=%00",
    "/v1.0/routings?project_id=demo%0a",
    "/v1.0/routings?bottom_id=" + "b" * 128,
    "/v1.0/routings?project_id=" + "p" * 65,
    "/v1.0/routings?id=9999999999999999999999",
    "/v1.0/routings?marker=99999999999999999999",
    "/v1.0/pods?limit=99999999999999999999",
    "/v1.0/pods?limit=5%0a",
    "/v1.0/pods?marker=" + LONG[:1000],
    "/v1.0/jobs?project_id=%00",
    "/v1.0/bindings?tenant_id=" + "t" * 65,
    "/v1.0/routings?created_at=gt:2026-01-01%0a",
]


@pytest.mark.parametrize("path", BAD_QUERIES)
def test_query_values_with_control_characters_or_too_long_are_400(api, path):
    check_refused(api.get(path), f"GET {path}")


BAD_PATH_IDS = [
    "/v1.0/pods/%00", "/v1.0/pods/" + "p" * 37, "/v1.0/pods/" + LONG[:2000],
    "/v1.0/bindings/%0a", "/v1.0/jobs/" + "j" * 300, "/v1.0/routings/%00",
    "/v1.0/routings/1234567890123456789012",
]


@pytest.mark.parametrize("path", BAD_PATH_IDS)
def test_ids_in_the_path_that_name_nothing_are_404(api, path):
    for method in ("GET", "DELETE"):
        check_refused(api.request(method, path), f"{method} {path}", status=404)


def test_usage_project_with_control_characters_is_400(api):
    check_refused(api.get("/v1.0/usages/demo%00"), "GET /v1.0/usages/demo%00")
    check_refused(api.get("/v1.0/usages/" + "p" * 65), "a 65-character project id")


# -- bodies ------------------------------------------------------------------------

def _bodies(template: str) -> list[bytes]:
    """``template`` with each bad string value spliced in as raw JSON text."""
    values = [b'"\\ud800"', b'"a\\udfffb"', b'"a\\u0000b"', b'"\\n"', b'"ok\\n"',
              b'"a\\u001fb"', b'"\\u007f"', b"1e400", HUGE_INTEGER, b"NaN", b"-Infinity",
              json.dumps(LONG).encode()]
    return [template.encode().replace(b"@", value) for value in values]


BAD_BODIES = [
    ("POST", POD, body) for body in _bodies('{"pod": {"region_name": @}}')
] + [
    ("POST", POD, body) for body in _bodies('{"pod": {"region_name": "R", "az_name": @}}')
] + [
    ("POST", POD, body) for body in _bodies('{"pod": {"region_name": "R", "dc_name": @}}')
] + [
    ("POST", ROUTING, json.dumps(_routing()).replace('"top"', "@").encode().replace(
        b"@", value)) for value in _bodies("@")
] + [
    ("POST", ROUTING, json.dumps(_routing()).replace('"demo"', "@").encode().replace(
        b"@", value)) for value in _bodies("@")
] + [
    ("POST", JOB, json.dumps(_job()).replace('"r"', "@").encode().replace(b"@", value))
    for value in _bodies("@")
] + [
    ("POST", BINDING, body)
    for body in _bodies('{"binding": {"tenant_id": @, "pod_id": "' + ZERO_UUID + '"}}')
] + [
    ("POST", POD, b'{"pod": {"region_name": "\xff"}}'),
    ("POST", POD, b"\xff\xfe{}"),
    ("POST", POD, b'{"pod": {"region_name": "R\xc3"}}'),
    ("POST", POD, DEEP),
    ("POST", POD, DEEP_OBJECT),
    ("POST", ROUTING, DEEP),
    ("POST", JOB, b'{"job": {"type": "router_setup", "project_id": "demo", "resource": '
     + DEEP_OBJECT + b"}}"),
    ("POST", POD, b'{"pod": {"\\ud800": "x", "region_name": "R"}}'),
    ("POST", POD, b'{"pod": {"' + LONG.encode() + b'": "x", "region_name": "R"}}'),
    ("POST", POD, b'{"pod": {"region_name": "R", "region_name": "\\u0000"}}'),
]


def _body_id(case) -> str:
    method, path, body = case
    return f"{path}:{body[:40]!r}"


@pytest.mark.parametrize("case", BAD_BODIES, ids=[_body_id(c) for c in BAD_BODIES])
def test_bad_bodies_are_400_and_store_nothing(api, pods, case):
    method, path, body = case
    check_refused(api.request(method, path, raw=body), f"{method} {path} {body[:60]!r}")
    assert len(api.get("/v1.0/pods").json["pods"]) == len(pods)
    assert api.get("/v1.0/routings").json["routings"] == []
    assert api.get("/v1.0/jobs").json["jobs"] == []
    assert api.get("/v1.0/bindings").json["bindings"] == []


TOO_LONG_FOR_THE_COLUMN = [
    (POD, {"pod": {"region_name": "r" * 256}}),
    (POD, {"pod": {"region_name": "R", "pod_az_name": "a" * 256}}),
    (ROUTING, _routing(top_id="t" * 128)),
    (ROUTING, _routing(bottom_id="b" * 128)),
    (ROUTING, _routing(project_id="p" * 65)),
    (JOB, {"job": {"type": "router_setup", "project_id": "p" * 65,
                   "resource": {"pod_id": "p", "router_id": "r", "network_id": "n"}}}),
    # Three values joined by '#' must fit async_jobs.resource_id (255).
    (JOB, _job(pod_id="p" * 100, router_id="r" * 100, network_id="n" * 100)),
    (BINDING, {"binding": {"tenant_id": "t" * 65, "pod_id": ZERO_UUID}}),
]


@pytest.mark.parametrize(("path", "body"), TOO_LONG_FOR_THE_COLUMN,
                         ids=[f"{p}:{list(list(b.values())[0])}" for p, b in
                              TOO_LONG_FOR_THE_COLUMN])
def test_values_longer_than_their_column_are_400(api, path, body):
    message = check_refused(api.post(path, body), f"POST {path} too long")
    assert "Invalid input for field" in message


def test_longest_values_the_schema_allows_fit_their_columns(api, pods):
    """The other side of the bound: values of the largest allowed size are stored."""
    pod_id = pods["RegionOne"]["pod_id"]
    routing = api.post(ROUTING, _routing(top_id="t" * 127, bottom_id="b" * 127,
                                         pod_id=pod_id, project_id="p" * 64))
    assert routing.status_int == 200, routing.text
    longest = (255 - 2) // 3
    job = api.post(JOB, _job(pod_id="p" * longest, router_id="r" * longest,
                             network_id="n" * longest))
    assert job.status_int == 202, job.text
    pod = api.post(POD, {"pod": {"region_name": "r" * 255, "az_name": "a" * 255,
                                 "dc_name": "d" * 255}})
    assert pod.status_int == 200, pod.text


def test_a_long_unexpected_member_is_named_by_its_prefix_only(api):
    body = {"pod": {"region_name": "R", LONG: 1}}
    message = check_refused(api.post(POD, body), "a 5000-character member name")
    assert "xxxx" in message


@pytest.mark.parametrize("name", ["Région Ünø 東京", "edge \U0001F600 site"])
def test_names_with_inner_spaces_and_any_unicode_are_stored(api, name):
    """Characters beyond the Basic Multilingual Plane too (4 bytes in UTF-8, which
    MySQL's 3-byte "utf8" could not store)."""
    resp = api.post(POD, {"pod": {"region_name": name, "dc_name": name}})
    assert resp.status_int == 200, resp.text
    shown = api.get(f"/v1.0/pods/{resp.json['pod']['pod_id']}").json["pod"]
    assert shown["region_name"] == name and shown["dc_name"] == name
    found = api.get("/v1.0/pods").json["pods"]
    assert [pod["region_name"] for pod in found] == [name]


# -- the gateway's body parsing ----------------------------------------------------------

GATEWAY_BODIES = [
    DEEP, DEEP_OBJECT, b'{"server": ' + DEEP + b"}", b"\xff{}",
    b'{"server": {"name": "\xff"}}', b'{"server": {"name": "vm", "min_count": 1e400}}',
    b'{"server": {"name": "vm", "max_count": ' + HUGE_INTEGER + b"}}",
    b'{"server": {"name": "vm", "flavorRef": NaN}}',
]


@pytest.mark.parametrize("body", GATEWAY_BODIES, ids=[repr(b[:30]) for b in GATEWAY_BODIES])
def test_gateway_refuses_bodies_it_cannot_parse(gw, fakes, body):
    alice = gw.as_user("alice", "demo")
    for path in ("/compute/v2.1/servers", "/volume/v3/demo/volumes"):
        resp = alice.request("POST", path, raw=body)
        check_refused(resp, f"gateway POST {path} {body[:40]!r}")
    for fake in fakes.values():
        assert not [r for r in fake.requests if r["method"] == "POST"]
