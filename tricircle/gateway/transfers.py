"""Volume transfers (os-volume-transfer, and volume-transfers from 3.55).

A transfer is made in its volume's region (its routing is recorded like any
create). The accepting project does not own the transfer, so its accept is
routed by the transfer's routing whoever asks (the auth_key, which only the
giver can pass on, is what Cinder checks); once accepted, the volume's
routing names its new project, so the new owner's calls are routed at once.

With central quota on, an accept is a create for the accepting project: one
volume and its gigabytes, checked under that project's quota lease like any
other create before the accept is forwarded. The size is read with the
[client] service account, because the transfer and its volume still belong
to the giving project, whose token the accepting caller does not have.
"""

import urllib.parse

import webob
from keystoneauth1 import exceptions as ks_exc

from tricircle.common import client
from tricircle.gateway import proxy, quota, quota_lease, rules, store
from tricircle.gateway.call import Call, GatewayError, parse_json
from tricircle.gateway.regions import TABLE
from tricircle.gateway.routed import not_found
from tricircle.objects import routing as routing_obj
from tricircle.objects.pod import Region


def _transfer_region(call: Call, transfer_id: str) -> Region | None:
    """The region the transfer's routing names, for any project."""
    found = store.find("transfer", transfer_id, None)
    return TABLE.get(found["pod_id"]) if found else None


def _give_volume_to(volume_id: str, project_id: str) -> None:
    """The volume's routings now name the project that accepted it."""
    for routing in routing_obj.of_top("volume", volume_id):
        if routing["project_id"] != project_id:
            routing_obj.update(routing["id"], {"project_id": project_id})
    store.drop("volume", volume_id)


def service_credentials() -> tuple[str, str] | None:
    """(token, project id) of the [client] service account, None when there is no
    account (or Keystone cannot give a token now)."""
    if not client.is_configured():
        return None
    session = client.shared_session()
    try:
        return session.get_token(), session.get_project_id()
    except ks_exc.ClientException:
        return None


def _read_as_service(call: Call, region: Region, credentials: tuple[str, str],
                     path: str) -> dict | None:
    """GET ``path`` (below /v3/{project}) of ``region`` as the service account:
    the one object of its answer, None for a 404."""
    token, project = credentials
    reply = proxy.send(region, call.service.service_type, "GET", f"/v3/{project}{path}",
                       "", None, {"X-Auth-Token": token, "Accept": "application/json"},
                       None, call.request_id)
    data = reply.json()
    item = next(iter(data.values()), None) if isinstance(data, dict) and data else None
    if reply.status == 404:
        return None
    if reply.status != 200 or not isinstance(item, dict):
        raise GatewayError(503, f"The volume transfer could not be read from region "
                           f"{region.region_name} to count it; try again later.")
    return item


def _transfer_size(call: Call, region: Region, transfer_id: str) -> int:
    """The size of the volume a transfer gives (Cinder's 404 for no such transfer)."""
    credentials = service_credentials()
    if credentials is None:
        raise GatewayError(403, "Volume transfers cannot be accepted through the gateway "
                           "while central quota is on without a [client] service "
                           "account to read their size. Ask an administrator to "
                           "accept it in its region.")
    transfer = _read_as_service(call, region, credentials, "/os-volume-transfer/"
                                + urllib.parse.quote(transfer_id, safe=""))
    volume_id = transfer.get("volume_id") if transfer else None
    if not rules.is_routed_id(volume_id):
        raise not_found("transfer", transfer_id)
    volume = _read_as_service(call, region, credentials, "/volumes/" + volume_id)
    size = volume.get("size") if volume else None
    if isinstance(size, bool) or not isinstance(size, int):
        raise not_found("transfer", transfer_id)
    return size


def _accept(call: Call) -> webob.Response:
    """POST .../{id}/accept: 202 from the transfer's region, the volume's routing
    moved to the accepting project; 404 for a transfer the gateway has no routing
    for (it was made in a region directly: accept it there). With central quota
    on, the accepting project's volumes and gigabytes are checked first (Cinder's
    413 when over), under its quota lease (``accept``)."""
    transfer_id = call.args["id"]
    if not rules.is_routed_id(transfer_id):
        raise not_found("transfer", transfer_id)
    parse_json(call.req.body)  # 400 here for a body no region could read
    region = _transfer_region(call, transfer_id)
    if region is None:
        raise not_found("transfer", transfer_id)
    if quota.enabled():
        size = _transfer_size(call, region, transfer_id)
        quota.check_volume_deltas(call, region, {"volumes": 1, "gigabytes": size})
    reply = call.send(region)
    data = reply.json()
    made = data.get("transfer") if isinstance(data, dict) else None
    if 200 <= reply.status < 300 and isinstance(made, dict) and rules.is_routed_id(
            made.get("volume_id")):
        _give_volume_to(made["volume_id"], call.context.project_id)
        store.forget("transfer", transfer_id, region.pod_id)  # Cinder deletes it
    return call.respond(reply)


accept = quota_lease.serialized(_accept)
