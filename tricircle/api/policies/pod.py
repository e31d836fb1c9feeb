from tricircle.api.policies.base import crud_rules

LIST, SHOW, CREATE, UPDATE, DELETE, rules = crud_rules("pods", "pod_id", "pod")
