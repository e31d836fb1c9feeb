"""os-simple-tenant-usage paged by instance (2.40+) across regions, as Horizon's
Overview pages it: a marker of any region, next links at the gateway."""

# ruff: noqa: F811  (pytest fixtures imported by name, then requested by argument)
import urllib.parse

import pytest

from tests.functional.test_gateway import boot, fakes, gw, nova  # noqa: F401
from tricircle.gateway import store

USAGE = "/compute/v2.1/os-simple-tenant-usage"
PAGED = {"OpenStack-API-Version": "compute 2.40"}
MAX_LIMIT = 3  # the regions' [api]/max_limit: a page never holds more


def _nova_usage(region, path: str, query: str, detailed_show: bool, paged: bool):
    """Nova's answer: the window's instances sorted by (project, uuid), after the
    marker (400 when the region has no such instance), at most limit of them, with
    totals of that page and a next link when the page is full."""
    params = dict(urllib.parse.parse_qsl(query))
    if not paged:  # before 2.40 Nova reads neither limit nor marker here
        params = {k: v for k, v in params.items() if k not in ("limit", "marker")}
    tenant = path.rstrip("/").rpartition("os-simple-tenant-usage")[2].strip("/") or None
    instances = sorted(region.items["servers"].values(),
                       key=lambda s: (s["tenant_id"], s["id"]))
    marker = params.get("marker")
    if marker:
        ids = [s["id"] for s in instances]
        if marker not in ids:
            return 400, {"badRequest": {"code": 400,
                                        "message": f"Marker {marker} could not be found."}}
        instances = instances[ids.index(marker) + 1:]
    if tenant:
        instances = [s for s in instances if s["tenant_id"] == tenant]
    size = min(int(params.get("limit") or MAX_LIMIT), MAX_LIMIT)
    page = instances[:size]
    usages: dict[str, dict] = {}
    for server in page:
        usage = usages.setdefault(server["tenant_id"], {
            "tenant_id": server["tenant_id"], "total_hours": 0.0,
            "total_vcpus_usage": 0.0, "total_memory_mb_usage": 0.0,
            "total_local_gb_usage": 0.0, "start": "s", "stop": "e",
            **({"server_usages": []} if detailed_show or params.get("detailed") == "1"
               else {})})
        usage["total_hours"] += 1.0
        usage["total_vcpus_usage"] += 1.0
        if "server_usages" in usage:
            usage["server_usages"].append({"instance_id": server["id"], "hours": 1.0})
    key = "tenant_usage" if tenant else "tenant_usages"
    body = {key: (usages.get(tenant, {}) if tenant else list(usages.values()))}
    if paged and page and len(page) == size:
        next_query = urllib.parse.urlencode({**params, "marker": page[-1]["id"]})
        body[f"{key}_links"] = [{"rel": "next",
                                 "href": f"{region.root}/v2.1/{path.split('/v2.1/')[1]}"
                                 f"?{next_query}"}]
    return 200, body


def serve_usage(region) -> None:
    """The fake region answers os-simple-tenant-usage as Nova does from 2.40."""
    route = region._route

    def routed(method, path, environ, body, headers):
        if "os-simple-tenant-usage" not in path:
            return route(method, path, environ, body, headers)
        status, data = _nova_usage(region, path, environ.get("QUERY_STRING", ""),
                                   detailed_show=not path.rstrip("/").endswith("usage"),
                                   paged="2.40" in headers.get("openstack-api-version", ""))
        return status, data, []

    region._route = routed


@pytest.fixture
def servers(gw, fakes):
    """demo's servers: three in RegionOne (az1), two in RegionTwo (az2)."""
    alice = gw.as_user("alice", "demo")
    made = {}
    for region, az, count in (("RegionOne", "az1", 3), ("RegionTwo", "az2", 2)):
        serve_usage(nova(fakes, region))
        made[region] = sorted(boot(alice, f"vm{i}", az=az).json["server"]["id"]
                              for i in range(count))
    return made


def _next_marker(body: dict, key: str) -> str | None:
    links = body.get(f"{key}_links") or []
    if not links:
        return None
    (link,) = links
    assert link["href"].startswith("http://localhost/compute/v2.1/")  # the gateway's
    return urllib.parse.parse_qs(urllib.parse.urlsplit(link["href"]).query)["marker"][0]


