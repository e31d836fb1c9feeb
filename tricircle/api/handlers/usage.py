"""Handler for /v1.0/usages/{project_id}: what a project uses in each region.

Counted live from every region with the caller's token (tricircle.gateway.usage),
the same count the gateway's central quota enforces against; the limits
themselves are Keystone's unified limits, not ours.
"""

import webob

from tricircle.api import policy, util
from tricircle.api.policies import usage as usage_policies
from tricircle.api.schemas import usage as schema
from tricircle.gateway import usage


def show_usage(req: webob.Request, project_id: str) -> webob.Response:
    """GET /v1.0/usages/{project_id}: 200 ``{"usage": {...}}`` per region and in total;
    regions that could not be asked are named in ``unreachable``."""
    context = util.context_of(req)
    util.validate(project_id, schema.PATH_PROJECT_ID, what="the project id")
    util.read_query(req, schema.SHOW_QUERY)
    policy.authorize(context, usage_policies.SHOW, {"project_id": project_id})
    found = usage.count(usage.FIELDS, req.headers.get("X-Auth-Token", ""),
                        context.project_id, project_id)
    body = {"project_id": project_id,
            "regions": {name: _complete(counts) for name, counts in found.regions.items()},
            "total": found.total(), "unreachable": found.unreachable}
    return util.json_response(200, {"usage": body})


def _complete(counts: dict[str, int]) -> dict[str, int]:
    """Every usage name, 0 for a service the region does not have."""
    return {name: counts.get(name, 0) for name in usage.NAMES}
