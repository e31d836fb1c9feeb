"""Central quota in the gateway's rules: creates checked, /limits and os-quota-sets shown.

With ``[gateway]/central_quota`` on, a create is refused when it would take
the project over a Keystone unified limit of CentralRegion
(tricircle.gateway.unified_limits), worded as Nova or Cinder word it; /limits
and os-quota-sets show the central limits and usage. Each region's own quota
still applies underneath. Names of the resources: quota_resources.RESOURCES.
"""

from collections.abc import Callable

import webob
from oslo_limit import exception as limit_exc

from tricircle.gateway import default, unified_limits
from tricircle.gateway.call import Call, GatewayError
from tricircle.gateway.conf import CONF
from tricircle.gateway.quota_resources import BY_UNIFIED_NAME
from tricircle.objects.pod import Region


def enabled() -> bool:
    return CONF.gateway.central_quota


def _legacy_name(unified_name: str) -> str:
    return BY_UNIFIED_NAME[unified_name].legacy_name


def _counter(call: Call) -> unified_limits.Counter:
    """The usage callback of this call: the caller's token and request id."""
    return unified_limits.counter(call.service.service_type,
                                  call.req.headers.get("X-Auth-Token", ""), call.context,
                                  call.request_id)


# -- over-quota faults, as the services word them -------------------------------------

def nova_fault(exc: limit_exc.ProjectOverLimit) -> GatewayError:
    """Nova's 403: 'Quota exceeded for instances: Requested 1, but already used 1 of 1
    instances' (its TooManyInstances; several resources are joined with ', ')."""
    overs = sorted(exc.over_limit_info_list, key=lambda i: _legacy_name(i.resource_name))
    names = ", ".join(_legacy_name(i.resource_name) for i in overs)
    requested = ", ".join(str(i.delta) for i in overs)
    used = ", ".join(str(i.current_usage) for i in overs)
    allowed = ", ".join(str(i.limit) for i in overs)
    return GatewayError(403, f"Quota exceeded for {names}: Requested {requested}, "
                        f"but already used {used} of {allowed} {names}")


def cinder_fault(exc: limit_exc.ProjectOverLimit) -> GatewayError:
    """Cinder's 413 overLimit with retryAfter, worded as its QuotaError subclasses."""
    overs = {i.resource_name: i for i in exc.over_limit_info_list}
    if "gigabytes" in overs:
        info = overs["gigabytes"]
        message = ("VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds "
                   f"allowed gigabytes quota. Requested {info.delta}G, quota is "
                   f"{info.limit}G and {info.current_usage}G has been consumed.")
    elif "volumes" in overs:
        message = ("VolumeLimitExceeded: Maximum number of volumes allowed "
                   f"({overs['volumes'].limit}) exceeded for quota 'volumes'.")
    else:
        message = ("SnapshotLimitExceeded: Maximum number of snapshots allowed "
                   f"({overs['snapshots'].limit}) exceeded")
    return GatewayError(413, message, details={"retryAfter": "0"},
                        headers={"Retry-After": "0"})


# -- what a create asks for --------------------------------------------------------

def _show(call: Call, region: Region, path: str) -> dict | None:
    """A resource of ``region`` as the caller may see it, None when it is not there."""
    reply = call.send(region, "GET", path, "", b"")
    data = reply.json()
    if reply.status != 200 or not isinstance(data, dict) or len(data) != 1:
        return None
    item = next(iter(data.values()))
    return item if isinstance(item, dict) else None


def _int(value: object, default: int) -> int:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default


def _flavor(call: Call, region: Region, flavor_ref: object) -> dict | None:
    if not isinstance(flavor_ref, str | int) or not str(flavor_ref):
        return None
    flavor_id = str(flavor_ref).rstrip("/").rsplit("/", 1)[-1]  # an id or a link
    return _show(call, region, f"/flavors/{flavor_id}")


def _server_deltas(flavor: dict | None, count: int) -> dict[str, int]:
    deltas = {"servers": count}
    if flavor is not None:
        deltas["class:VCPU"] = _int(flavor.get("vcpus"), 0) * count
        deltas["class:MEMORY_MB"] = _int(flavor.get("ram"), 0) * count
    return deltas


