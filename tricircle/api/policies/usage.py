"""Usages: a project's readers see its own; admin any project's."""

from tricircle.api.policies.base import ADMIN_OR_PROJECT_READER, LEGACY_ADMIN_OR_OWNER, api_rule

SHOW = "tricircle:usages:show"

rules = [
    api_rule(SHOW, "GET", "/v1.0/usages/{project_id}",
             "Show a project's usage per region and in total.",
             ADMIN_OR_PROJECT_READER, LEGACY_ADMIN_OR_OWNER),
]
