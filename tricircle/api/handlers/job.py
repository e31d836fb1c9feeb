"""Handlers for /v1.0/jobs: the cross-region work tricircle-xjob does."""

import webob
from oslo_log import log as logging

from tricircle.api import policy, util
from tricircle.api.policies import job as job_policies
from tricircle.api.schemas import job as schema
from tricircle.common import constants, exceptions
from tricircle.objects import job as job_obj
from tricircle.xjob import handlers as xjob_handlers
from tricircle.xjob import rpcapi

LOG = logging.getLogger(__name__)


def _wake_workers(job: dict) -> None:
    """Tell tricircle-xjob the job is there. The job is committed already, so a
    failed cast only delays it until a worker's next scan of the table."""
    try:
        rpcapi.run_job(job["id"])
    except Exception as exc:  # any transport error: the scan still finds the job
        LOG.warning("could not cast run_job(%s) to tricircle-xjob, it will be found by "
                    "the next scan: %s", job["id"], exc)


def list_jobs(req: webob.Request) -> webob.Response:
    """GET /v1.0/jobs (and /v1.0/jobs/detail): 200 ``{"jobs": [...]}``, newest
    first, queued, running and failed jobs together with finished ones from the
    log; filters project_id, type, status. A project member sees its own."""
    context = util.context_of(req)
    query = util.read_query(req, schema.LIST_QUERY)
    limit, marker = util.page_params(query)
    if "status" in query:
        query["status"] = query["status"].upper()
    if "project_id" not in query and not policy.allowed(
            context, job_policies.LIST_ALL_PROJECTS):
        query["project_id"] = context.project_id
    policy.authorize(context, job_policies.LIST, {"project_id": query["project_id"]}
                     if "project_id" in query else None)
    jobs = job_obj.get_all(query, limit, marker)
    return util.json_response(200, util.page_body(req, "jobs", jobs, limit, "id"))


def _handled_types() -> tuple[str, ...]:
    """The job types tricircle-xjob has a handler for (its handler registry)."""
    return xjob_handlers.HANDLERS.types()


def list_schemas(req: webob.Request) -> webob.Response:
    """GET /v1.0/jobs/schemas: 200 ``{"schemas": [...]}``, one per job type.

    Each is ``{"type": ..., "resource": [...], "handled": ...}``: the resource
    fields a job of that type needs, and whether tricircle-xjob runs it (so
    whether POST /v1.0/jobs accepts it).
    """
    policy.authorize(util.context_of(req), job_policies.SCHEMAS)
    handled = _handled_types()
    schemas = [{"type": job_type, "resource": list(keys), "handled": job_type in handled}
               for job_type, keys in constants.JOB_TYPES.items()]
    return util.json_response(200, {"schemas": schemas})


def _check_handled(job_type: str) -> None:
    """Refuse work no worker would ever claim: such a job would stay NEW forever."""
    handled = _handled_types()
    if job_type not in handled:
        raise exceptions.Invalid(
            f"Invalid input for field 'job/type': tricircle-xjob has no handler for "
            f"{job_type} jobs; it runs {', '.join(handled)}.")


def create_job(req: webob.Request) -> webob.Response:
    """POST /v1.0/jobs: 202 ``{"job": {...}}``. The job is queued for the worker;
    posting work that is queued already returns that job instead of a second one.
    400 for a job type no worker handles."""
    policy.authorize(util.context_of(req), job_policies.CREATE)
    values = util.read_body(req, schema.CREATE)["job"]
    _check_handled(values["type"])
    job = job_obj.create(values["project_id"], values["type"], values["resource"])
    _wake_workers(job)
    return util.json_response(202, {"job": job})


def show_job(req: webob.Request, job_id: str) -> webob.Response:
    """GET /v1.0/jobs/{id}: 200 ``{"job": {...}}``, 404 if unknown (or not yours)."""
    job = job_obj.get(util.generated_id("Job", job_id))
    if not policy.allowed(util.context_of(req), job_policies.SHOW,
                          {"project_id": job["project_id"]}):
        raise exceptions.NotFound("Job", job_id)
    return util.json_response(200, {"job": job})


def redo_job(req: webob.Request, job_id: str) -> webob.Response:
    """PUT /v1.0/jobs/{id}: 200 ``{"job": {...}}`` queued again; 409 for a job
    that is running or already succeeded."""
    policy.authorize(util.context_of(req), job_policies.REDO)
    job = job_obj.redo(util.generated_id("Job", job_id))
    _wake_workers(job)
    return util.json_response(200, {"job": job})


def delete_job(req: webob.Request, job_id: str) -> webob.Response:
    """DELETE /v1.0/jobs/{id}: 204; 409 while the job is running."""
    policy.authorize(util.context_of(req), job_policies.DELETE)
    job_obj.delete(util.generated_id("Job", job_id))
    return util.json_response(204, None)
