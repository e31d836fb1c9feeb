"""Jobs: a project reads its own; the Neutron plugins (service) queue them;
the operator (admin) redoes, deletes and reads every project's."""

from tricircle.api.policies.base import (
    ADMIN,
    ADMIN_OR_PROJECT_READER,
    ADMIN_OR_SERVICE,
    LEGACY_ADMIN,
    LEGACY_ADMIN_OR_OWNER,
    api_rule,
)

PREFIX = "tricircle:jobs:%s"
LIST = PREFIX % "list"
LIST_ALL_PROJECTS = PREFIX % "list:all_projects"
SHOW = PREFIX % "show"
SCHEMAS = PREFIX % "schemas"
CREATE = PREFIX % "create"
REDO = PREFIX % "redo"
DELETE = PREFIX % "delete"

rules = [
    api_rule(LIST, "GET", "/v1.0/jobs", "List the jobs of a project.",
             ADMIN_OR_PROJECT_READER, LEGACY_ADMIN_OR_OWNER),
    api_rule(LIST_ALL_PROJECTS, "GET", "/v1.0/jobs",
             "List the jobs of every project (no project_id filter)."),
    api_rule(SHOW, "GET", "/v1.0/jobs/{id}", "Show a job.",
             ADMIN_OR_PROJECT_READER, LEGACY_ADMIN_OR_OWNER),
    api_rule(SCHEMAS, "GET", "/v1.0/jobs/schemas",
             "List job types and the resource fields each needs."),
    api_rule(CREATE, "POST", "/v1.0/jobs", "Queue a job.", ADMIN_OR_SERVICE, LEGACY_ADMIN),
    api_rule(REDO, "PUT", "/v1.0/jobs/{id}", "Redo a failed or queued job.", ADMIN),
    api_rule(DELETE, "DELETE", "/v1.0/jobs/{id}", "Delete a job that is not running."),
]
