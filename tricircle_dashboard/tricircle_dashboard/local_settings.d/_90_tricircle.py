# Tricircle's dashboard: copy into openstack_dashboard/local/local_settings.d/.
# Horizon executes this file inside its settings module, so the names below
# (POLICY_FILES, DEFAULT_POLICY_FILES, HORIZON_CONFIG) are Horizon's settings.
import os as _os

import tricircle_dashboard as _dashboard
from tricircleclient import exceptions as _tricircle_exceptions

_CONF = _os.path.join(_os.path.dirname(_dashboard.__file__), "conf")
# The operator's overrides of the admin API's rules (empty: the defaults), and
# the defaults themselves, generated from Tricircle's policy in code.
POLICY_FILES["tricircle"] = _os.path.join(_CONF, "tricircle_policy.yaml")  # noqa: F821
DEFAULT_POLICY_FILES["tricircle"] = _os.path.join(  # noqa: F821
    _CONF, "default_policies", "tricircle.yaml")

# The admin API's errors are shown as Horizon shows errors (a message), and a
# 401 logs the user out as Horizon does for every other service.
_EXCEPTIONS = HORIZON_CONFIG["exceptions"]  # noqa: F821
_EXCEPTIONS["unauthorized"] = (*_EXCEPTIONS["unauthorized"], _tricircle_exceptions.Unauthorized)
_EXCEPTIONS["not_found"] = (*_EXCEPTIONS["not_found"], _tricircle_exceptions.NotFound)
_EXCEPTIONS["recoverable"] = (*_EXCEPTIONS["recoverable"],
                              _tricircle_exceptions.TricircleClientError)

# A page whose lists miss a region (the gateway's X-Tricircle-Partial) says so.
MIDDLEWARE = (*MIDDLEWARE, "tricircle_dashboard.partial.PartialListMiddleware")  # noqa: F821
