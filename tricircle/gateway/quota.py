"""Central quota: Keystone unified limits, enforced with oslo.limit before a create.

The limits are those registered on the service of CentralRegion's compute
(or block-storage) endpoint, i.e. the gateway's: ``openstack registered limit
create --service nova --region CentralRegion ...``. Usage is what every
region reports for the project (tricircle.gateway.usage), so a project cannot
exceed its limit by spreading resources over regions. Each region's own quota
still applies underneath.
"""

import logging
import threading
from collections.abc import Callable

import webob
from oslo_limit import exception as limit_exc
from oslo_limit import limit

from tricircle.common.context import RequestContext
from tricircle.gateway import handlers, store, usage
from tricircle.gateway.conf import CONF
from tricircle.gateway.regions import TABLE, Region

LOG = logging.getLogger(__name__)

# Unified limit names (as Nova and Cinder name them) → our usage names.
COMPUTE = {"servers": "servers", "class:VCPU": "cores", "class:MEMORY_MB": "ram"}
VOLUME = {"volumes": "volumes", "gigabytes": "gigabytes", "snapshots": "snapshots"}
LIMITS = {"compute": COMPUTE, "volumev3": VOLUME}
# Nova's legacy names, which its over-quota message and os-quota-sets use.
NOVA_NAMES = {"servers": "instances", "class:VCPU": "cores", "class:MEMORY_MB": "ram"}

_lock = threading.Lock()
_enforcers: dict[str, limit.Enforcer] = {}
# The usage counter of the request this thread is enforcing for: one Enforcer
# per service is shared by every request, its callback is not.
_local = threading.local()


class Unavailable(Exception):
    """Keystone's limits could not be read (no endpoint, Keystone down, ...)."""


def enabled() -> bool:
    return CONF.gateway.central_quota


def reset() -> None:
    """Forget the enforcers (tests; a changed [oslo_limit] endpoint)."""
    with _lock:
        _enforcers.clear()


def _callback(project_id: str | None, names) -> dict[str, int]:
    return _local.counter(project_id, names)


def _service_types(service_type: str) -> list[str]:
    if service_type == "compute":
        return CONF.gateway.compute_limit_service_types
    return CONF.gateway.volume_limit_service_types


def _build(service_type: str) -> limit.Enforcer:
    """An Enforcer bound to the first of the service's catalog types Keystone has.

    oslo.limit takes its endpoint from [oslo_limit] when the Enforcer is made,
    one endpoint per process; the gateway needs one per service, so the type is
    given for the time of the construction only.
    """
    errors = []
    for catalog_type in _service_types(service_type):
        CONF.set_override("endpoint_service_type", catalog_type, "oslo_limit")
        try:
            # cache=False: a limit changed in Keystone applies to the next create.
            return limit.Enforcer(_callback, cache=False)
        except (ValueError, limit_exc.SessionInitError) as exc:
            errors.append(f"{catalog_type}: {exc}")
        finally:
            CONF.clear_override("endpoint_service_type", "oslo_limit")
    raise Unavailable("; ".join(errors))


def enforcer(service_type: str) -> limit.Enforcer:
    with _lock:
        if service_type not in _enforcers:
            _enforcers[service_type] = _build(service_type)
        return _enforcers[service_type]


def counter(service_type: str, token: str, context: RequestContext,
            ) -> Callable[[str | None, object], dict[str, int]]:
    """A usage callback for oslo.limit that asks the regions once per request."""
    counted: dict[str, dict[str, int]] = {}
    mapping = LIMITS[service_type]

    def count(project_id: str | None, names) -> dict[str, int]:
        project = project_id or context.project_id
        if project not in counted:
            found = usage.count([service_type], token, context.project_id, project)
            counted[project] = found.total(mapping.values())
            for name in found.unreachable:
                _add_routed(counted[project], name, project)
        return {name: counted[project].get(mapping[name], 0) for name in names}
    return count


def _add_routed(total: dict[str, int], region_name: str, project: str) -> None:
    """A region that cannot be asked: its servers, volumes and snapshots as the routing
    table knows them (what the gateway created or adopted there); its cores, RAM and
    gigabytes are not known and count as 0."""
    region = next((r for r in TABLE.regions() if r.name == region_name), None)
    if region is None:
        return
    for name, resource in (("servers", "server"), ("volumes", "volume"),
                           ("snapshots", "snapshot")):
        if name in total:
            total[name] += len(store.in_pod(resource, region.pod_id, project))
    LOG.warning("central quota of %s counted region %s from the routing table", project,
                region_name)


