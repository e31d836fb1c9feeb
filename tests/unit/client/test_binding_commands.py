"""openstack multiregion binding create|list|show|set|delete."""

import json

import pytest

from tests.unit.client.fakes import make_client, run
from tricircleclient.commands import bindings

BINDING = {"id": "b1", "tenant_id": "proj", "pod_id": "p1", "az_name": "az1",
           "is_binding": True, "created_at": "2026-01-01T00:00:00", "updated_at": None}


def test_list_columns_and_long():
    client = make_client({("GET", "/bindings"): {"bindings": [BINDING]}})
    assert json.loads(run(bindings.ListBindings, ["-f", "json"], client)) == [
        {"ID": "b1", "Tenant": "proj", "Pod": "p1", "Availability Zone": "az1",
         "Current": True}]
    row = json.loads(run(bindings.ListBindings, ["-f", "json", "--long"], client))[0]
    assert row["Created At"] == "2026-01-01T00:00:00"


def test_list_filters():
    client = make_client({("GET", "/bindings"): {"bindings": []}})
    run(bindings.ListBindings, ["--tenant-id", "proj", "--pod-id", "p1",
                                "--availability-zone", "az1", "--not-current",
                                "--limit", "3", "--marker", "b0"], client)
    assert client.http.calls == [("GET", "/bindings", {
        "tenant_id": "proj", "pod_id": "p1", "az_name": "az1", "is_binding": "false",
        "limit": "3", "marker": "b0"})]


def test_current_and_not_current_exclude_each_other():
    with pytest.raises(SystemExit):
        run(bindings.ListBindings, ["--current", "--not-current"], make_client({}))


def test_create_is_current_unless_told_otherwise():
    client = make_client({("POST", "/bindings"): {"binding": BINDING}})
    out = run(bindings.CreateBinding, ["--tenant-id", "proj", "--pod-id", "p1", "-f", "json"],
              client)
    assert json.loads(out)["id"] == "b1"
    run(bindings.CreateBinding, ["--tenant-id", "proj", "--pod-id", "p1", "--not-current"],
        client)
    assert [call[2] for call in client.http.calls] == [
        {"binding": {"tenant_id": "proj", "pod_id": "p1"}},
        {"binding": {"tenant_id": "proj", "pod_id": "p1", "is_binding": False}}]


def test_show():
    client = make_client({("GET", "/bindings/b1"): {"binding": BINDING}})
    assert run(bindings.ShowBinding, ["b1", "-f", "value", "-c", "pod_id"], client) == "p1\n"


def test_set_moves_the_binding():
    client = make_client({("PUT", "/bindings/b1"): {"binding": BINDING}})
    assert run(bindings.SetBinding, ["b1", "--pod-id", "p2", "--current"], client) == ""
    assert client.http.calls == [("PUT", "/bindings/b1", {"binding": {
        "pod_id": "p2", "is_binding": True}})]


def test_delete():
    client = make_client({("DELETE", "/bindings/b1"): None})
    run(bindings.DeleteBinding, ["b1"], client)
    assert client.http.calls == [("DELETE", "/bindings/b1", None)]
