"""Pods: the operator's map of regions; the Neutron plugins (service) read it."""

from tricircle.api.policies.base import ADMIN_OR_SERVICE, crud_rules

LIST, SHOW, CREATE, UPDATE, DELETE, rules = crud_rules("pods", "pod_id", "pod",
                                                       read_check=ADMIN_OR_SERVICE)
