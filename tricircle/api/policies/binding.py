from tricircle.api.policies.base import admin_rule

PREFIX = "tricircle:bindings:%s"
LIST = PREFIX % "list"
SHOW = PREFIX % "show"
CREATE = PREFIX % "create"
UPDATE = PREFIX % "update"
DELETE = PREFIX % "delete"

rules = [
    admin_rule(LIST, "GET", "/v1.0/bindings", "List tenant to pod bindings."),
    admin_rule(SHOW, "GET", "/v1.0/bindings/{id}", "Show a binding."),
    admin_rule(CREATE, "POST", "/v1.0/bindings", "Bind a tenant to a pod of an AZ."),
    admin_rule(UPDATE, "PUT", "/v1.0/bindings/{id}", "Change a binding."),
    admin_rule(DELETE, "DELETE", "/v1.0/bindings/{id}", "Delete a binding."),
]
