"""Rules every resource policy builds on."""

from oslo_policy import policy

ADMIN = "role:admin"
ADMIN_OR_OWNER = "role:admin or project_id:%(project_id)s"

rules = [
    policy.RuleDefault("admin_api", ADMIN, "Only an administrator may do this."),
    policy.RuleDefault("admin_or_owner", ADMIN_OR_OWNER,
                       "An administrator, or a member of the project the object belongs to."),
]


def admin_rule(name: str, method: str, path: str, description: str,
               check: str = "rule:admin_api") -> policy.DocumentedRuleDefault:
    """A documented rule for one API operation (admin only unless ``check`` says otherwise)."""
    return policy.DocumentedRuleDefault(
        name=name, check_str=check, description=description,
        operations=[{"method": method, "path": path}], scope_types=["project"])


def crud_rules(collection: str, id_name: str, noun: str) -> tuple:
    """Admin-only list/show/create/update/delete rules of /v1.0/{collection}.

    Returns the five rule names, then the list of rules.
    """
    path, item_path = f"/v1.0/{collection}", f"/v1.0/{collection}/{{{id_name}}}"
    operations = [("list", "GET", path, f"List every {noun}."),
                  ("show", "GET", item_path, f"Show a {noun}."),
                  ("create", "POST", path, f"Create a {noun}."),
                  ("update", "PUT", item_path, f"Update a {noun}."),
                  ("delete", "DELETE", item_path, f"Delete a {noun}.")]
    names = [f"tricircle:{collection}:{action}" for action, *_ in operations]
    rules = [admin_rule(name, method, rule_path, description)
             for name, (_, method, rule_path, description) in zip(names, operations,
                                                                   strict=True)]
    return (*names, rules)
