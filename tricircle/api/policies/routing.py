from tricircle.api.policies.base import admin_rule

PREFIX = "tricircle:routings:%s"
LIST = PREFIX % "list"
LIST_ALL_PROJECTS = PREFIX % "list:all_projects"
SHOW = PREFIX % "show"
CREATE = PREFIX % "create"
UPDATE = PREFIX % "update"
DELETE = PREFIX % "delete"

rules = [
    admin_rule(LIST, "GET", "/v1.0/routings",
               "List resource routings of a project.", check="rule:admin_or_owner"),
    admin_rule(LIST_ALL_PROJECTS, "GET", "/v1.0/routings",
               "List resource routings of every project (no project_id filter)."),
    admin_rule(SHOW, "GET", "/v1.0/routings/{id}", "Show a resource routing.",
               check="rule:admin_or_owner"),
    admin_rule(CREATE, "POST", "/v1.0/routings", "Create a resource routing."),
    admin_rule(UPDATE, "PUT", "/v1.0/routings/{id}", "Update a resource routing."),
    admin_rule(DELETE, "DELETE", "/v1.0/routings/{id}", "Delete a resource routing."),
]
