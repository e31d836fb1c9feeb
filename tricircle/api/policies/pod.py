from tricircle.api.policies.base import admin_rule

PREFIX = "tricircle:pods:%s"
LIST = PREFIX % "list"
SHOW = PREFIX % "show"
CREATE = PREFIX % "create"
UPDATE = PREFIX % "update"
DELETE = PREFIX % "delete"

rules = [
    admin_rule(LIST, "GET", "/v1.0/pods", "List pods (regions)."),
    admin_rule(SHOW, "GET", "/v1.0/pods/{pod_id}", "Show a pod."),
    admin_rule(CREATE, "POST", "/v1.0/pods", "Register a region as a pod."),
    admin_rule(UPDATE, "PUT", "/v1.0/pods/{pod_id}", "Update a pod."),
    admin_rule(DELETE, "DELETE", "/v1.0/pods/{pod_id}", "Delete a pod."),
]
