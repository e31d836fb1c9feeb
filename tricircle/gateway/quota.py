"""Central quota in the gateway's rules: creates checked, /limits and os-quota-sets shown.

With ``[gateway]/central_quota`` on, a create is refused when it would take
the project over a Keystone unified limit of CentralRegion
(tricircle.gateway.unified_limits), worded as Nova or Cinder word it; /limits
and os-quota-sets show the central limits and usage. Each region's own quota
still applies underneath. Names of the resources: quota_resources.RESOURCES.

Parallel creates cannot all pass one check: a create runs under its project's
lease (tricircle.gateway.quota_lease) from the check until the region counts
what it made. A ``max_count`` is capped by arithmetic on one read of limits and
usage, and the flavor is read as Nova reads ``flavorRef``, failing closed.
"""

import concurrent.futures
import functools
import logging
import urllib.parse

import webob
from oslo_limit import exception as limit_exc

from tricircle.gateway import after_answer, default, proxy, quota_lease, unified_limits
from tricircle.gateway.call import Call, GatewayError
from tricircle.gateway.conf import CONF
from tricircle.gateway.quota_resources import BY_UNIFIED_NAME
from tricircle.objects.pod import Region

LOG = logging.getLogger(__name__)
# A create's reads that run beside its limits and usage count (the flavor).
_side_calls = concurrent.futures.ThreadPoolExecutor(max_workers=8,
                                                    thread_name_prefix="quota")


def enabled() -> bool:
    return CONF.gateway.central_quota


def _legacy_name(unified_name: str) -> str:
    return BY_UNIFIED_NAME[unified_name].legacy_name


def counter(call: Call) -> unified_limits.RequestUsage:
    """The usage callback of this call: the caller's token and request id, and the
    usage its project's previous create left when the lease says it still holds."""
    count = unified_limits.counter(call.service.service_type,
                                   call.req.headers.get("X-Auth-Token", ""), call.context,
                                   call.request_id, quota_lease.cached_usage(call))
    quota_lease.counting(call, count)
    _refresh_after_answer(call)
    return count


def _refresh_after_answer(call: Call) -> None:
    """Limits and flavors this call finds near their expiry are read again once its
    answer is written, not beside its own create."""
    after_answer.later(call.req.environ, unified_limits.start_refreshes)


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

def show(call: Call, region: Region, path: str) -> dict | None:
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


def flavor_id_of(flavor_ref: object) -> str:
    """The flavor id of a ``flavorRef`` as Nova reads it: an id, or a link whose
    path's last segment is the id (query and fragment ignored)."""
    if isinstance(flavor_ref, bool) or not isinstance(flavor_ref, str | int) or (
            flavor_ref == ""):
        raise GatewayError(400, "Invalid input for field/attribute flavorRef.")
    try:
        return urllib.parse.urlsplit(str(flavor_ref)).path.split("/")[-1]
    except ValueError:
        raise GatewayError(400, "Invalid input for field/attribute flavorRef.") from None


def flavor_of(call: Call, region: Region, flavor_ref: object) -> dict:
    """The vCPUs and RAM of the flavor a server will have. Fails closed: a flavor the
    region does not show exactly as asked is refused, never counted as 0 cores.

    Kept per region and project for ``[gateway] limits_cache_seconds``, like the
    limits: Nova has no call that changes a flavor's vCPUs or RAM, so only a
    flavor deleted and made again under the same id with a larger size is
    counted at its old size, for at most that long. Per project, so that no
    project learns the size of a private flavor another one may use.
    """
    flavor_id = flavor_id_of(flavor_ref)
    # The read holds copies of the caller's headers, not the call: it may run
    # again in the background, ahead of the entry's expiry (LimitsCache).
    read = functools.partial(_read_flavor, region, call.service.service_type,
                             call.region_path("/flavors/" + urllib.parse.quote(flavor_id,
                                                                               safe="")),
                             proxy.forward_headers(call.req), call.request_id, flavor_id)
    _refresh_after_answer(call)
    return unified_limits.FLAVORS.get((region.region_name, call.context.project_id, flavor_id),
                                      read, CONF.gateway.limits_cache_seconds)


