"""The admin API as the panels call it: tricircleclient on the user's own token,
at the endpoint the user's catalog gives for the region Horizon is on.

Every failure reaches the views as a ``TricircleClientError`` with a sentence
to show (settings snippet ``_90_tricircle.py`` makes it one of Horizon's
recoverable errors), never as a traceback.
"""

import concurrent.futures
import functools
import urllib.error
import urllib.request
from collections import Counter

from horizon import exceptions as horizon_exceptions
from keystoneauth1 import exceptions as ks_exceptions
from keystoneauth1 import session as ks_session
from keystoneauth1 import token_endpoint
from openstack_dashboard.api import base

from tricircle_dashboard import breakers
from tricircleclient import catalog, exceptions
from tricircleclient.client import Client

TIMEOUT = 30          # seconds for one admin API call
PROBE_TIMEOUT = 3     # seconds for a region's endpoint to answer the Regions panel
PAGE_SIZE = 50
SERVICE_TYPES = (catalog.ADMIN_SERVICE_TYPE, *catalog.ADMIN_SERVICE_TYPE_ALIASES)


class Unreachable(exceptions.TricircleClientError):
    """The admin API did not answer (connection refused, timed out)."""

    http_status = 503


def endpoint(request) -> str:
    """The admin API's URL in the user's catalog, for Horizon's current region."""
    for service_type in SERVICE_TYPES:
        try:
            return base.url_for(request, service_type)
        except horizon_exceptions.ServiceCatalogException:
            continue
    raise exceptions.TricircleClientError(
        "The catalog has no Tricircle admin API endpoint (service type "
        f"{catalog.ADMIN_SERVICE_TYPE!r}) in region {request.user.services_region!r}.")


def client(request) -> Client:
    url = endpoint(request)
    auth = token_endpoint.Token(url, request.user.token.id)
    return Client(session=ks_session.Session(auth=auth, timeout=TIMEOUT),
                  endpoint_override=url)


def _translated(call):
    """keystoneauth's transport errors become a TricircleClientError naming the API."""
    @functools.wraps(call)
    def wrapper(request, *args, **kwargs):
        try:
            return call(request, *args, **kwargs)
        except ks_exceptions.ConnectionError as exc:
            raise Unreachable(f"Tricircle's admin API is not answering: {exc}") from exc
    return wrapper


@_translated
def pod_list(request) -> list[dict]:
    return list(client(request).pods.iterate())


@_translated
def pods_by_id(request) -> dict[str, dict]:
    """Every pod by id, or {} for a user the policy does not let read pods."""
    try:
        return {pod["pod_id"]: pod for pod in client(request).pods.iterate()}
    except exceptions.Forbidden:
        return {}


@_translated
def gateway_breakers(request, pod_id: str) -> dict[str, dict] | None:
    """The gateway's breaker of each service of the pod as last recorded, by the
    panel's service names; None for a user the policy does not let read it."""
    try:
        health = client(request).pods.health(pod_id)
    except exceptions.Forbidden:
        return None
    return breakers.by_service(health["services"])


@_translated
def routing_page(request, marker=None, **filters) -> tuple[list[dict], bool]:
    """One page of routings and whether more follow."""
    page = client(request).routings.list(limit=PAGE_SIZE, marker=marker, **filters)
    return list(page), page.next_marker is not None


@_translated
def job_page(request, marker=None, **filters) -> tuple[list[dict], bool]:
    page = client(request).jobs.list(limit=PAGE_SIZE, marker=marker, **filters)
    return list(page), page.next_marker is not None


@_translated
def job_get(request, job_id: str) -> dict:
    return client(request).jobs.get(job_id)


@_translated
def job_redo(request, job_id: str) -> dict:
    return client(request).jobs.redo(job_id)


@_translated
def job_delete(request, job_id: str) -> None:
    client(request).jobs.delete(job_id)


@_translated
def binding_list(request) -> list[dict]:
    return list(client(request).bindings.iterate())


@_translated
def binding_get(request, binding_id: str) -> dict:
    return client(request).bindings.get(binding_id)


@_translated
def binding_create(request, tenant_id: str, pod_id: str, is_binding: bool) -> dict:
    return client(request).bindings.create(tenant_id, pod_id, is_binding=is_binding)


@_translated
def binding_update(request, binding_id: str, pod_id: str, is_binding: bool) -> dict:
    return client(request).bindings.update(binding_id, pod_id=pod_id, is_binding=is_binding)


@_translated
def binding_delete(request, binding_id: str) -> None:
    client(request).bindings.delete(binding_id)


@_translated
def open_jobs_per_pod(request) -> dict[str, Counter]:
    """For FAIL and NEW: how many jobs name each pod in their resource."""
    tricircle = client(request)
    counts = {}
    for status in ("FAIL", "NEW"):
        counts[status] = Counter(job["resource"].get("pod_id")
                                 for job in tricircle.jobs.iterate(status=status)
                                 if isinstance(job.get("resource"), dict))
    return counts


# --- region health --------------------------------------------------------

SERVICES = tuple(catalog.SERVICE_TYPES)   # compute, network, volume


def region_endpoints(request, region_name: str) -> dict[str, str | None]:
    """For compute/network/volume: the public URL ``region_name`` has in the
    user's catalog, or None."""
    found = {}
    for name, service_types in catalog.SERVICE_TYPES.items():
        found[name] = None
        for service_type in service_types:
            try:
                found[name] = base.url_for(request, service_type, region=region_name)
                break
            except horizon_exceptions.ServiceCatalogException:
                continue
    return found


def answers(url: str) -> bool:
    """Whether anything serves ``url``: any HTTP answer counts (401, 300 ...)."""
    try:
        with urllib.request.urlopen(url, timeout=PROBE_TIMEOUT):
            return True
    except urllib.error.HTTPError:
        return True
    except (OSError, ValueError):
        return False


def health(endpoints: dict[str, str | None]) -> dict[str, bool | None]:
    """For each service: does its endpoint answer (None: not in the catalog)."""
    urls = {name: url for name, url in endpoints.items() if url}
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(urls) or 1) as pool:
        answered = dict(zip(urls, pool.map(answers, urls.values()), strict=True))
    return {name: answered.get(name) for name in endpoints}


def state(services: dict[str, bool | None]) -> str:
    """``up`` when every service in the catalog answers, ``down`` when none
    does, ``degraded`` in between, ``unknown`` with no service in the catalog."""
    known = [ok for ok in services.values() if ok is not None]
    if not known:
        return "unknown"
    if all(known):
        return "up"
    return "down" if not any(known) else "degraded"
