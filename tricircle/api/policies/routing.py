"""Resource routings: a project reads its own; the Neutron plugins (service)
record and forget them and look them up across projects; admin everything."""

from tricircle.api.policies.base import (
    ADMIN,
    ADMIN_OR_SERVICE,
    ADMIN_OR_SERVICE_OR_PROJECT_READER,
    LEGACY_ADMIN,
    LEGACY_ADMIN_OR_OWNER,
    api_rule,
)

PREFIX = "tricircle:routings:%s"
LIST = PREFIX % "list"
LIST_ALL_PROJECTS = PREFIX % "list:all_projects"
SHOW = PREFIX % "show"
CREATE = PREFIX % "create"
UPDATE = PREFIX % "update"
DELETE = PREFIX % "delete"

rules = [
    api_rule(LIST, "GET", "/v1.0/routings", "List resource routings of a project.",
             ADMIN_OR_SERVICE_OR_PROJECT_READER, LEGACY_ADMIN_OR_OWNER),
    api_rule(LIST_ALL_PROJECTS, "GET", "/v1.0/routings",
             "List resource routings of every project (no project_id filter).",
             ADMIN_OR_SERVICE, LEGACY_ADMIN),
    api_rule(SHOW, "GET", "/v1.0/routings/{id}", "Show a resource routing.",
             ADMIN_OR_SERVICE_OR_PROJECT_READER, LEGACY_ADMIN_OR_OWNER),
    api_rule(CREATE, "POST", "/v1.0/routings", "Create a resource routing.",
             ADMIN_OR_SERVICE, LEGACY_ADMIN),
    api_rule(UPDATE, "PUT", "/v1.0/routings/{id}", "Update a resource routing.", ADMIN),
    api_rule(DELETE, "DELETE", "/v1.0/routings/{id}", "Delete a resource routing.",
             ADMIN_OR_SERVICE, LEGACY_ADMIN),
]