def _read_flavor(region: Region, service_type: str, path: str, headers: dict,
                 request_id: str | None, flavor_id: str) -> dict:
    reply = proxy.send(region, service_type, "GET", path, "", b"", headers, None, request_id)
    data = reply.json()
    flavor = data.get("flavor") if isinstance(data, dict) else None
    if reply.status == 404 or reply.status == 200 and (
            not isinstance(flavor, dict) or flavor.get("id") != flavor_id):
        raise GatewayError(400, f"Flavor {flavor_id} could not be found.")
    if reply.status != 200 or not all(isinstance(flavor.get(field), int) and not
                                      isinstance(flavor.get(field), bool)
                                      for field in ("vcpus", "ram")):
        raise GatewayError(503, f"Flavor {flavor_id} could not be read from region "
                           f"{region.region_name}; try again later.")
    return {"id": flavor_id, "vcpus": flavor["vcpus"], "ram": flavor["ram"]}


def _count_field(entity: dict, name: str, default: int) -> int:
    """min_count / max_count as Nova accepts them: a positive integer or its digits."""
    value = entity.get(name, default)
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise GatewayError(400, f"Invalid input for field/attribute {name}.")
    return value


def _server_deltas(flavor: dict | None, count: int) -> dict[str, int]:
    deltas = {"servers": count}
    if flavor is not None:
        deltas["class:VCPU"] = flavor["vcpus"] * count
        deltas["class:MEMORY_MB"] = flavor["ram"] * count
    return deltas


def _source_size(call: Call, region: Region, field: str, source_id: str) -> int:
    """The size of the volume, snapshot or backup a new volume or snapshot is made
    from; one the caller cannot see is refused (Cinder would not find it either)."""
    kind, path = _SOURCES[field]
    source = show(call, region, path.format(urllib.parse.quote(source_id, safe="")))
    if source is None or isinstance(source.get("size"), bool) or not isinstance(
            source.get("size"), int):
        raise GatewayError(404, f"{kind} {source_id} could not be found.")
    return source["size"]


_SOURCES = {"snapshot_id": ("Snapshot", "/snapshots/{}"),
            "source_volid": ("Volume", "/volumes/{}"),
            "backup_id": ("Backup", "/backups/{}"),
            "volume_id": ("Volume", "/volumes/{}")}


def _volume_size(call: Call, region: Region, entity: dict) -> int:
    """The size the new volume will have: asked, else its source's."""
    if entity.get("size") is not None:
        return _int(entity.get("size"), 0)  # not a number: Cinder refuses it
    for field in ("snapshot_id", "source_volid", "backup_id"):
        if isinstance(entity.get(field), str):
            return _source_size(call, region, field, entity[field])
    return 0


def _volume_deltas(call: Call, region: Region, entity: dict) -> dict[str, int]:
    if call.rule.resource_type == "volume":
        return {"volumes": 1, "gigabytes": _volume_size(call, region, entity)}
    size = 0
    if isinstance(entity.get("volume_id"), str):
        size = _source_size(call, region, "volume_id", entity["volume_id"])
    return {"snapshots": 1, "gigabytes": size}


