"""Small REST helpers the plugins use to reach central Neutron and the regions' Neutrons.

Every call goes through one keystoneauth session of the service account in
[client]; endpoints come from Keystone's catalog (service type ``network``,
per region), so nothing here knows a URL.
"""

import threading
import time

from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import session as ks_session
from oslo_config import cfg
from oslo_log import log as logging

from tricircle.common import client
from tricircle.network import conf  # noqa: F401  (registers [tricircle])

CONF = cfg.CONF
LOG = logging.getLogger(__name__)
API = "/v2.0"

_lock = threading.Lock()
_session: ks_session.Session | None = None
PODS_TTL = 30.0
TRICIRCLE_API = "Tricircle's admin API"
_pods_cache: tuple[float, list[dict]] | None = None


class RemoteError(Exception):
    """A service answered with an error (or did not answer).

    ``service`` names it for people: "RegionOne Neutron" unless told otherwise.
    """

    def __init__(self, region: str, status: int | None, detail: str,
                 service: str | None = None) -> None:
        self.service = service or f"{region} Neutron"
        super().__init__(f"{self.service}: {status or 'unreachable'}: {detail[:300]}")
        self.region, self.status, self.detail = region, status, detail


def session() -> ks_session.Session:
    """The process-wide session: its token is reused until it expires."""
    global _session
    with _lock:
        if _session is None:
            _session = client.get_session()
        return _session


def central_region() -> str:
    return CONF.tricircle.central_region_name


def local_region() -> str:
    return CONF.tricircle.local_region_name


def _request(region: str, method: str, path: str, body: dict | None = None,
             ok_missing: bool = False):
    filt = {"service_type": "network", "region_name": region,
            "interface": CONF.client.interface}
    try:
        response = session().request(API + path, method, json=body, endpoint_filter=filt,
                                     raise_exc=False, timeout=CONF.tricircle.central_timeout)
    except ks_exc.ClientException as exc:
        raise RemoteError(region, None, str(exc)) from None
    if response.status_code == 404 and ok_missing:
        return None
    if response.status_code >= 400:
        raise RemoteError(region, response.status_code, response.text)
    return response


def _path(kind: str) -> str:
    # Bodies say security_group; URLs say security-groups.
    return f"/{kind.replace('_', '-')}s"


def get(region: str, kind: str, id_: str) -> dict | None:
    """One network/subnet/port/security_group by id; None when that Neutron lacks it."""
    response = _request(region, "GET", f"{_path(kind)}/{id_}", ok_missing=True)
    return None if response is None else response.json()[kind]


def find(region: str, kind: str, **filters: str) -> list[dict]:
    query = "&".join(f"{key}={value}" for key, value in sorted(filters.items()))
    return _request(region, "GET", f"{_path(kind)}?{query}").json()[f"{kind}s"]


def create(region: str, kind: str, body: dict) -> dict:
    return _request(region, "POST", _path(kind), {kind: body}).json()[kind]


def update(region: str, kind: str, id_: str, body: dict) -> dict:
    return _request(region, "PUT", f"{_path(kind)}/{id_}", {kind: body}).json()[kind]


def delete(region: str, kind: str, id_: str) -> bool:
    """Delete by id; False when it was already gone."""
    return _request(region, "DELETE", f"{_path(kind)}/{id_}", ok_missing=True) is not None


def network_regions() -> list[str]:
    """Every region of the catalog with a Neutron, except the central one."""
    try:
        access = session().auth.get_access(session())
    except ks_exc.ClientException as exc:
        raise RemoteError("", None, str(exc), service="Keystone") from None
    data = access.service_catalog.get_endpoints_data(service_type="network",
                                                      interface=CONF.client.interface)
    regions = {endpoint.region_name for endpoint in data.get("network", [])}
    regions.discard(central_region())
    return sorted(region for region in regions if region)


def _admin_api(method: str, path: str, body: dict | None = None, accept: tuple = ()):
    """One call to Tricircle's admin API (service ``tricircle`` in the central region).

    An error status raises RemoteError, except those in ``accept``.
    """
    filt = {"service_type": "tricircle", "region_name": central_region(),
            "interface": CONF.client.interface}
    try:
        response = session().request(path, method, json=body, endpoint_filter=filt,
                                     raise_exc=False, timeout=CONF.tricircle.central_timeout)
    except ks_exc.ClientException as exc:
        raise RemoteError(central_region(), None, str(exc), service=TRICIRCLE_API) from None
    if response.status_code >= 400 and response.status_code not in accept:
        raise RemoteError(central_region(), response.status_code, response.text,
                          service=TRICIRCLE_API)
    return response


def _pods() -> list[dict]:
    """Tricircle's pods (admin API in the central region); [] when it cannot answer.

    Kept for PODS_TTL seconds: pods change when an operator adds a region, while
    every copy and every job asks for them.
    """
    global _pods_cache
    now = time.monotonic()
    if _pods_cache and now - _pods_cache[0] < PODS_TTL:
        return _pods_cache[1]
    try:
        response = _admin_api("GET", "/pods")
    except RemoteError:
        return []
    if response.status_code != 200:
        return []
    _pods_cache = (now, response.json().get("pods", []))
    return _pods_cache[1]


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
    """Queue a job for tricircle-xjob through the admin API (POST /jobs).

    The API de-duplicates: the same work queued already returns that job.
    """
    body = {"job": {"type": job_type, "project_id": project_id, "resource": resource}}
    return _admin_api("POST", "/jobs", body).json()["job"]


def queue_rule_sync(project_id: str) -> None:
    """Queue ``seg_rule_setup`` of a project; a failure is logged, not raised: the
    regions' rules lag until the next change of the project queues it again."""
    try:
        queue_job("seg_rule_setup", project_id, {"project_id": project_id})
    except RemoteError as exc:
        LOG.error("Rule sync of project %s not queued: %s", project_id, exc)


# --- routings: which region holds a copy of which central object -------------------

def routings(top_id: str, kind: str) -> list[dict]:
    """The routings of central object ``top_id``: one per region holding a copy.

    Each carries ``region_name`` besides the admin API's fields.
    """
    response = _admin_api("GET", f"/routings?top_id={top_id}&resource_type={kind}")
    regions = {pod["pod_id"]: pod["region_name"] for pod in _pods()}
    return [dict(routing, region_name=regions.get(routing["pod_id"]))
            for routing in response.json()["routings"]]


def record_routing(top_id: str, kind: str, project_id: str, region: str) -> None:
    """Record that ``region`` holds a copy of ``top_id`` (same id); a second record is fine."""
    pod_id = pod_id_of(region)
    if pod_id is None:
        raise RemoteError(central_region(), None, f"no pod is registered for {region}",
                          service=TRICIRCLE_API)
    body = {"routing": {"top_id": top_id, "bottom_id": top_id, "pod_id": pod_id,
                        "project_id": project_id, "resource_type": kind}}
    _admin_api("POST", "/routings", body, accept=(409,))


def forget_routing(routing_id: int | str) -> None:
    _admin_api("DELETE", f"/routings/{routing_id}", accept=(404,))