def _walk(client, path: str, key: str, limit: int | None = None) -> list[dict]:
    """Every page, following the gateway's next links (as novaclient does)."""
    pages, marker = [], None
    query = {"limit": limit} if limit else {}
    while True:
        asked = {**query, **({"marker": marker} if marker else {})}
        resp = client.get(f"{path}?{urllib.parse.urlencode(asked)}", headers=PAGED)
        assert resp.status_int == 200, resp.text
        pages.append(resp.json)
        marker = _next_marker(resp.json, key)
        if marker is None:
            return pages
        assert len(pages) < 10


def _instances(usage: dict) -> list[str]:
    return [s["instance_id"] for s in usage.get("server_usages") or []]


def test_paging_one_tenant_with_a_limit_shows_every_server_once(gw, fakes, servers):
    alice = gw.as_user("alice", "demo")
    pages = _walk(alice, f"{USAGE}/demo", "tenant_usage", limit=2)
    seen = [i for page in pages for i in _instances(page["tenant_usage"])]
    assert seen == servers["RegionOne"] + servers["RegionTwo"]  # regions in order
    assert [len(_instances(p["tenant_usage"])) for p in pages] == [2, 2, 1]
    assert sum(p["tenant_usage"]["total_hours"] for p in pages) == 5.0
    # Nova refuses `detailed` on one tenant's usage from 2.75: it is never added there.
    asked = [r["query"] for name in ("RegionOne", "RegionTwo")
             for r in nova(fakes, name).requests if "tenant-usage" in r["path"]]
    assert asked and not any("detailed" in query for query in asked)


def test_a_full_region_ends_the_page_and_the_next_goes_on_after_it(gw, fakes, servers):
    alice = gw.as_user("alice", "demo")
    boot(alice, "vm3", az="az1")  # RegionOne now has more than one page of its own
    pages = _walk(alice, f"{USAGE}/demo", "tenant_usage")
    sizes = [len(_instances(p["tenant_usage"])) for p in pages]
    assert sizes == [MAX_LIMIT, 1 + 2]
    seen = [i for page in pages for i in _instances(page["tenant_usage"])]
    assert seen == sorted(nova(fakes, "RegionOne").items["servers"]) + servers["RegionTwo"]


def test_horizons_overview_pages_by_its_last_server_until_nothing_is_left(gw, servers):
    """Horizon's usage_get: the last instance of each answer is the next marker,
    until an answer has no servers (once a 400, "marker is not supported")."""
    alice = gw.as_user("alice", "demo")
    seen, marker = [], None
    for _ in range(10):
        query = f"?marker={marker}" if marker else ""
        resp = alice.get(f"{USAGE}/demo{query}", headers=PAGED)
        assert resp.status_int == 200, resp.text
        page = _instances(resp.json["tenant_usage"])
        if not page:
            assert resp.json == {"tenant_usage": {}}
            break
        seen += page
        marker = page[-1]
    assert seen == servers["RegionOne"] + servers["RegionTwo"]


def test_all_tenants_pages_by_instance_without_details(gw, servers):
    pages = _walk(gw, USAGE, "tenant_usages", limit=2)
    assert [[u["total_hours"] for u in p["tenant_usages"]] for p in pages] == [
        [2.0], [2.0], [1.0]]
    assert all("server_usages" not in u for p in pages for u in p["tenant_usages"])


def test_a_marker_whose_routing_is_gone_is_found_in_its_region(gw, servers):
    marker = servers["RegionTwo"][0]
    store.forget("server", marker, store.find("server", marker, None)["pod_id"])
    store.clear_cache()
    resp = gw.get(f"{USAGE}/demo?marker={marker}", headers=PAGED)
    assert resp.status_int == 200, resp.text
    assert _instances(resp.json["tenant_usage"]) == servers["RegionTwo"][1:]


@pytest.mark.parametrize("marker", ["not-a-uuid", "8d1ae38e-7a2c-4a4f-9b1e-0d6b0d8c1a11"])
def test_a_marker_no_region_knows_is_novas_400(gw, servers, marker):
    resp = gw.get(f"{USAGE}/demo?marker={marker}", headers=PAGED)
    assert resp.status_int == 400
    assert resp.json["badRequest"]["message"] == f"Marker {marker} could not be found."


def test_before_2_40_a_marker_is_left_to_the_regions_which_ignore_it(gw, servers):
    resp = gw.get(f"{USAGE}/demo?marker=anything")
    assert resp.status_int == 200, resp.text
    assert len(_instances(resp.json["tenant_usage"])) == 5
