"""How the plugins reach the other services: Neutrons, Keystone's catalog, Tricircle.

Every call goes through one keystoneauth session of the service account in
[client], bounded by ``[client] connect_timeout`` and ``request_timeout``:

- a Neutron (central or a region's) through :func:`neutron` (or
  :func:`central`), a :class:`tricircle.common.neutron.Neutron`;
- Tricircle's admin API (pods, routings, jobs) through
  ``tricircleclient.client.Client`` in the central region.

Their failures are one family, :class:`tricircle.common.neutron.RemoteError`
(naming "<region> Neutron", "Keystone" or "Tricircle's admin API"), which
tricircle.network.errors turns into what a Neutron caller should see.
Endpoints come from Keystone's catalog, so nothing here knows a URL.
"""

import time
from collections.abc import Callable
from typing import Any

from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import session as ks_session
from oslo_config import cfg
from oslo_log import log as logging

from tricircle.common import client
from tricircle.common.neutron import Neutron, RemoteConflict, RemoteError
from tricircle.network import conf  # noqa: F401  (registers [tricircle])
from tricircleclient import client as admin_client
from tricircleclient import exceptions as admin_exc

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

PODS_TTL = 30.0
TRICIRCLE_API = "Tricircle's admin API"

_neutrons: dict[str, Neutron] = {}
_admin_api: admin_client.Client | None = None
_pods_cache: tuple[float, list[dict]] | None = None


def session() -> ks_session.Session:
    """The process-wide session: its token is reused until it expires."""
    return client.shared_session()


def central_region() -> str:
    return CONF.tricircle.central_region_name


def local_region() -> str:
    return CONF.tricircle.local_region_name


def neutron(region: str) -> Neutron:
    """The Neutron API of ``region``; errors name it "<region> Neutron"."""
    found = _neutrons.get(region)
    if found is None:
        found = _neutrons.setdefault(region, Neutron(session(), region))
    return found


def central() -> Neutron:
    """Central Neutron (the ``network`` endpoint of the central region)."""
    return neutron(central_region())


_service_user_id: str | None = None


def from_tricircle(context) -> bool:
    """Whether the caller of ``context`` is Tricircle itself: xjob or a plugin,
    which call with the [client] account. Such a call is Tricircle pushing a
    change central made; the region must not call central about it."""
    global _service_user_id
    user_id = getattr(context, "user_id", None)
    if not user_id:
        return False
    if _service_user_id is None:
        try:
            _service_user_id = session().get_user_id()
        except ks_exc.ClientException as exc:
            LOG.warning("Tricircle's own user id unknown: %s", exc)
            return False
    return user_id == _service_user_id


def network_regions() -> list[str]:
    """Every region of the catalog with a Neutron, except the central one."""
    try:
        access = session().auth.get_access(session())
    except ks_exc.ClientException as exc:
        raise RemoteError("Keystone", None, str(exc)) from None
    data = access.service_catalog.get_endpoints_data(service_type="network",
                                                      interface=CONF.client.interface)
    regions = {endpoint.region_name for endpoint in data.get("network", [])}
    regions.discard(central_region())
    return sorted(region for region in regions if region)


# --- Tricircle's admin API ------------------------------------------------------------

def admin_api() -> admin_client.Client:
    """The admin API client (service ``tricircle`` of the central region)."""
    global _admin_api
    if _admin_api is None:
        _admin_api = admin_client.Client(session=session(), region_name=central_region(),
                                         interface=CONF.client.interface)
    return _admin_api


def _call_admin_api(call: Callable[..., Any], *args: Any, accept: tuple = (),
                    **kwargs: Any) -> Any:
    """``call(*args, **kwargs)`` on the admin API; its failures as RemoteError.

    An answer whose status is in ``accept`` is not an error: None is returned.
    """
    try:
        return call(*args, **kwargs)
    except admin_exc.TricircleClientError as exc:
        if exc.http_status in accept:
            return None
        error = RemoteConflict if exc.http_status == 409 else RemoteError
        raise error(TRICIRCLE_API, exc.http_status, exc.message, central_region()) from None
    except ks_exc.ClientException as exc:
        raise RemoteError(TRICIRCLE_API, None, str(exc), central_region()) from None


def _pods() -> list[dict]:
    """Tricircle's pods; [] when the admin API cannot answer.

    Kept for PODS_TTL seconds: pods change when an operator adds a region, while
    every copy and every job asks for them.
    """
    global _pods_cache
    now = time.monotonic()
    if _pods_cache and now - _pods_cache[0] < PODS_TTL:
        return _pods_cache[1]
    try:
        pods = _call_admin_api(lambda: list(admin_api().pods.iterate()))
    except RemoteError:
        return []
    _pods_cache = (now, pods)
    return pods


def zones() -> dict[str, set[str]]:
    """Every name a hint may use -> the regions it means.

    A region name means itself; an availability zone means the regions of its
    pods (an AZ may group several regions).
    """
    result = {region: {region} for region in network_regions()}
    for pod in _pods():
        if pod.get("az_name") and pod.get("region_name") != central_region():
            result.setdefault(pod["az_name"], set()).add(pod["region_name"])
    return result


def pod_id_of(region: str) -> str | None:
    """The id of the pod of ``region`` in Tricircle's admin API, if it has one."""
    return next((pod["pod_id"] for pod in _pods() if pod.get("region_name") == region), None)


def queue_job(job_type: str, project_id: str, resource: dict) -> dict:
    """Queue a job for tricircle-xjob (POST /jobs).

    The API de-duplicates: the same work queued already returns that job.
    """
    return _call_admin_api(admin_api().jobs.create, job_type, project_id, resource)


def queue(job_type: str, project_id: str, resource: dict, consequence: str) -> None:
    """Queue a job after a change already made; a failure is logged with its
    ``consequence``, not raised: the caller's request must not fail now."""
    try:
        queue_job(job_type, project_id, resource)
    except RemoteError as exc:
        LOG.error("%s of project %s not queued (%s): %s", job_type, project_id, exc,
                  consequence)


def queue_rule_sync(project_id: str) -> None:
    """Queue ``seg_rule_setup`` of a project."""
    queue("seg_rule_setup", project_id, {"project_id": project_id},
          "the regions' rules lag until the project's next change queues it again")


# --- routings: which region holds a bottom copy of which central object ----------------

def routings(top_id: str, resource_type: str) -> list[dict]:
    """The routings of central object ``top_id``: one per region holding a bottom copy.

    Each carries ``region_name`` besides the admin API's fields.
    """
    found = _call_admin_api(lambda: list(admin_api().routings.iterate(
        top_id=top_id, resource_type=resource_type)))
    regions = {pod["pod_id"]: pod["region_name"] for pod in _pods()}
    return [dict(routing, region_name=regions.get(routing["pod_id"])) for routing in found]


def record_routing(top_id: str, resource_type: str, project_id: str, region: str) -> None:
    """Record that ``region`` holds a bottom copy of ``top_id`` (same id); a second
    record is fine."""
    pod_id = pod_id_of(region)
    if pod_id is None:
        raise RemoteError(TRICIRCLE_API, None, f"no pod is registered for {region}",
                          central_region())
    _call_admin_api(admin_api().routings.create, top_id, top_id, pod_id, project_id,
                    resource_type, accept=(409,))


def forget_routing(routing_id: int | str) -> None:
    _call_admin_api(admin_api().routings.delete, routing_id, accept=(404,))