def _with_counter(count: Callable, action: Callable):
    _local.counter = count
    try:
        return action()
    finally:
        _local.counter = None


def _run(service_type: str, count: Callable, action: Callable):
    """``action(enforcer)`` with ``count`` as the usage callback; Keystone failing is
    a 503 (refusing is safer than letting a create past an unread limit)."""
    try:
        found = enforcer(service_type)
        return _with_counter(count, lambda: action(found))
    except (limit_exc.ProjectOverLimit, handlers.GatewayError):
        raise
    except Exception as exc:  # Unavailable, Keystone refusing or down, ...
        LOG.error("central quota of %s unavailable: %s", service_type, exc)
        raise handlers.GatewayError(503, "The central quota could not be read from "
                                    "Keystone; try again later.") from None


def _limited(found: limit.Enforcer, project: str, names) -> set[str]:
    """The names Keystone has a limit for, registered or of the project.

    oslo.limit counts a resource without any limit as limited to 0; the gateway
    leaves it to the regions instead, so switching central quota on before
    limits are registered, or limiting only servers, blocks nothing else.
    """
    have = {name for name, _ in found.get_registered_limits(None)}
    have |= {name for name, _ in found.get_project_limits(project, None)}
    return have & set(names)


def enforce(service_type: str, project: str, deltas: dict[str, int], count: Callable,
            ) -> None:
    """Raise ProjectOverLimit when ``deltas`` would take ``project`` over a limit."""
    def check(found: limit.Enforcer) -> None:
        limited = _limited(found, project, deltas)
        if limited:
            found.enforce(project, {k: v for k, v in deltas.items() if k in limited})
    _run(service_type, count, check)


def report(service_type: str, project: str, count: Callable) -> dict[str, tuple[int, int]]:
    """{unified name: (limit, usage)} of ``project``; -1 is unlimited (also when
    Keystone has no limit for the resource)."""
    names = list(LIMITS[service_type])

    def read(found: limit.Enforcer) -> dict[str, tuple[int, int]]:
        limited = [name for name in names if name in _limited(found, project, names)]
        result = found.calculate_usage(project, limited) if limited else {}
        used = count(project, names)  # counted once per request: no second fan-out
        return {name: (result[name].limit if name in result else -1, used[name])
                for name in names}
    return _run(service_type, count, read)


# -- over-quota faults, as the services word them -------------------------------------

def nova_fault(exc: limit_exc.ProjectOverLimit) -> handlers.GatewayError:
    """Nova's 403: 'Quota exceeded for instances: Requested 1, but already used 1 of 1
    instances' (its TooManyInstances; several resources are joined with ', ')."""
    overs = sorted(exc.over_limit_info_list, key=lambda i: NOVA_NAMES[i.resource_name])
    names = ", ".join(NOVA_NAMES[i.resource_name] for i in overs)
    requested = ", ".join(str(i.delta) for i in overs)
    used = ", ".join(str(i.current_usage) for i in overs)
    allowed = ", ".join(str(i.limit) for i in overs)
    return handlers.GatewayError(403, f"Quota exceeded for {names}: Requested {requested}, "
                                 f"but already used {used} of {allowed} {names}")


def cinder_fault(exc: limit_exc.ProjectOverLimit) -> handlers.GatewayError:
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
    return handlers.GatewayError(413, message, details={"retryAfter": "0"},
                                 headers={"Retry-After": "0"})


# -- what a create asks for --------------------------------------------------------

def _show(call: handlers.Call, region: Region, path: str) -> dict | None:
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


def _flavor(call: handlers.Call, region: Region, flavor_ref: object) -> dict | None:
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


def _volume_size(call: handlers.Call, region: Region, entity: dict) -> int:
    """The size the new volume will have: asked, else its source's."""
    if "size" in entity:
        return _int(entity.get("size"), 0)
    for field, path in (("snapshot_id", "/snapshots/{}"), ("source_volid", "/volumes/{}"),
                        ("backup_id", "/backups/{}")):
        if isinstance(entity.get(field), str):
            source = _show(call, region, path.format(entity[field]))
            return _int((source or {}).get("size"), 0)
    return 0


