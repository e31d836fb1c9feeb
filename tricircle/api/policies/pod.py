"""Pods: the operator's map of regions; the Neutron plugins (service) read it.
A pod's health as the gateway saw it is the operator's alone."""

from tricircle.api.policies.base import ADMIN, ADMIN_OR_SERVICE, api_rule, crud_rules

LIST, SHOW, CREATE, UPDATE, DELETE, crud = crud_rules("pods", "pod_id", "pod",
                                                      read_check=ADMIN_OR_SERVICE)
HEALTH = "tricircle:pods:health"

rules = [
    *crud,
    api_rule(HEALTH, "GET", "/v1.0/pods/{pod_id}/health",
             "Show the gateway's circuit breaker state of each service of a pod.", ADMIN),
]
