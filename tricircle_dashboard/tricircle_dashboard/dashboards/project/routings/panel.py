import horizon
from django.utils.translation import gettext_lazy as _

from tricircle_dashboard import rules


class Routings(horizon.Panel):
    name = _("Resource Routings")
    slug = "tricircle_routings"
    permissions = rules.PERMISSIONS
    policy_rules = (rules.ROUTINGS_LIST,)