def _volume_size(call: Call, region: Region, entity: dict) -> int:
    """The size the new volume will have: asked, else its source's."""
    if "size" in entity:
        return _int(entity.get("size"), 0)
    for field, path in (("snapshot_id", "/snapshots/{}"), ("source_volid", "/volumes/{}"),
                        ("backup_id", "/backups/{}")):
        if isinstance(entity.get(field), str):
            source = _show(call, region, path.format(entity[field]))
            return _int((source or {}).get("size"), 0)
    return 0


def _volume_deltas(call: Call, region: Region, entity: dict) -> dict[str, int]:
    if call.rule.resource_type == "volume":
        return {"volumes": 1, "gigabytes": _volume_size(call, region, entity)}
    volume = None
    if isinstance(entity.get("volume_id"), str):
        volume = _show(call, region, f"/volumes/{entity['volume_id']}")
    return {"snapshots": 1, "gigabytes": _int((volume or {}).get("size"), 0)}


def _fits(call: Call, service_type: str, deltas: dict[str, int],
          count: Callable) -> limit_exc.ProjectOverLimit | None:
    try:
        unified_limits.enforce(service_type, call.context.project_id, deltas, count)
    except limit_exc.ProjectOverLimit as exc:
        return exc
    return None


def check_create(call: Call, region: Region, entity: dict) -> bool:
    """Refuse a create over the central quota (GatewayError); True when ``entity``
    was changed (a server's max_count lowered to what fits, as Nova does)."""
    if not enabled() or call.rule.resource_type not in ("server", "volume", "snapshot"):
        return False
    service_type = call.service.service_type
    count = _counter(call)
    if call.rule.resource_type != "server":
        over = _fits(call, service_type, _volume_deltas(call, region, entity), count)
        if over is not None:
            raise cinder_fault(over)
        return False
    flavor = _flavor(call, region, entity.get("flavorRef"))
    low = max(1, _int(entity.get("min_count"), 1))
    high = max(low, _int(entity.get("max_count"), low))
    first_over = None
    for number in range(high, low - 1, -1):  # Nova boots as many as fit, down to min
        over = _fits(call, service_type, _server_deltas(flavor, number), count)
        if over is None:
            if number != high:
                entity["max_count"] = number
            return number != high
        first_over = first_over or over
    raise nova_fault(first_over)


# -- /limits and os-quota-sets through the gateway ------------------------------------

def _target_project(call: Call, *names: str) -> str:
    """The project asked about: an admin may name another in the query."""
    if call.context.is_admin_role:
        for name in names:
            if call.req.GET.get(name):
                return call.req.GET[name]
    return call.context.project_id


def _central(call: Call, project: str) -> dict[str, tuple[int, int]]:
    return unified_limits.report(call.service.service_type, project, _counter(call))


def limits(call: Call) -> webob.Response:
    """GET /limits: the default region's answer with the central numbers in it."""
    if not enabled() or call.req.method != "GET":
        return default.forward(call)
    reply = default.ask(call)
    data = reply.json()
    absolute = (data.get("limits") or {}).get("absolute") if isinstance(data, dict) else None
    if reply.status != 200 or not isinstance(absolute, dict):
        return call.respond(reply)
    project = _target_project(call, "tenant_id", "project_id")
    for name, (limit_value, used) in _central(call, project).items():
        resource = BY_UNIFIED_NAME[name]
        absolute[resource.limit_field], absolute[resource.used_field] = limit_value, used
    return call.respond(reply, data)


def quota_sets(call: Call) -> webob.Response:
    """GET os-quota-sets/{project}[/detail|?usage=true]: central limits (and usage).
    Other methods change the default region's own quota, as without central quota."""
    if not enabled() or call.req.method != "GET":
        return default.forward(call)
    reply = default.ask(call)
    data = reply.json()
    quota_set = data.get("quota_set") if isinstance(data, dict) else None
    if reply.status != 200 or not isinstance(quota_set, dict):
        return call.respond(reply)
    for name, (limit_value, used) in _central(call, call.args["project"]).items():
        key = _legacy_name(name)
        if isinstance(quota_set.get(key), dict):  # detail / usage=true
            quota_set[key].update({"limit": limit_value, "in_use": used})
        else:
            quota_set[key] = limit_value
    return call.respond(reply, data)
