"""Every admin API route against every kind of token Keystone can issue.

The tokens are presented the way keystonemiddleware presents a validated token
to the app (X-Roles, X-Project-Id, OpenStack-System-Scope, X-Domain-Id, ...), by
a test-only WSGI layer in front of the admin API. Each route and method of
tricircle.api.handler.ROUTES must have an entry in EXPECTED below: who may call
it. Everybody else must get 401, 403 or 404, never a 5xx, and a refused write
must leave every collection as it was.
"""

import dataclasses
import json

import pytest
import webob

from tests.adversarial.conftest import expect_no_leak, expect_refused
from tests.functional import conftest as functional
from tricircle.api import app as api_app
from tricircle.api import handler, policy
from tricircle.common import config
from tricircle.db import api as db_api

PROJECT = "alice-project"   # owns the objects every path names
OTHER = "bob-project"       # owns objects nobody of PROJECT may see


@dataclasses.dataclass(frozen=True)
class Token:
    """What keystonemiddleware knows of a validated token."""
    roles: tuple[str, ...]
    project: str | None = None
    system: bool = False
    domain: str | None = None


ADMIN_ROLES = ("admin", "member", "reader")    # Keystone's implied roles
TOKENS = {
    "admin": Token(ADMIN_ROLES, "admin"),
    "other_admin": Token(ADMIN_ROLES, OTHER),   # admin is cloud-wide, as in Nova
    "member": Token(("member", "reader"), PROJECT),
    "reader": Token(("reader",), PROJECT),
    "service": Token(("service",), "service"),
    "other_member": Token(("member", "reader"), OTHER),
    "no_roles": Token((), PROJECT),
    "system_admin": Token(ADMIN_ROLES, system=True),
    "system_reader": Token(("reader",), system=True),
    "domain_admin": Token(ADMIN_ROLES, domain="default"),
    "domain_reader": Token(("reader",), domain="default"),
}

ADMINS = {"admin", "other_admin"}
PROJECT_READERS = {"member", "reader"}
EVERYONE = set(TOKENS)

# (method, route) -> the tokens that succeed. Every other token is refused.
EXPECTED = {
    ("GET", "/v1.0"): EVERYONE,
    ("GET", "/v1.0/pods"): ADMINS | {"service"},
    ("POST", "/v1.0/pods"): ADMINS,
    ("GET", "/v1.0/pods/{pod_id}"): ADMINS | {"service"},
    ("PUT", "/v1.0/pods/{pod_id}"): ADMINS,
    ("DELETE", "/v1.0/pods/{pod_id}"): ADMINS,
    # What the gateway's breakers saw of a region is the operator's alone.
    ("GET", "/v1.0/pods/{pod_id}/health"): ADMINS,
    # A project's readers list their own project's routings and jobs.
    ("GET", "/v1.0/routings"): ADMINS | {"service", "other_member"} | PROJECT_READERS,
    ("POST", "/v1.0/routings"): ADMINS | {"service"},
    ("GET", "/v1.0/routings/{routing_id}"): ADMINS | {"service"} | PROJECT_READERS,
    ("PUT", "/v1.0/routings/{routing_id}"): ADMINS,
    ("DELETE", "/v1.0/routings/{routing_id}"): ADMINS | {"service"},
    ("GET", "/v1.0/jobs"): ADMINS | {"other_member"} | PROJECT_READERS,
    ("POST", "/v1.0/jobs"): ADMINS | {"service"},
    ("GET", "/v1.0/jobs/detail"): ADMINS | {"other_member"} | PROJECT_READERS,
    ("GET", "/v1.0/jobs/schemas"): ADMINS,
    ("GET", "/v1.0/jobs/{job_id}"): ADMINS | PROJECT_READERS,
    ("PUT", "/v1.0/jobs/{job_id}"): ADMINS,
    ("DELETE", "/v1.0/jobs/{job_id}"): ADMINS,
    ("GET", "/v1.0/bindings"): ADMINS,
    ("POST", "/v1.0/bindings"): ADMINS,
    ("GET", "/v1.0/bindings/{binding_id}"): ADMINS,
    ("PUT", "/v1.0/bindings/{binding_id}"): ADMINS,
    ("DELETE", "/v1.0/bindings/{binding_id}"): ADMINS,
    ("GET", "/v1.0/usages/{project_id}"): ADMINS | PROJECT_READERS,
}

# Every route that needs a token, with each method the table gives it.
OPERATIONS = [(method, path) for path, methods in handler.ROUTES.items()
              if path not in handler.PUBLIC_PATHS for method in methods]

