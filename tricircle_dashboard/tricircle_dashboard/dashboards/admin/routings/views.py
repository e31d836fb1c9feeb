from django.utils.translation import gettext_lazy as _
from horizon import tables

from tricircle_dashboard.content import routings


class IndexView(routings.RoutingsViewMixin, tables.DataTableView):
    table_class = routings.AdminRoutingsTable
    page_title = _("Resource Routings")
