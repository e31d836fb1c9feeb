from tricircle.api.policies.base import admin_rule

SHOW = "tricircle:usages:show"

rules = [
    admin_rule(SHOW, "GET", "/v1.0/usages/{project_id}",
               "Show a project's usage per region and in total.",
               check="rule:admin_or_owner"),
]
