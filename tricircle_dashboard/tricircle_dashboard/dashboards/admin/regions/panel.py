import horizon
from django.utils.translation import gettext_lazy as _

from tricircle_dashboard import rules


class Regions(horizon.Panel):
    name = _("Regions")
    slug = "tricircle_regions"
    permissions = rules.PERMISSIONS
    policy_rules = (rules.PODS_LIST,)
