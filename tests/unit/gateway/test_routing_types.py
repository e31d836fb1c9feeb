"""Every resource type the gateway records a routing for is one the admin API
accepts (and the client offers), so `openstack multiregion networking routing
list --resource-type ...` can show it."""

from tricircle.common import constants
from tricircle.gateway import compute, routed, volume
from tricircleclient.commands import routings as client_routings


def _recorded_types() -> set[str]:
    # routed.by_id adopts (records) an id it finds in a region without a routing.
    return {r.resource_type for service in (compute.SERVICE, volume.SERVICE)
            for r in service.rules if r.handler is routed.by_id}


def test_every_type_the_gateway_routes_by_id_is_an_admin_api_type():
    recorded = _recorded_types()
    assert {"group", "group_snapshot", "transfer", "attachment", "message"} <= recorded
    assert recorded - set(constants.RESOURCE_TYPES) == set()


def test_the_client_offers_the_servers_types():
    assert client_routings.RESOURCE_TYPES == constants.RESOURCE_TYPES
