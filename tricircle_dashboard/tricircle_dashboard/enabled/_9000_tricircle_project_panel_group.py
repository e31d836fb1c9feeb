from django.utils.translation import gettext_lazy as _

PANEL_GROUP = "tricircle"
PANEL_GROUP_NAME = _("Multi-Region")
PANEL_GROUP_DASHBOARD = "project"
# Once for the whole plugin (its templates); Django refuses an app twice.
ADD_INSTALLED_APPS = ["tricircle_dashboard"]