def _how_many_fit(known: dict[str, tuple[int, int]], per_server: dict[str, int],
                  wanted: int) -> int:
    """How many of ``wanted`` servers fit the limits: arithmetic, not a loop."""
    fit = wanted
    for name, (limit_value, used) in known.items():
        if limit_value >= 0 and per_server.get(name, 0) > 0:  # -1: unlimited
            fit = min(fit, max(0, limit_value - used) // per_server[name])
    return fit


def _limits_and_flavor(call: Call, region: Region, flavor_ref: object,
                       count: unified_limits.RequestUsage,
                       ) -> tuple[dict[str, tuple[int, int]], dict]:
    """Limits, usage and the flavor, read at once: the flavor from the region while
    Keystone and the regions are asked. A flavor that cannot be read is the
    answer even when the limits could not be read either."""
    flavor_id_of(flavor_ref)  # a malformed flavorRef is a 400 before anything is asked
    flavor_read = _side_calls.submit(flavor_of, call, region, flavor_ref)
    names = _server_deltas({"vcpus": 0, "ram": 0}, 1)
    try:
        known = unified_limits.limits_and_usage(call.service.service_type,
                                                call.context.project_id, names, count)
    finally:
        flavor = flavor_read.result()
    return known, flavor


def _check_servers(call: Call, region: Region, entity: dict,
                   count: unified_limits.RequestUsage) -> bool:
    """Lower max_count to what fits (as Nova does) from one read of limits and usage;
    refuse when not even min_count fits. True when ``entity`` was changed."""
    low = _count_field(entity, "min_count", 1)
    high = _count_field(entity, "max_count", low)
    if low > high:
        raise GatewayError(400, "min_count must be <= max_count")
    known, flavor = _limits_and_flavor(call, region, entity.get("flavorRef"), count)
    project = call.context.project_id
    per_server = _server_deltas(flavor, 1)
    number = _how_many_fit(known, per_server, high)
    if number < low:
        raise nova_fault(unified_limits.over_limit(project, known,
                                                   _server_deltas(flavor, high)))
    deltas = _server_deltas(flavor, number)
    over = unified_limits.over_limit(project, known, deltas)  # what the arithmetic left
    if over is not None:
        raise nova_fault(over)
    quota_lease.expect(call, region, count, known, deltas)
    if number != high:
        entity["max_count"] = number
    return number != high


def check_create(call: Call, region: Region, entity: dict) -> bool:
    """Refuse a create over the central quota (GatewayError); True when ``entity``
    was changed (a server's max_count lowered to what fits, as Nova does)."""
    if not enabled() or call.rule.resource_type not in ("server", "volume", "snapshot"):
        return False
    count = counter(call)
    if call.rule.resource_type == "server":
        return _check_servers(call, region, entity, count)
    check_volume_deltas(call, region, _volume_deltas(call, region, entity), count)
    return False


def check_volume_deltas(call: Call, region: Region, deltas: dict[str, int],
                        count: unified_limits.RequestUsage | None = None) -> None:
    """Refuse (Cinder's 413) what would take the caller over its volume limits."""
    count = count or counter(call)
    try:
        known = unified_limits.enforce(call.service.service_type, call.context.project_id,
                                       deltas, count)
    except limit_exc.ProjectOverLimit as exc:
        raise cinder_fault(exc) from None
    quota_lease.expect(call, region, count, known, deltas)


def check_restore(call: Call, region: Region, backup_id: str) -> None:
    """A backup restored into a new volume: one volume of the backup's size."""
    if enabled():
        size = _source_size(call, region, "backup_id", backup_id)
        check_volume_deltas(call, region, {"volumes": 1, "gigabytes": size})


# -- /limits and os-quota-sets through the gateway ------------------------------------

def _target_project(call: Call, *names: str) -> str:
    """The project asked about: an admin may name another in the query."""
    if call.context.is_admin_role:
        for name in names:
            if call.req.GET.get(name):
                return call.req.GET[name]
    return call.context.project_id


def _central(call: Call, project: str) -> dict[str, tuple[int, int]]:
    return unified_limits.report(call.service.service_type, project, counter(call))


def limits(call: Call) -> webob.Response:
    """GET /limits: with central quota the default region's answer with the central
    numbers in it; without, every region's limits and usage summed (region_sums)."""
    if call.req.method != "GET":
        return default.forward(call)
    if not enabled():
        # Imported here: region_sums asks the regions through admin_views.
        from tricircle.gateway import region_sums
        return region_sums.limits(call)
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
    """GET os-quota-sets/{project}[/detail|?usage=true]: with central quota the central
    limits (and usage), which a PUT or DELETE cannot change (a 400 naming the
    command that can); without, every region's quota summed, and a write goes to
    every region (region_sums.quota_write)."""
    # A member is refused by the region (403) as directly; the 400 is for admins.
    if enabled() and call.req.method in ("PUT", "POST", "DELETE") and call.context.is_admin_role:
        raise GatewayError(400, "Quotas are Keystone unified limits here (central "
                           "quota): change them with 'openstack limit set' or "
                           "'openstack registered limit set', not with quota set.")
    from tricircle.gateway import region_sums
    if call.req.method != "GET":
        return region_sums.quota_write(call)
    if not enabled():
        return region_sums.quota_set(call)
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
