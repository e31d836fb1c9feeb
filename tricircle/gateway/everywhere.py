"""Writes to what every region must hold alike: flavors and key pairs.

The default region answers first: its status and body are the caller's, and
an error there stops the write. The other regions then get the same request
at once. Two requests are adjusted so that every region ends up with the same
thing: a flavor created without an id gets one id here, and a key pair the
first region generated is imported, not generated again, elsewhere. A region
that misses the write is repaired by a ``global_sync`` job (a flavor by its
id, a key pair by its user and name; tricircle.xjob.global_sync), since
repeating the request would stop at the default region's 409 or 404.
Volume types and the other global Cinder resources are global_names'.
"""

import json
import logging
import uuid

import webob

from tricircle.gateway import default, global_names, proxy
from tricircle.gateway.call import PARTIAL_HEADER, Call, parse_json
from tricircle.gateway.regions import TABLE

LOG = logging.getLogger(__name__)


def write(call: Call) -> webob.Response:
    """The write in the default region, then in every other one at once; a region
    that misses it is named in X-Tricircle-Partial and logged, and a global_sync
    job is queued to bring it in line."""
    regions = TABLE.with_service(call.service.service_type)
    first_region = default.pick(call, regions)
    body = _with_shared_id(call)
    first = call.send(first_region, body=body)
    others = [r for r in regions if r.pod_id != first_region.pod_id]
    if first.status >= 400 or not others:
        return call.respond(first)
    body = _same_key_pair(call, first, body)
    results = proxy.fan_out(others, lambda region: call.send(region, body=body))
    missed = [region.region_name for region, reply in results
              if not isinstance(reply, proxy.Reply) or reply.status >= 400]
    response = call.respond(first)
    if missed:
        LOG.warning("%s %s reached %s but not %s", call.req.method, call.path,
                    first_region.region_name, ", ".join(missed))
        response.headers[PARTIAL_HEADER] = ", ".join(missed)
        target = _sync_target(call, first)
        if target is not None:
            global_names.queue_sync(call, *target)
    return response


def _sync_target(call: Call, first: proxy.Reply) -> tuple[str, str] | None:
    """(kind, name) of the global_sync job that repairs this write: ("flavor",
    flavor id) or ("keypair", "user id/key name"); None when the default
    region's answer does not say which."""
    parts = call.path.strip("/").split("/")
    kind, key = ("flavor", "id") if parts[0] == "flavors" else ("keypair", "name")
    if len(parts) > 1:
        name = parts[1]
    else:
        data = first.json()
        made = data.get(kind) if isinstance(data, dict) else None
        name = made.get(key) if isinstance(made, dict) else None
    if not isinstance(name, str) or not name:
        return None
    if kind == "flavor":
        return kind, name
    user = call.req.GET.get("user_id") or call.context.user_id
    return (kind, f"{user}/{name}") if user else None


def _json_body(call: Call) -> dict | None:
    """The body of a create the gateway adjusts (POST); 400 when it cannot be read.
    Other writes are not read here: the regions judge their bodies."""
    if call.req.method != "POST":
        return None
    data = parse_json(call.req.body)
    return data if isinstance(data, dict) else None


def _with_shared_id(call: Call) -> bytes:
    """A flavor created without an id gets one here, so every region uses the same."""
    data = _json_body(call)
    flavor = data.get("flavor") if data else None
    if isinstance(flavor, dict) and flavor.get("id") in (None, "", "auto"):
        flavor["id"] = str(uuid.uuid4())
        return json.dumps(data).encode()
    return call.req.body


def _same_key_pair(call: Call, first: proxy.Reply, body: bytes) -> bytes:
    """A key pair the first region generated is imported, not generated again,
    elsewhere: one private key must open servers in every region."""
    data = _json_body(call)
    wanted = data.get("keypair") if data else None
    if not isinstance(wanted, dict) or wanted.get("public_key"):
        return body
    try:
        made = first.json().get("keypair", {})
    except (ValueError, AttributeError):
        return body
    if not made.get("public_key"):
        return body
    imported = {key: value for key, value in wanted.items() if key != "type"}
    imported["public_key"] = made["public_key"]
    if made.get("type"):
        imported["type"] = made["type"]
    return json.dumps({"keypair": imported}).encode()