_IDENTITY = ("HTTP_X_ROLES", "HTTP_X_ROLE", "HTTP_X_PROJECT_ID", "HTTP_X_TENANT_ID",
             "HTTP_X_TENANT", "HTTP_X_USER_ID", "HTTP_X_DOMAIN_ID",
             "HTTP_OPENSTACK_SYSTEM_SCOPE", "HTTP_X_IDENTITY_STATUS")


class FakeKeystoneMiddleware:
    """Test-only stand-in for keystonemiddleware's auth_token: the X-Auth-Token
    names an entry of TOKENS; the app sees that token's headers and nothing the
    caller sent under the same names."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        for name in _IDENTITY:
            environ.pop(name, None)
        token = TOKENS.get(environ.get("HTTP_X_AUTH_TOKEN", "").partition(":")[0])
        if token is None:
            return webob.Response(status=401)(environ, start_response)
        environ.update({"HTTP_X_IDENTITY_STATUS": "Confirmed",
                        "HTTP_X_USER_ID": environ["HTTP_X_AUTH_TOKEN"],
                        "HTTP_X_ROLES": ",".join(token.roles)})
        if token.project:
            environ["HTTP_X_PROJECT_ID"] = token.project
        if token.system:
            environ["HTTP_OPENSTACK_SYSTEM_SCOPE"] = "all"
        if token.domain:
            environ["HTTP_X_DOMAIN_ID"] = token.domain
        return self.app(environ, start_response)


def _token_of(name: str) -> str:
    # "<persona>:<project>": the fake regions read the project after the colon.
    return f"{name}:{TOKENS[name].project or ''}"


@pytest.fixture
def seeded(request, api, pods):
    """Objects of PROJECT (named by the paths) and of OTHER (visible to no one of
    PROJECT), made by the admin; the usage route also needs the fake regions."""
    params = getattr(request.node, "callspec", None)
    if params and "usages" in str(params.params.get("path", "")):
        request.getfixturevalue("gw")
    region_one = pods["RegionOne"]["pod_id"]
    # The path's pod has no routings, so that deleting it needs no ?force.
    made = {"pod_id": pods["RegionTwo"]["pod_id"], "project_id": PROJECT}
    for project, suffix in ((OTHER, "other"), (PROJECT, "mine")):
        routing = api.post("/v1.0/routings", {"routing": {
            "top_id": f"net-{suffix}", "bottom_id": f"net-{suffix}", "pod_id": region_one,
            "project_id": project, "resource_type": "network"}}).json["routing"]
        job = api.post("/v1.0/jobs", {"job": {
            "type": "port_delete", "project_id": project,
            "resource": {"pod_id": region_one, "port_id": f"port-{suffix}"}}}).json["job"]
        made.update(routing_id=str(routing["id"]), job_id=job["id"])
    binding = api.post("/v1.0/bindings", {"binding": {
        "tenant_id": PROJECT, "pod_id": region_one}}).json["binding"]
    made["binding_id"] = str(binding["id"])
    return made


@pytest.fixture
def scoped(api, seeded):
    """The admin API behind FakeKeystoneMiddleware (auth_strategy = keystone)."""
    config.CONF.set_override("auth_strategy", "keystone")
    policy.reset()
    db_api.configure()
    return functional.ApiClient(FakeKeystoneMiddleware(api_app.FaultGuard(
        handler.AdminAPI())))


def _body(method: str, path: str, ids: dict) -> dict | None:
    """A valid body for each write, so only the policy can refuse it."""
    if method not in ("POST", "PUT"):
        return None
    pod_id = ids["pod_id"]  # RegionTwo's
    bodies = {
        "/v1.0/pods": {"pod": {"region_name": "RegionThree", "az_name": "az3"}},
        "/v1.0/pods/{pod_id}": {"pod": {"dc_name": "renamed"}},
        "/v1.0/routings": {"routing": {"top_id": "port-new", "bottom_id": "port-new",
                                       "pod_id": pod_id, "project_id": PROJECT,
                                       "resource_type": "port"}},
        "/v1.0/routings/{routing_id}": {"routing": {"bottom_id": "net-renamed"}},
        "/v1.0/jobs": {"job": {"type": "seg_rule_setup", "project_id": PROJECT,
                               "resource": {"project_id": PROJECT}}},
        "/v1.0/jobs/{job_id}": None,
        "/v1.0/bindings": {"binding": {"tenant_id": "carol", "pod_id": pod_id}},
        "/v1.0/bindings/{binding_id}": {"binding": {"is_binding": False}},
    }
    return bodies[path]


def _everything(api) -> str:
    """What the admin sees in every collection: a refused call must not change it."""
    return json.dumps([api.get(f"/v1.0/{name}").json
                       for name in ("pods", "routings", "jobs", "bindings")], sort_keys=True)


def test_every_route_has_an_expectation():
    assert sorted(OPERATIONS) == sorted(EXPECTED)


ALLOWED = [(method, path, token) for method, path in OPERATIONS
           for token in sorted(EXPECTED.get((method, path), ()))]


def _call(client, token: str, method: str, path: str, ids: dict) -> webob.Response:
    caller = client.as_user(*_token_of(token).split(":", 1))
    return caller.request(method, path.format(**ids), _body(method, path, ids))


@pytest.mark.parametrize(("method", "path", "token"), ALLOWED,
                         ids=[f"{m} {p} {t}" for m, p, t in ALLOWED])
def test_a_token_the_policy_lets_in_succeeds(scoped, seeded, method, path, token):
    resp = _call(scoped, token, method, path, seeded)
    assert resp.status_int in (200, 202, 204), f"{token} {method} {path}: {resp.text}"


@pytest.mark.parametrize(("method", "path"), OPERATIONS,
                         ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_every_other_token_is_refused_and_changes_nothing(api, scoped, seeded, method,
                                                          path):
    before = _everything(api)
    for token in sorted(EVERYONE - EXPECTED.get((method, path), set())):
        resp = _call(scoped, token, method, path, seeded)
        what = f"{token} {method} {path}"
        expect_refused(resp, what)
        assert resp.status_int in (401, 403, 404), f"{what}: {resp.text}"
        assert resp.json, what  # a fault body that says why
        assert _everything(api) == before, f"{what} changed something"


@pytest.mark.parametrize("token", sorted(PROJECT_READERS | {"other_member"}))
@pytest.mark.parametrize("collection", ["routings", "jobs", "jobs/detail"])
def test_a_projects_readers_list_only_their_own_project(scoped, seeded, collection,
                                                        token):
    mine = TOKENS[token].project
    resp = scoped.as_user(*_token_of(token).split(":", 1)).get(f"/v1.0/{collection}")
    assert resp.status_int == 200
    items = resp.json["routings" if collection == "routings" else "jobs"]
    assert items and {item["project_id"] for item in items} == {mine}
    others = [p for p in (PROJECT, OTHER) if p != mine]
    expect_no_leak(resp.text, others, f"{token} GET /v1.0/{collection}")


def test_scope_refusals_say_what_token_to_ask_for(scoped):
    resp = scoped.as_user("system_admin", "").get("/v1.0/pods")
    assert resp.status_int == 403
    assert "system-scoped token" in resp.text and "project-scoped" in resp.text


def test_old_defaults_hold_while_new_defaults_are_not_enforced(api, scoped, seeded):
    """An operator upgrading may set enforce_new_defaults = False: the deprecated
    rules then keep old access (any role in the project read its routings)."""
    no_roles = scoped.as_user("no_roles", PROJECT)
    url = f"/v1.0/routings/{seeded['routing_id']}"
    assert no_roles.get(url).status_int == 404
    config.CONF.set_override("enforce_new_defaults", False, "oslo_policy")
    policy.reset()
    assert no_roles.get(url).status_int == 200
    assert no_roles.get("/v1.0/pods").status_int == 403


def test_secure_rbac_is_on_by_default(clean_database):
    policy.get_enforcer()
    assert config.CONF.oslo_policy.enforce_new_defaults is True


@pytest.mark.parametrize("scope_header", [
    {"OpenStack-System-Scope": "all"}, {"X-Domain-Id": "default"},
    {"OpenStack-System-Scope": "all", "X-Domain-Id": "default", "X-Roles": "admin"}])
def test_noauth_ignores_a_forged_scope(api, pods, scope_header):
    """Under noauth the token names a project; a scope header cannot change it."""
    admin = api.get("/v1.0/pods", headers=scope_header)
    assert admin.status_int == 200 and len(admin.json["pods"]) == 3
    member = api.as_user("mallory", PROJECT).get("/v1.0/pods", headers=scope_header)
    expect_refused(member, f"noauth member with {sorted(scope_header)}")
    assert member.status_int == 403
    own = api.as_user("mallory", PROJECT).get("/v1.0/routings", headers=scope_header)
    assert own.status_int == 200
