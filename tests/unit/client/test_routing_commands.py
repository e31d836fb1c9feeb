"""openstack multiregion networking routing create|list|show|set|update|delete."""

import json

import pytest

from tests.unit.client.fakes import make_client, run
from tricircleclient.commands import routings

ROUTING = {"id": 7, "top_id": "net-top", "bottom_id": "net-bottom", "pod_id": "p1",
           "project_id": "proj", "resource_type": "network",
           "created_at": "2026-01-01T00:00:00", "updated_at": None}


def test_list_columns_and_long():
    client = make_client({("GET", "/routings"): {"routings": [ROUTING]}})
    assert json.loads(run(routings.ListRoutings, ["-f", "json"], client)) == [
        {"ID": 7, "Pod": "p1", "Resource Type": "network", "Top ID": "net-top"}]
    row = json.loads(run(routings.ListRoutings, ["-f", "json", "--long"], client))[0]
    assert row["Bottom ID"] == "net-bottom" and row["Project"] == "proj"
    assert row["Created At"] == "2026-01-01T00:00:00" and row["Updated At"] is None


def test_list_sends_every_filter_including_the_routing_id():
    client = make_client({("GET", "/routings"): {"routings": []}})
    run(routings.ListRoutings, [
        "--routing", "7", "--top-id", "t", "--bottom-id", "b", "--pod-id", "p1",
        "--project-id", "proj", "--resource-type", "port", "--created-at", "gt:2026-01-01",
        "--updated-at", "lt:2026-02-01", "--limit", "5", "--marker", "3"], client)
    assert client.http.calls == [("GET", "/routings", {
        "id": "7", "top_id": "t", "bottom_id": "b", "pod_id": "p1", "project_id": "proj",
        "resource_type": "port", "created_at": "gt:2026-01-01",
        "updated_at": "lt:2026-02-01", "limit": "5", "marker": "3"})]


def test_list_refuses_an_unknown_resource_type():
    with pytest.raises(SystemExit):
        run(routings.ListRoutings, ["--resource-type", "planet"], make_client({}))


def test_create_requires_the_fields_but_not_bottom_id():
    client = make_client({("POST", "/routings"): {"routing": ROUTING}})
    out = run(routings.CreateRouting, [
        "--top-id", "net-top", "--pod-id", "p1", "--project-id", "proj",
        "--resource-type", "network", "-f", "json"], client)
    assert json.loads(out)["id"] == 7
    assert client.http.calls[0][2] == {"routing": {
        "top_id": "net-top", "bottom_id": None, "pod_id": "p1", "project_id": "proj",
        "resource_type": "network"}}
    with pytest.raises(SystemExit):
        run(routings.CreateRouting, ["--top-id", "t"], client)


def test_show():
    client = make_client({("GET", "/routings/7"): {"routing": ROUTING}})
    out = run(routings.ShowRouting, ["7", "-f", "value", "-c", "bottom_id"], client)
    assert out.strip() == "net-bottom"


def test_set_sends_only_the_given_fields():
    client = make_client({("PUT", "/routings/7"): {"routing": ROUTING}})
    assert run(routings.SetRouting, ["7", "--bottom-id", "nb", "--resource-type", "subnet"],
               client) == ""
    assert client.http.calls == [("PUT", "/routings/7", {"routing": {
        "bottom_id": "nb", "resource_type": "subnet"}})]


def test_delete_several():
    client = make_client({("DELETE", "/routings/7"): None, ("DELETE", "/routings/8"): None})
    run(routings.DeleteRouting, ["7", "8"], client)
    assert [call[:2] for call in client.http.calls] == [("DELETE", "/routings/7"),
                                                       ("DELETE", "/routings/8")]
