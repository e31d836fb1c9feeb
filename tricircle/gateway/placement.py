"""Where a new server must go: every input of its body that ties it to a region.

A server boots from or attaches volumes (block_device_mapping_v2 with
source_type volume or snapshot, the legacy block_device_mapping), joins a
server group (the ``group`` scheduler hint), plugs into ports and networks
(a network hinted to one region, when ``[gateway]/place_by_network_hints``
is on), and may name an availability zone. Each of these lives in one region; the server has to be
there too. This module collects the regions those inputs name; when they
disagree the create is a 409 naming every region, so the caller learns which
inputs to change instead of getting an opaque 400 from the wrong region.

Volumes and snapshots the gateway never saw (made directly in a region) are
located and adopted (routed.locate in Cinder), not ignored.
"""

import dataclasses
import logging
from collections.abc import Iterator

import webob

from tricircle.common.neutron import RemoteError
from tricircle.gateway import central_neutron, routed, rules, store
from tricircle.gateway.call import Call, GatewayError, parse_json, shown
from tricircle.gateway.conf import CONF
from tricircle.gateway.regions import TABLE
from tricircle.gateway.routed import locate
from tricircle.objects.pod import Region

LOG = logging.getLogger(__name__)
# The body keys Nova reads scheduler hints from (beside "server", not in it).
HINT_KEYS = ("os:scheduler_hints", "OS-SCH-HNT:scheduler_hints")


@dataclasses.dataclass(frozen=True)
class Tie:
    """One input of the create (``what``: "volume 1234...") and the region it is in."""

    what: str
    region: Region


def volume_call(call: Call) -> Call:
    """``call`` as a Cinder call of the same caller, to locate its volumes."""
    # Imported here: volume.py imports create.py, which imports this module.
    from tricircle.gateway import volume

    # Cinder reads OpenStack-API-Version too: a "compute 2.x" there without a
    # "volume" part makes it answer every show with a 404 (no version matched),
    # so the caller's Nova microversion headers stay with the Nova call.
    req = call.req.copy_get()
    for header in ("OpenStack-API-Version", call.service.legacy_microversion_header):
        if header:
            req.headers.pop(header, None)
    return dataclasses.replace(call, req=req, service=volume.SERVICE,
                               project=call.context.project_id or call.project)


def _mapped_sources(entity: dict) -> Iterator[tuple[str, str]]:
    """(resource type, id) of every volume and snapshot the server's mappings name."""
    for mapping in entity.get("block_device_mapping_v2") or []:
        if not isinstance(mapping, dict):
            continue
        source = mapping.get("source_type")
        if source in ("volume", "snapshot"):
            yield source, mapping.get("uuid")
    for mapping in entity.get("block_device_mapping") or []:  # legacy, before 2.0 BDMs
        if not isinstance(mapping, dict):
            continue
        for field, resource_type in (("volume_id", "volume"), ("snapshot_id", "snapshot")):
            if mapping.get(field):
                yield resource_type, mapping.get(field)


def _volume_ties(call: Call, entity: dict) -> list[Tie]:
    ties = []
    cinder = None
    for resource_type, source_id in _mapped_sources(entity):
        # Not an id: Nova refuses the body with its own 400, no lookup needed.
        if not rules.is_routed_id(source_id):
            continue
        cinder = cinder or volume_call(call)
        region = _located(cinder, resource_type, source_id, "Block Device Mapping is "
                          "Invalid")
        ties.append(Tie(f"{resource_type} {source_id}", region))
    return ties


def _located(call: Call, resource_type: str, top_id: str, refusal: str) -> Region:
    """The region of an input; one nobody shows the caller is the create's 400, as in
    Nova (the id is not repeated: it may be another project's)."""
    try:
        region, _ = locate(call, resource_type, top_id)
    except GatewayError as exc:
        if exc.status == 404:
            kind = resource_type.replace("_", " ")
            raise GatewayError(400, f"{refusal}: a {kind} it names could not be "
                               "found.") from None
        raise
    return region


def server_group_of(body: dict) -> object:
    """The server group a create's scheduler hints name, if any."""
    for key in HINT_KEYS:
        hints = body.get(key)
        if isinstance(hints, dict) and hints.get("group"):
            group = hints["group"]
            return group[0] if isinstance(group, list) and group else group
    return None


