"""openstack multiregion usage show <project>."""

import json

import pytest

from tests.unit.client.fakes import make_client, run
from tricircleclient import exceptions
from tricircleclient.commands import usages

USAGE = {"project_id": "proj",
         "regions": {"RegionOne": {"server": 2}, "RegionTwo": {"server": 1}},
         "total": {"server": 3}}


def test_show_prints_each_field_and_keeps_nested_usage_as_json():
    client = make_client({("GET", "/usages/proj"): {"usage": USAGE}})
    assert json.loads(run(usages.ShowUsage, ["proj", "-f", "json"], client)) == USAGE
    table = run(usages.ShowUsage, ["proj"], client)
    assert "| total      | server='3'" in table


def test_show_passes_the_server_error_on():
    client = make_client({("GET", "/usages/proj"): exceptions.NotFound(
        "The resource /v1.0/usages/proj could not be found.", http_status=404)})
    with pytest.raises(exceptions.NotFound, match="usages/proj could not be found"):
        run(usages.ShowUsage, ["proj"], client)
