import horizon
from django.utils.translation import gettext_lazy as _

from tricircle_dashboard import rules


class Jobs(horizon.Panel):
    name = _("Jobs")
    slug = "tricircle_jobs"
    permissions = rules.PERMISSIONS
    policy_rules = (rules.JOBS_LIST_ALL,)