def _group_tie(call: Call, body: dict) -> list[Tie]:
    group = server_group_of(body)
    if group is None:
        return []
    if not rules.is_routed_id(group):
        raise GatewayError(400, f"Invalid input for field/attribute group: "
                           f"{shown(group)} is not a UUID.")
    region = _located(call, "server_group", group, "Invalid scheduler hint group")
    return [Tie(f"server group {group}", region)]


def _port_ties(call: Call, entity: dict) -> list[Tie]:
    """Ports already bound in a region (the local plugin records their routing)."""
    networks = entity.get("networks")
    ties = []
    for item in networks if isinstance(networks, list) else []:
        port = item.get("port") if isinstance(item, dict) else None
        if not rules.is_routed_id(port):
            continue
        routing = store.find("port", port, call.scope)
        region = TABLE.get(routing["pod_id"]) if routing else None
        if region is not None:
            ties.append(Tie(f"port {port}", region))
    return ties


def central_network(network_id: str) -> dict | None:
    """The network as central Neutron has it (the [client] account), None when it
    has no such network. Raises RemoteError when central Neutron cannot answer."""
    return central_neutron.central().get("network", network_id)


def _hinted_regions(hints: list, regions: list[Region]) -> list[Region]:
    """The regions a network's availability_zone_hints allow (AZ or region names)."""
    return [r for r in regions if r.az_name in hints or r.region_name in hints]


def _network_ties(call: Call, entity: dict) -> list[Tie]:
    """Networks hinted to exactly one region tie the server to it; a network the
    caller does not own and is not shared is left to Nova to refuse."""
    networks = entity.get("networks")
    if not CONF.gateway.place_by_network_hints or not isinstance(networks, list):
        return []
    regions = TABLE.with_service(call.service.service_type)
    ties = []
    for item in networks:
        network_id = item.get("uuid") if isinstance(item, dict) else None
        if not rules.is_routed_id(network_id):
            continue
        try:
            network = central_network(network_id)
        except RemoteError as exc:
            LOG.warning("network hints of %s not used: %s", network_id, exc)
            return ties
        if not network or not (network.get("shared") or call.context.is_admin_role
                               or network.get("project_id") == call.context.project_id):
            continue
        hinted = _hinted_regions(network.get("availability_zone_hints") or [], regions)
        if len(hinted) == 1:
            ties.append(Tie(f"network {network_id}", hinted[0]))
    return ties


def ties(call: Call, body: dict, entity: dict) -> list[Tie]:
    """Every input of a server create that names the region it must be in."""
    return [*_volume_ties(call, entity), *_group_tie(call, body), *_port_ties(call, entity),
            *_network_ties(call, entity)]


def conflict(found: list[Tie], zone: str | None = None) -> GatewayError:
    """The 409 of inputs in more than one region (or outside the asked zone)."""
    where = "; ".join(f"{tie.what} is in region {tie.region.region_name}" for tie in found)
    outside = f", outside availability zone {shown(zone)}" if zone else ""
    return GatewayError(409, f"The inputs of this server are in different regions: "
                        f"{where}{outside}. Use inputs of one region.")


def region_of(found: list[Tie], zone: str | None) -> Region | None:
    """The one region every tie names (None: nothing ties the server); 409 when they
    disagree with each other or with the zone asked for."""
    if not found:
        return None
    regions = {tie.region.pod_id for tie in found}
    if len(regions) > 1:
        raise conflict(found)
    region = found[0].region
    if zone and zone not in (region.az_name, region.region_name):
        raise conflict(found, zone)
    return region


def attach_volume(call: Call) -> webob.Response:
    """POST /servers/{id}/os-volume_attachments: forwarded to the server's region
    when the volume is there too, else a 409 naming the volume's region."""
    server, _ = locate(call, "server", call.args["id"])
    body = parse_json(call.req.body)
    attachment = body.get("volumeAttachment") if isinstance(body, dict) else None
    volume_id = attachment.get("volumeId") if isinstance(attachment, dict) else None
    if rules.is_routed_id(volume_id):
        volume = _located(volume_call(call), "volume", volume_id, "Invalid volume")
        if volume.pod_id != server.pod_id:
            raise GatewayError(409, f"Volume {volume_id} is in region "
                               f"{volume.region_name} and server {call.args['id']} in "
                               f"{server.region_name}: a server attaches volumes of its "
                               "own region only.")
    return routed.by_id(call)
