"""The Neutron of a pod's region, as xjob's handlers call it: ``neutron(pod_id)``.

A :class:`PodNeutron` is a :class:`tricircle.common.neutron.Neutron` (one
error family, RemoteError; a 404 as None/False; the ``[client]`` timeouts)
that also knows its pod:

- its endpoint comes from ``cached_endpoints`` first, else from the Keystone
  catalog (service type ``network`` in the pod's region, with the ``[client]``
  account), and is then cached;
- when the region does not answer, the cached endpoint is forgotten, so the
  retry asks the catalog again (the region may have moved);
- its errors carry the call and the remote's own message rather than its JSON
  body, since they end up as a job's ``error`` for an operator to read.

Tests point a pod at a fake Neutron by writing its ``cached_endpoints`` row,
or replace :func:`neutron`.
"""

import functools

from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import session as ks_session
from oslo_log import log as logging

from tricircle.common import client
from tricircle.common.neutron import Neutron, RemoteError, reason
from tricircle.objects import endpoint
from tricircle.objects import pod as pod_obj

LOG = logging.getLogger(__name__)

NETWORK = "network"


@functools.cache
def get_session() -> ks_session.Session:
    """The [client] service account's session; without an account (a lab with a
    fake Neutron, or a deployment not set up yet) an unauthenticated one."""
    if client.is_configured():
        return client.shared_session()
    LOG.warning("[client] has no service account: calls to the regions carry no token")
    return ks_session.Session()


def forget_endpoint(pod_id: str) -> None:
    """Drop the pod's cached Neutron endpoint so the next call asks the catalog again."""
    endpoint.forget(pod_id, NETWORK)


def network_endpoint(region: pod_obj.Region) -> str:
    """The Neutron URL of the pod's region (cached, else from the catalog, then cached)."""
    url = endpoint.get(region.pod_id, NETWORK)
    if url:
        return url
    try:
        url = client.endpoint_for(get_session(), region.region_name, NETWORK)
    except ks_exc.ClientException as exc:  # Keystone down or refusing the account
        raise RemoteError("Keystone", None, str(exc), region.region_name) from None
    if not url:
        raise RemoteError("Keystone", 404, f"the catalog has no {NETWORK} endpoint in "
                          f"region {region.region_name}", region.region_name)
    endpoint.store(region.pod_id, NETWORK, url)
    return url


# --- the calls ----------------------------------------------------------------------

class PodNeutron(Neutron):
    """The Neutron of one pod's region; see the module docstring."""

    def __init__(self, session: ks_session.Session, region: pod_obj.Region,
                 endpoint: str) -> None:
        super().__init__(session, region.region_name, endpoint=endpoint)
        self.pod_id = region.pod_id
        self.endpoint = endpoint

    def request(self, method: str, path: str, body: dict | None = None,
                missing_ok: bool = False) -> dict | None:
        try:
            return super().request(method, path, body, missing_ok)
        except RemoteError as exc:
            if exc.unreachable:
                forget_endpoint(self.pod_id)
            # Same class, status and service; the raw body stays on __cause__.
            raise type(exc)(exc.service, exc.status,
                            f"{method} {path}: {reason(exc.detail)}", exc.region) from exc


def neutron(pod_id: str) -> PodNeutron:
    """The Neutron of pod ``pod_id``'s region; NotFound when the pod is not registered,
    RemoteError when Keystone cannot name its endpoint."""
    region = pod_obj.region_of(pod_id)
    return PodNeutron(get_session(), region, network_endpoint(region))
