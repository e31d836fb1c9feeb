import horizon
from django.utils.translation import gettext_lazy as _

from tricircle_dashboard import rules


class Bindings(horizon.Panel):
    name = _("Bindings")
    slug = "tricircle_bindings"
    permissions = rules.PERMISSIONS
    policy_rules = (rules.BINDINGS_LIST,)
