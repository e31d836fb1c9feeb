"""Volume transfers (os-volume-transfer, and volume-transfers from 3.55).

A transfer is made in its volume's region (its routing is recorded like any
create). The accepting project does not own the transfer, so its accept is
routed by the transfer's routing whoever asks (the auth_key, which only the
giver can pass on, is what Cinder checks); once accepted, the volume's
routing names its new project, so the new owner's calls are routed at once.
"""

import webob

from tricircle.gateway import quota, rules, store
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


def accept(call: Call) -> webob.Response:
    """POST .../{id}/accept: 202 from the transfer's region, the volume's routing
    moved to the accepting project; 404 for a transfer the gateway has no routing
    for (it was made in a region directly: accept it there).

    With central quota on it is refused (403): the accepting project gains the
    volume and its gigabytes, and their size is not known before the accept
    (the transfer and its volume are the giving project's)."""
    if quota.enabled():
        raise GatewayError(403, "Volume transfers cannot be accepted through the "
                           "gateway while central quota is on: the size of the volume "
                           "is not known before it is accepted. Ask an administrator "
                           "to accept it in its region.")
    transfer_id = call.args["id"]
    if not rules.is_routed_id(transfer_id):
        raise not_found("transfer", transfer_id)
    parse_json(call.req.body)  # 400 here for a body no region could read
    region = _transfer_region(call, transfer_id)
    if region is None:
        raise not_found("transfer", transfer_id)
    reply = call.send(region)
    data = reply.json()
    made = data.get("transfer") if isinstance(data, dict) else None
    if 200 <= reply.status < 300 and isinstance(made, dict) and rules.is_routed_id(
            made.get("volume_id")):
        _give_volume_to(made["volume_id"], call.context.project_id)
        store.forget("transfer", transfer_id, region.pod_id)  # Cinder deletes it
    return call.respond(reply)
