from django.utils.translation import gettext_lazy as _
from horizon import tables

from tricircle_dashboard.content import jobs


class IndexView(jobs.JobsViewMixin, tables.DataTableView):
    table_class = jobs.JobsTable
    page_title = _("Jobs")


class DetailView(jobs.JobDetailView):
    dashboard = "project"
