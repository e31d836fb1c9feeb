"""os-quota-class-sets of Nova and Cinder as the cloud's, not the default region's.

A quota class (in practice only ``default``) holds the quota a new project
gets. With central quota that is Keystone's registered limits of the
gateway's service (tricircle.gateway.unified_limits): a GET shows them in
place of the default region's numbers for the resources central quota
limits (-1: none registered, as a quota set shows it), and a PUT is an
admin's 400 naming `openstack registered limit set`, as a quota set PUT
names `openstack limit set`. Without central quota each region enforces its
own class: a GET is the default region's (they are written alike), and a PUT
is written to every region, the default one first; a region that missed it
makes the answer an error naming it (a repeat of the request brings it in
line: the write is idempotent). os-quota-sets/{project}/defaults shows the
same numbers as the default class.
"""

import logging

import webob

from tricircle.gateway import default, quota, region_sums, unified_limits
from tricircle.gateway.call import PARTIAL_HEADER, Call, GatewayError, fault
from tricircle.gateway.quota_resources import of_service
from tricircle.gateway.rules import rule

LOG = logging.getLogger(__name__)

READ_ONLY_MESSAGE = ("Default quotas are Keystone registered limits here (central "
                     "quota): change them with 'openstack registered limit set', not "
                     "with quota set --class.")


def _registered(service_type: str) -> dict[str, int]:
    """{unified name: default limit} registered in Keystone for the gateway's service."""
    try:
        return dict(unified_limits.enforcer(service_type).get_registered_limits(None))
    except Exception as exc:  # Unavailable, Keystone refusing or down, ...
        LOG.error("registered limits of %s unavailable: %s", service_type, exc)
        raise GatewayError(503, "The central quota could not be read from Keystone; "
                           "try again later.") from None


def central_class_set(class_set: dict, registered: dict[str, int],
                      service_type: str) -> dict:
    """``class_set`` (a region's) with central quota's resources as Keystone registers
    them; the others (metadata items, key pairs, backups, ...) stay the region's."""
    return {**class_set, **{r.legacy_name: registered.get(r.unified_name, -1)
                            for r in of_service(service_type)}}


def _shown(call: Call) -> webob.Response:
    reply = default.ask(call)
    data = reply.json()
    class_set = data.get("quota_class_set") if isinstance(data, dict) else None
    if reply.status != 200 or not isinstance(class_set, dict):
        return call.respond(reply)
    service_type = call.service.service_type
    shown = central_class_set(class_set, _registered(service_type), service_type)
    return call.respond(reply, {**data, "quota_class_set": shown})


def _written_everywhere(call: Call) -> webob.Response:
    """The write in every region (region_sums.write_everywhere); the default
    region's answer when all took it."""
    first_region, first, _, missed = region_sums.write_everywhere(call)
    if not missed:
        return call.respond(first)
    names = ", ".join(missed)
    LOG.warning("%s %s reached %s but not %s", call.req.method, call.path,
                first_region.region_name, names)
    return fault(call.service, 503, f"The quota class was written in "
                 f"{first_region.region_name} but not in {names}: the regions now "
                 "differ; repeat the request to bring them in line.",
                 headers={PARTIAL_HEADER: names})


def quota_defaults(call: Call) -> webob.Response:
    """GET os-quota-sets/{project}/defaults (Nova's and Cinder's): what a new
    project gets. With central quota the registered limits, the numbers the
    default class shows; without, each region's defaults summed, as a quota set
    GET sums the regions' quotas."""
    if not quota.enabled():
        return region_sums.quota_set(call)
    reply = default.ask(call)
    data = reply.json()
    quota_set = data.get("quota_set") if isinstance(data, dict) else None
    if reply.status != 200 or not isinstance(quota_set, dict):
        return call.respond(reply)
    service_type = call.service.service_type
    shown = central_class_set(quota_set, _registered(service_type), service_type)
    return call.respond(reply, {**data, "quota_set": shown})


def quota_class_set(call: Call) -> webob.Response:
    """GET or PUT os-quota-class-sets/{id} (Nova's and Cinder's)."""
    if call.req.method == "GET":
        return _shown(call) if quota.enabled() else default.forward(call)
    if call.req.method != "PUT":
        return default.forward(call)  # the region's own 405
    # A member gets the region's 403, as directly; the 400 is for admins.
    if quota.enabled() and call.context.is_admin_role:
        raise GatewayError(400, READ_ONLY_MESSAGE)
    return _written_everywhere(call)


_NOTE = ("a GET: the default region's; with central quota its {resources} are the "
         "Keystone registered limits, and an admin's PUT is a 400 pointing at "
         "openstack registered limit set; without it a PUT goes to every region (the "
         "default one first), a region that misses it makes the answer a 503 naming it")

_DEFAULTS_NOTE = ("what a new project gets: every region's defaults summed, as a "
                  "quota-set GET; with central quota its {resources} are the Keystone "
                  "registered limits (the default class's numbers)")


def _rules(resources: str) -> tuple:
    return (rule(None, "/os-quota-class-sets/{id}", quota_class_set,
                 note=_NOTE.format(resources=resources)),
            rule("GET", "/os-quota-sets/{project}/defaults", quota_defaults,
                 note=_DEFAULTS_NOTE.format(resources=resources)))


COMPUTE_RULES = _rules("instances, cores and RAM")
VOLUME_RULES = _rules("volumes, gigabytes and snapshots")
