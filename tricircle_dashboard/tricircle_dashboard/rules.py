"""The admin API's policy rules the panels and actions are guarded by.

Horizon checks them against conf/default_policies/tricircle.yaml (generated
from tricircle.api.policies by tools/dashboard_policies.py) and the operator's
overrides in conf/tricircle_policy.yaml, so a panel is offered exactly when
the admin API would answer its list.
"""

SCOPE = "tricircle"  # the key of POLICY_FILES in Horizon's settings


def rule(name: str) -> tuple[str, str]:
    return (SCOPE, f"tricircle:{name}")


PODS_LIST = rule("pods:list")
ROUTINGS_LIST = rule("routings:list")
ROUTINGS_LIST_ALL = rule("routings:list:all_projects")
JOBS_LIST = rule("jobs:list")
JOBS_LIST_ALL = rule("jobs:list:all_projects")
JOBS_REDO = rule("jobs:redo")
JOBS_DELETE = rule("jobs:delete")
BINDINGS_LIST = rule("bindings:list")
BINDINGS_CREATE = rule("bindings:create")
BINDINGS_UPDATE = rule("bindings:update")
BINDINGS_DELETE = rule("bindings:delete")

# The admin API's official service type, or the alias the lab and the retired
# devstack plugin register: either in the catalog offers the panels.
PERMISSIONS = (("openstack.services.multi-region-network-automation",
                "openstack.services.tricircle"),)
