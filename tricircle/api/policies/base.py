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
