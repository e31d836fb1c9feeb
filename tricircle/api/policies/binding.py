"""Tenant to pod bindings: the operator's placement decisions, admin only."""

from tricircle.api.policies.base import crud_rules

LIST, SHOW, CREATE, UPDATE, DELETE, rules = crud_rules("bindings", "id", "tenant to pod binding")
