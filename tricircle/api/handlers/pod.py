"""Handlers for /v1.0/pods: the regions Tricircle manages."""

import webob

from tricircle.api import policy, util
from tricircle.api.conf import CONF
from tricircle.api.policies import pod as pod_policies
from tricircle.api.schemas import pod as schema
from tricircle.common import client, exceptions
from tricircle.objects import breaker_state
from tricircle.objects import pod as pod_obj


def _check_region(values: dict) -> None:
    """A pod must be a Keystone region (when there is a Keystone to ask)."""
    region_name = values.get("region_name")
    if (region_name is None or not CONF.api.verify_region_names
            or CONF.auth_strategy == "noauth" or not client.is_configured()):
        return
    if not client.region_exists(client.get_session(), region_name):
        raise exceptions.Invalid(f"Invalid input for field 'pod/region_name': "
                                 f"{region_name} is not a region in Keystone.")


def list_pods(req: webob.Request) -> webob.Response:
    """GET /v1.0/pods: 200 ``{"pods": [...]}`` in region_name order, filtered by
    region_name and az_name, with ``pods_links`` when a next page may exist."""
    policy.authorize(util.context_of(req), pod_policies.LIST)
    query = util.read_query(req, schema.LIST_QUERY)
    limit, marker = util.page_params(query)
    pods = pod_obj.get_all(query, limit, marker)
    return util.json_response(200, util.page_body(req, "pods", pods, limit, "pod_id"))


def create_pod(req: webob.Request) -> webob.Response:
    """POST /v1.0/pods: 200 ``{"pod": {...}}``; 400 if Keystone has no such region,
    409 if the region is already a pod or a second central pod (empty az_name)
    is asked for."""
    policy.authorize(util.context_of(req), pod_policies.CREATE)
    values = util.read_body(req, schema.CREATE)["pod"]
    _check_region(values)
    return util.json_response(200, {"pod": pod_obj.create(values)})


def show_pod(req: webob.Request, pod_id: str) -> webob.Response:
    """GET /v1.0/pods/{pod_id}: 200 ``{"pod": {...}}``, 404 if unknown."""
    policy.authorize(util.context_of(req), pod_policies.SHOW)
    return util.json_response(200, {"pod": pod_obj.get(util.generated_id("Pod", pod_id))})


def show_pod_health(req: webob.Request, pod_id: str) -> webob.Response:
    """GET /v1.0/pods/{pod_id}/health: 200 ``{"health": {"pod_id", "region_name",
    "services": {service_type: {"state", "failures", "since", "reported_at",
    "last_error", "reported_by"}}}}``, the gateway's circuit breaker of each
    service as last recorded by a tricircle-api process; 404 if unknown.

    A service that is not listed has not been called since the table was made.
    A state is the last one seen, not a probe: ``since`` and ``reported_at``
    tell how old it is.
    """
    policy.authorize(util.context_of(req), pod_policies.HEALTH)
    pod = pod_obj.get(util.generated_id("Pod", pod_id))
    return util.json_response(200, {"health": {
        "pod_id": pod["pod_id"], "region_name": pod["region_name"],
        "services": breaker_state.of_pod(pod["pod_id"])}})


def update_pod(req: webob.Request, pod_id: str) -> webob.Response:
    """PUT /v1.0/pods/{pod_id}: 200 ``{"pod": {...}}`` with the fields changed."""
    policy.authorize(util.context_of(req), pod_policies.UPDATE)
    values = util.read_body(req, schema.UPDATE)["pod"]
    _check_region(values)
    pod = pod_obj.update(util.generated_id("Pod", pod_id), values)
    return util.json_response(200, {"pod": pod})


def delete_pod(req: webob.Request, pod_id: str) -> webob.Response:
    """DELETE /v1.0/pods/{pod_id}: 204; 409 while routings point at the pod,
    unless ``?force=true``, which deletes them too."""
    policy.authorize(util.context_of(req), pod_policies.DELETE)
    query = util.read_query(req, schema.DELETE_QUERY)
    pod_obj.delete(util.generated_id("Pod", pod_id),
                   force=util.as_bool(query.get("force", "false")))
    return util.json_response(204, None)
