from tricircle.api.policies.base import admin_rule

PREFIX = "tricircle:jobs:%s"
LIST = PREFIX % "list"
LIST_ALL_PROJECTS = PREFIX % "list:all_projects"
SHOW = PREFIX % "show"
SCHEMAS = PREFIX % "schemas"
CREATE = PREFIX % "create"
REDO = PREFIX % "redo"
DELETE = PREFIX % "delete"

rules = [
    admin_rule(LIST, "GET", "/v1.0/jobs", "List the jobs of a project.",
               check="rule:admin_or_owner"),
    admin_rule(LIST_ALL_PROJECTS, "GET", "/v1.0/jobs",
               "List the jobs of every project (no project_id filter)."),
    admin_rule(SHOW, "GET", "/v1.0/jobs/{id}", "Show a job.", check="rule:admin_or_owner"),
    admin_rule(SCHEMAS, "GET", "/v1.0/jobs/schemas",
               "List job types and the resource fields each needs."),
    admin_rule(CREATE, "POST", "/v1.0/jobs", "Queue a job."),
    admin_rule(REDO, "PUT", "/v1.0/jobs/{id}", "Redo a failed or queued job."),
    admin_rule(DELETE, "DELETE", "/v1.0/jobs/{id}", "Delete a job that is not running."),
]
