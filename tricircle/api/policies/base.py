"""The personas of the admin API and the rules every resource policy builds on.

Secure RBAC as current OpenStack services have it: every rule is for
project-scoped tokens; ``admin`` may do everything; a ``reader`` (every
``member`` is one, through Keystone's implied roles) reads what belongs to its
own project; the ``service`` role is the account of Tricircle's Neutron plugins,
which needs exactly the calls they make (pod reads, routing records, job queueing).
"""

from oslo_policy import policy

# Where a default changed: the old check string stays as a deprecated rule, so
# [oslo_policy] enforce_new_defaults = False keeps an upgraded cloud's access.
DEPRECATED_SINCE = "9.0.0"
DEPRECATED_REASON = ("Tricircle's admin API has the reader and service personas of "
                     "OpenStack's secure RBAC.")

ADMIN = "rule:admin_api"
SERVICE = "rule:service_api"
PROJECT_READER = "rule:project_reader"
ADMIN_OR_SERVICE = f"{ADMIN} or {SERVICE}"
ADMIN_OR_PROJECT_READER = f"{ADMIN} or {PROJECT_READER}"
ADMIN_OR_SERVICE_OR_PROJECT_READER = f"{ADMIN} or {SERVICE} or {PROJECT_READER}"

# The defaults before secure RBAC, kept for deprecated rules and old policy files.
LEGACY_ADMIN = "rule:admin_api"
LEGACY_ADMIN_OR_OWNER = "rule:admin_or_owner"

rules = [
    policy.RuleDefault("admin_api", "role:admin", "An administrator (admin role)."),
    policy.RuleDefault("service_api", "role:service",
                       "Another OpenStack service (service role): Tricircle's Neutron "
                       "plugins."),
    policy.RuleDefault("project_reader", "role:reader and project_id:%(project_id)s",
                       "A reader (or member) of the project the object belongs to."),
    policy.RuleDefault("admin_or_owner", "role:admin or project_id:%(project_id)s",
                       "Any role in the object's project. Used by no default any more; "
                       "kept for policy files written for earlier releases."),
]


def deprecated(name: str, old_check: str) -> policy.DeprecatedRule:
    """The rule ``name`` as it was before its default became secure RBAC's."""
    return policy.DeprecatedRule(name=name, check_str=old_check,
                                 deprecated_reason=DEPRECATED_REASON,
                                 deprecated_since=DEPRECATED_SINCE)


def api_rule(name: str, method: str, path: str, description: str, check: str = ADMIN,
             old_check: str | None = None) -> policy.DocumentedRuleDefault:
    """A documented rule for one API operation, for project-scoped tokens.

    ``old_check`` is the default the rule had before, when it changed.
    """
    return policy.DocumentedRuleDefault(
        name=name, check_str=check, description=description,
        operations=[{"method": method, "path": path}], scope_types=["project"],
        deprecated_rule=deprecated(name, old_check) if old_check else None)


def crud_rules(collection: str, id_name: str, noun: str,
               read_check: str = ADMIN) -> tuple:
    """list/show/create/update/delete rules of /v1.0/{collection}: writes are
    admin only, reads ``read_check`` (admin only by default).

    Returns the five rule names, then the list of rules.
    """
    path, item_path = f"/v1.0/{collection}", f"/v1.0/{collection}/{{{id_name}}}"
    old_read = LEGACY_ADMIN if read_check != ADMIN else None
    operations = [("list", "GET", path, f"List every {noun}.", read_check, old_read),
                  ("show", "GET", item_path, f"Show a {noun}.", read_check, old_read),
                  ("create", "POST", path, f"Create a {noun}.", ADMIN, None),
                  ("update", "PUT", item_path, f"Update a {noun}.", ADMIN, None),
                  ("delete", "DELETE", item_path, f"Delete a {noun}.", ADMIN, None)]
    names = [f"tricircle:{collection}:{action}" for action, *_ in operations]
    rules = [api_rule(name, method, rule_path, description, check, old_check)
             for name, (_, method, rule_path, description, check, old_check)
             in zip(names, operations, strict=True)]
    return (*names, rules)
