"""Cinder's global resources, alike in every region and matched by name.

Volume types, group types and QoS specs are global to a cloud, but each
region's Cinder gives them an id of its own. The gateway answers with the
default region's ids (reads go there), and a write by id is sent to every
region: the default region first (its answer is the caller's), then each
other region with the id that region gives the same name, found in its list.
Default types (``/default-types/{project}``) name their type by name to the
other regions, which Cinder accepts in place of an id.

A region that misses a write (down, or without the name) is named in
X-Tricircle-Partial and a ``global_sync`` job is queued for tricircle-xjob,
which makes that region match the default region (tricircle.xjob.global_sync).
An admin's list names the regions whose entries differ from the default
region's in ``X-Tricircle-Drift``.
"""

import dataclasses
import json
import logging
import urllib.parse

import webob

from tricircle.common import exceptions
from tricircle.gateway import default, proxy
from tricircle.gateway.call import PARTIAL_HEADER, Call, parse_json
from tricircle.gateway.regions import TABLE
from tricircle.objects import job as job_obj
from tricircle.objects.pod import Region
from tricircle.xjob import rpcapi

LOG = logging.getLogger(__name__)
DRIFT_HEADER = "X-Tricircle-Drift"
SYNC_JOB = "global_sync"


@dataclasses.dataclass(frozen=True)
class Kind:
    resource_type: str  # of the global_sync job
    url: str  # the collection's path: types, qos-specs, group_types
    key: str  # JSON key of one item
    list_key: str  # JSON key of the list
    list_query: str  # a list with every entry (Cinder lists private types on request)


KINDS = {kind.url: kind for kind in (
    Kind("volume_type", "types", "volume_type", "volume_types", "is_public=None"),
    Kind("group_type", "group_types", "group_type", "group_types", "is_public=None"),
    Kind("qos_spec", "qos-specs", "qos_specs", "qos_specs", ""),
)}


def queue_sync(call: Call, resource_type: str, name: str) -> None:
    """Queue (once) the job that brings every region in line for ``name``; a failed
    RPC cast only delays it until a worker's next scan."""
    job = job_obj.create(call.context.project_id or "admin", SYNC_JOB,
                         {"resource_type": resource_type,
                          "name": urllib.parse.quote(name, safe="")})
    try:
        rpcapi.run_job(job["id"])
    except Exception as exc:  # any transport error: the scan still finds the job
        LOG.warning("could not cast run_job(%s): %s", job["id"], exc)


def _items(call: Call, region: Region, kind: Kind) -> list[dict] | None:
    """Every entry of ``kind`` in ``region``, None when it did not answer a list."""
    try:
        reply = call.send(region, "GET", f"/{kind.url}", kind.list_query, b"")
    except exceptions.RegionUnreachable:
        return None
    data = reply.json()
    items = data.get(kind.list_key) if isinstance(data, dict) else None
    return items if reply.status == 200 and isinstance(items, list) else None


def _id_of(call: Call, region: Region, kind: Kind, name: str) -> str | None:
    for item in _items(call, region, kind) or []:
        if isinstance(item, dict) and item.get("name") == name:
            return item.get("id")
    return None


def _name_of(call: Call, region: Region, kind: Kind, item_id: str) -> str | None:
    """The name of the default region's entry ``item_id``."""
    # Segments are percent-encoded by Call.region_path, once.
    reply = call.send(region, "GET", f"/{kind.url}/{item_id}", "", b"")
    data = reply.json()
    item = data.get(kind.key) if isinstance(data, dict) else None
    return item.get("name") if reply.status == 200 and isinstance(item, dict) else None


