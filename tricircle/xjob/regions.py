"""REST calls from xjob to the Neutron server of a pod's region.

The endpoint of a pod comes from ``cached_endpoints`` first and from the
Keystone catalog (service type ``network`` in the pod's region) otherwise,
then is cached. Tests point a pod at a fake Neutron by writing its
``cached_endpoints`` row, or by replacing :func:`network_endpoint`.
"""

import functools

import sqlalchemy as sa
from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import session as ks_session
from oslo_log import log as logging
from oslo_utils import uuidutils
from sqlalchemy.orm import Session

from tricircle.common import client, exceptions
from tricircle.common.config import CONF
from tricircle.db import api as db_api
from tricircle.db import models

LOG = logging.getLogger(__name__)

NETWORK = "network"


class RegionError(exceptions.TricircleError):
    """A region answered a call with an error, or could not be reached."""


class RegionConflict(RegionError):
    """A region answered 409: what was asked for clashes with what it holds."""


@functools.cache
def get_session() -> ks_session.Session:
    """The [client] service account's session; without an account (a lab with a
    fake Neutron, or a deployment not set up yet) an unauthenticated one."""
    if client.is_configured():
        return client.get_session()
    LOG.warning("[client] has no service account: calls to the regions carry no token")
    return ks_session.Session()


@db_api.reader
def _cached_endpoint(session: Session, pod_id: str, service_type: str) -> str | None:
    return session.scalar(sa.select(models.CachedEndpoint.service_url).where(
        models.CachedEndpoint.pod_id == pod_id,
        models.CachedEndpoint.service_type == service_type))


@db_api.writer
def _cache_endpoint(session: Session, pod_id: str, service_type: str, url: str) -> None:
    session.add(models.CachedEndpoint(service_id=uuidutils.generate_uuid(), pod_id=pod_id,
                                      service_type=service_type, service_url=url))


@db_api.writer
def forget_endpoint(session: Session, pod_id: str, service_type: str = NETWORK) -> None:
    """Drop a cached endpoint so the next call asks the catalog again."""
    session.execute(sa.delete(models.CachedEndpoint).where(
        models.CachedEndpoint.pod_id == pod_id,
        models.CachedEndpoint.service_type == service_type))


@db_api.reader
def _region_of(session: Session, pod_id: str) -> str:
    pod = session.get(models.Pod, pod_id)
    if pod is None:
        raise exceptions.NotFound("Pod", pod_id)
    return pod.region_name


def network_endpoint(pod_id: str) -> str:
    """The Neutron URL of the pod's region (cached, else from the catalog)."""
    url = _cached_endpoint(pod_id, NETWORK)
    if url:
        return url
    region_name = _region_of(pod_id)
    url = client.endpoint_for(get_session(), region_name, NETWORK)
    if not url:
        raise RegionError(f"the Keystone catalog has no {NETWORK} endpoint in region "
                          f"{region_name}")
    _cache_endpoint(pod_id, NETWORK, url)
    return url


def delete(pod_id: str, collection: str, resource_id: str) -> bool:
    """DELETE a Neutron resource in a pod: True if deleted, False if it was gone
    already (404), which callers count as done. Anything else raises RegionError."""
    return call(pod_id, "DELETE", f"{collection}/{resource_id}") is not None


def call(pod_id: str, method: str, path: str, body: dict | None = None) -> dict | None:
    """One Neutron API call in a pod (``path`` below /v2.0): the JSON answer, or
    None for a 404. Anything else that is not a success raises RegionError."""
    url = f"{network_endpoint(pod_id).rstrip('/')}/v2.0/{path.lstrip('/')}"
    try:
        response = get_session().request(url, method, json=body, raise_exc=False,
                                         timeout=CONF.client.timeout or 60)
    except (ks_exc.ConnectFailure, ks_exc.ConnectTimeout) as exc:
        forget_endpoint(pod_id)
        raise RegionError(f"{method} {url}: {exc}") from None
    except ks_exc.RequestTimeout as exc:
        raise RegionError(f"{method} {url}: {exc}") from None
    if response.status_code == 404:
        return None
    if response.status_code >= 300:
        error = RegionConflict if response.status_code == 409 else RegionError
        raise error(f"{method} {url}: HTTP {response.status_code} {response.text[:300]}")
    return response.json() if response.content else {}
