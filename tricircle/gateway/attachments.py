"""The attachments API (3.27): an attachment is made in its volume's region.

Its server must be in that region too: Nova and Cinder of one region attach
to each other only, so a server routed elsewhere is a 409 naming both regions.
"""

from tricircle.gateway import rules, store
from tricircle.gateway.call import Call, GatewayError
from tricircle.gateway.regions import TABLE
from tricircle.objects.pod import Region


def same_region(call: Call, region: Region, entity: dict) -> bool:
    """The rule's check: refuse (409) an attachment whose instance_uuid is a server
    routed to another region than the volume; the body is left as it came."""
    server_id = entity.get("instance_uuid")
    if not rules.is_routed_id(server_id):
        return False  # no server (a reservation) or no id: Cinder judges it
    routing = store.find("server", server_id, call.scope)
    server_region = TABLE.get(routing["pod_id"]) if routing else None
    if server_region is not None and server_region.pod_id != region.pod_id:
        raise GatewayError(409, f"Volume {entity.get('volume_uuid')} is in region "
                           f"{region.region_name}, server {server_id} in "
                           f"{server_region.region_name}: a volume can be attached to "
                           "servers of its own region only.")
    return False