def write(call: Call) -> webob.Response:
    """A write to a volume type, group type or QoS spec in every region."""
    kind = KINDS[call.path.split("/")[1]]
    parts = call.path.strip("/").split("/")
    regions = TABLE.with_service(call.service.service_type)
    first = default.pick(call, regions)
    by_id = len(parts) > 1
    name = _name_of(call, first, kind, parts[1]) if by_id else None
    if call.req.method == "POST" and not by_id:
        parse_json(call.req.body)  # 400 for a body no region could read
    reply = call.send(first)
    others = [r for r in regions if r.pod_id != first.pod_id]
    if reply.status >= 400 or not others:
        return call.respond(reply)
    if not by_id:
        data = reply.json()
        item = data.get(kind.key) if isinstance(data, dict) else None
        name = item.get("name") if isinstance(item, dict) else None
    if name is None:
        return call.respond(reply)
    results = proxy.fan_out(others, lambda region: _send_there(call, first, region, kind,
                                                               parts, name))
    missed = [region.region_name for region, answer in results
              if not isinstance(answer, proxy.Reply) or answer.status >= 400]
    response = call.respond(reply)
    if missed:
        LOG.warning("%s %s reached %s but not %s; a %s job will repair them",
                    call.req.method, call.path, first.region_name, ", ".join(missed),
                    SYNC_JOB)
        response.headers[PARTIAL_HEADER] = ", ".join(missed)
        queue_sync(call, kind.resource_type, name)
    return response


def _send_there(call: Call, first: Region, region: Region, kind: Kind, parts: list[str],
                name: str) -> proxy.Reply | None:
    """This write in ``region``, by that region's id for ``name``; None when the
    region has no such entry (the job will make it)."""
    query = call.req.query_string
    if len(parts) > 1:
        there = _id_of(call, region, kind, name)
        if there is None:
            return None
        parts = [parts[0], there, *parts[2:]]
    asked_type = call.req.GET.get("vol_type_id")
    if asked_type:
        type_name = _name_of(call, first, KINDS["types"], asked_type)
        type_there = _id_of(call, region, KINDS["types"], type_name) if type_name else None
        if type_there is None:
            return None
        query = urllib.parse.urlencode([(k, type_there if k == "vol_type_id" else v)
                                        for k, v in call.req.GET.items()])
    return call.send(region, path="/" + "/".join(parts), query=query)


def default_type(call: Call) -> webob.Response:
    """PUT/DELETE /default-types/{project} in every region; the type is named by its
    name to the regions other than the default one."""
    regions = TABLE.with_service(call.service.service_type)
    first = default.pick(call, regions)
    body = call.req.body
    data = parse_json(body) if call.req.method == "PUT" else None
    reply = call.send(first)
    others = [r for r in regions if r.pod_id != first.pod_id]
    if reply.status >= 400 or not others:
        return call.respond(reply)
    if isinstance(data, dict) and isinstance(data.get("default_type"), dict):
        asked = data["default_type"].get("volume_type")
        name = _name_of(call, first, KINDS["types"], asked) if isinstance(
            asked, str) else None
        if name:
            data["default_type"]["volume_type"] = name
            body = json.dumps(data).encode()
    results = proxy.fan_out(others, lambda region: call.send(region, body=body))
    missed = [region.region_name for region, answer in results
              if not isinstance(answer, proxy.Reply) or answer.status >= 400]
    response = call.respond(reply)
    if missed:
        response.headers[PARTIAL_HEADER] = ", ".join(missed)
        queue_sync(call, "default_type", call.args["project"])
    return response


def listed(call: Call) -> webob.Response:
    """GET of the list: the default region's; for an admin, the regions whose
    entries (by name) differ are named in X-Tricircle-Drift."""
    kind = KINDS[call.path.strip("/").split("/")[0]]
    regions = TABLE.with_service(call.service.service_type)
    first = default.pick(call, regions)
    reply = call.send(first)
    response = call.respond(reply)
    others = [r for r in regions if r.pod_id != first.pod_id]
    if reply.status != 200 or not others or not call.context.is_admin_role:
        return response
    mine = _items(call, first, kind)
    if mine is None:
        return response
    wanted = {i.get("name") for i in mine if isinstance(i, dict)}
    results = proxy.fan_out(others, lambda region: _items(call, region, kind))
    drifted = [region.region_name for region, items in results
               if not isinstance(items, list)
               or {i.get("name") for i in items if isinstance(i, dict)} != wanted]
    if drifted:
        response.headers[DRIFT_HEADER] = ", ".join(drifted)
    return response
