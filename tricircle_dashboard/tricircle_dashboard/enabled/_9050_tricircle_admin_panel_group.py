from django.utils.translation import gettext_lazy as _

PANEL_GROUP = "tricircle"
PANEL_GROUP_NAME = _("Multi-Region")
PANEL_GROUP_DASHBOARD = "admin"
