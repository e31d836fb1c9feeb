"""Central quota of what grows in place: a server resized to a larger flavor, a
volume extended.

Neither is a create, yet each takes more of the project's cores, RAM or
gigabytes, so with ``[gateway]/central_quota`` on the growth is checked as
Nova and Cinder check it themselves: a resize for the new flavor's vCPUs and
RAM above the server's (a smaller flavor asks nothing), an extend for the
gigabytes above the volume's size. The check runs under the caller's quota
lease, so that no create of the project is checked beside it; the lease is
given back when the region answers, without waiting for the region to count
the growth (a resize is counted when it finishes, which may take minutes).
Every other action goes to the resource's region as before, without a lease.
"""

import urllib.parse

import webob
from oslo_limit import exception as limit_exc

from tricircle.gateway import proxy, quota, quota_lease, routed, unified_limits
from tricircle.gateway.call import Call, GatewayError, parse_json
from tricircle.objects.pod import Region

# The microversion a server's show embeds its flavor's vCPUs and RAM from (2.47),
# so that a flavor deleted since the server was made still tells its size.
_EMBEDDED_FLAVOR = "2.47"
_MICROVERSION_HEADERS = ("openstack-api-version", "x-openstack-nova-api-version")


def _action(call: Call, name: str) -> dict | None:
    """The body of the action ``name`` when this call asks for it, else None."""
    body = parse_json(call.req.body)
    asked = body.get(name) if isinstance(body, dict) and len(body) == 1 else None
    return asked if isinstance(asked, dict) else None


def _server(call: Call, region: Region, server_id: str) -> dict:
    """The server as its region shows it at 2.47: its flavor's size and project."""
    headers = {name: value for name, value in proxy.forward_headers(call.req).items()
               if name.lower() not in _MICROVERSION_HEADERS}
    headers["OpenStack-API-Version"] = "compute " + _EMBEDDED_FLAVOR
    path = call.region_path("/servers/" + urllib.parse.quote(server_id, safe=""))
    reply = proxy.send(region, "compute", "GET", path, "", b"", headers, None,
                       call.request_id)
    data = reply.json()
    server = data.get("server") if isinstance(data, dict) else None
    if reply.status == 404:
        raise routed.not_found("server", server_id)
    if reply.status != 200 or not isinstance(server, dict):
        raise GatewayError(503, f"Server {server_id} could not be read from region "
                           f"{region.region_name}; try again later.")
    return server


def _size(flavor: object, field: str) -> int:
    value = flavor.get(field) if isinstance(flavor, dict) else None
    if isinstance(value, bool) or not isinstance(value, int):
        raise GatewayError(503, "The size of the server's flavor could not be read; "
                           "try again later.")
    return value


def _growth(deltas: dict[str, int]) -> dict[str, int]:
    return {name: delta for name, delta in deltas.items() if delta > 0}


def _resize(call: Call) -> webob.Response:
    asked = _action(call, "resize") or {}
    region, _ = routed.locate(call, "server", call.args["id"])
    server = _server(call, region, call.args["id"])
    new = quota.flavor_of(call, region, asked.get("flavorRef"))
    old = server.get("flavor")
    growth = _growth({"class:VCPU": new["vcpus"] - _size(old, "vcpus"),
                      "class:MEMORY_MB": new["ram"] - _size(old, "ram")})
    if growth:
        project = server.get("tenant_id") or call.context.project_id
        try:
            unified_limits.enforce("compute", project, growth, quota.counter(call))
        except limit_exc.ProjectOverLimit as exc:
            raise quota.nova_fault(exc) from None
    return routed.by_id(call)


def _extend(call: Call) -> webob.Response:
    asked = _action(call, "os-extend") or {}
    region, _ = routed.locate(call, "volume", call.args["id"])
    volume = quota.show(call, region, "/volumes/" + urllib.parse.quote(
        call.args["id"], safe=""))
    new_size = asked.get("new_size")
    if isinstance(new_size, str) and new_size.isdigit():
        new_size = int(new_size)  # Cinder accepts the digits as well
    if volume is None or isinstance(new_size, bool) or not isinstance(
            new_size, int) or not isinstance(volume.get("size"), int):
        return routed.by_id(call)  # Cinder's own answer: not found, or a bad new_size
    growth = _growth({"gigabytes": new_size - volume["size"]})
    if growth:
        project = volume.get("os-vol-tenant-attr:tenant_id") or call.context.project_id
        try:
            unified_limits.enforce("volumev3", project, growth, quota.counter(call))
        except limit_exc.ProjectOverLimit as exc:
            raise quota.cinder_fault(exc) from None
    return routed.by_id(call)


_resize_under_lease = quota_lease.serialized(_resize)
_extend_under_lease = quota_lease.serialized(_extend)


def server_action(call: Call) -> webob.Response:
    """POST /servers/{id}/action: a resize checked against the central quota first."""
    if quota.enabled() and _action(call, "resize") is not None:
        return _resize_under_lease(call)
    return routed.by_id(call)


def volume_action(call: Call) -> webob.Response:
    """POST /volumes/{id}/action: an extend checked against the central quota first."""
    if quota.enabled() and _action(call, "os-extend") is not None:
        return _extend_under_lease(call)
    return routed.by_id(call)