def _volume_deltas(call: handlers.Call, region: Region, entity: dict) -> dict[str, int]:
    if call.rule.resource == "volume":
        return {"volumes": 1, "gigabytes": _volume_size(call, region, entity)}
    volume = None
    if isinstance(entity.get("volume_id"), str):
        volume = _show(call, region, f"/volumes/{entity['volume_id']}")
    return {"snapshots": 1, "gigabytes": _int((volume or {}).get("size"), 0)}


def _fits(call: handlers.Call, service_type: str, deltas: dict[str, int],
          count: Callable) -> limit_exc.ProjectOverLimit | None:
    try:
        enforce(service_type, call.context.project_id, deltas, count)
    except limit_exc.ProjectOverLimit as exc:
        return exc
    return None


def check_create(call: handlers.Call, region: Region, entity: dict) -> bool:
    """Refuse a create over the central quota (GatewayError); True when ``entity``
    was changed (a server's max_count lowered to what fits, as Nova does)."""
    if not enabled() or call.rule.resource not in ("server", "volume", "snapshot"):
        return False
    service_type = call.service.service_type
    count = counter(service_type, call.req.headers.get("X-Auth-Token", ""), call.context)
    if call.rule.resource != "server":
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

_NOVA_ABSOLUTE = {"servers": ("maxTotalInstances", "totalInstancesUsed"),
                  "class:VCPU": ("maxTotalCores", "totalCoresUsed"),
                  "class:MEMORY_MB": ("maxTotalRAMSize", "totalRAMUsed")}
_CINDER_ABSOLUTE = {"volumes": ("maxTotalVolumes", "totalVolumesUsed"),
                    "gigabytes": ("maxTotalVolumeGigabytes", "totalGigabytesUsed"),
                    "snapshots": ("maxTotalSnapshots", "totalSnapshotsUsed")}


def _target_project(call: handlers.Call, *names: str) -> str:
    """The project asked about: an admin may name another in the query."""
    if call.context.is_admin_role:
        for name in names:
            if call.req.GET.get(name):
                return call.req.GET[name]
    return call.context.project_id


def _central(call: handlers.Call, project: str) -> dict[str, tuple[int, int]]:
    service_type = call.service.service_type
    count = counter(service_type, call.req.headers.get("X-Auth-Token", ""), call.context)
    return report(service_type, project, count)


def create(call: handlers.Call) -> webob.Response:
    """POST of a server, volume or snapshot: placed, checked against the central quota,
    forwarded."""
    return handlers.create(call, check_create)


def limits(call: handlers.Call) -> webob.Response:
    """GET /limits: the default region's answer with the central numbers in it."""
    if not enabled() or call.req.method != "GET":
        return handlers.default_region(call)
    reply = handlers.forward_to_default(call)
    data = reply.json()
    absolute = (data.get("limits") or {}).get("absolute") if isinstance(data, dict) else None
    if reply.status != 200 or not isinstance(absolute, dict):
        return call.respond(reply)
    project = _target_project(call, "tenant_id", "project_id")
    fields = _NOVA_ABSOLUTE if call.service.service_type == "compute" else _CINDER_ABSOLUTE
    for name, (limit_value, used) in _central(call, project).items():
        absolute[fields[name][0]], absolute[fields[name][1]] = limit_value, used
    return call.respond(reply, data)


def quota_sets(call: handlers.Call) -> webob.Response:
    """GET os-quota-sets/{project}[/detail|?usage=true]: central limits (and usage).
    Other methods change the default region's own quota, as without central quota."""
    if not enabled() or call.req.method != "GET":
        return handlers.default_region(call)
    reply = handlers.forward_to_default(call)
    data = reply.json()
    quota_set = data.get("quota_set") if isinstance(data, dict) else None
    if reply.status != 200 or not isinstance(quota_set, dict):
        return call.respond(reply)
    names = NOVA_NAMES if call.service.service_type == "compute" else VOLUME
    for name, (limit_value, used) in _central(call, call.args["project"]).items():
        key = names[name]
        if isinstance(quota_set.get(key), dict):  # detail / usage=true
            quota_set[key].update({"limit": limit_value, "in_use": used})
        else:
            quota_set[key] = limit_value
    return call.respond(reply, data)
