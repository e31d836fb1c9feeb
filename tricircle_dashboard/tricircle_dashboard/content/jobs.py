"""Jobs of tricircle-xjob: by status, redo and delete, running ones refreshing
by themselves (Horizon's row ajax update), a failed job's error on its page.
The project panel lists the project's own jobs, the admin panel every
project's."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from horizon import exceptions, tables, views

from tricircle_dashboard import api, rules

# Horizon's status columns: True done, False failed, None still moving (the
# row asks the server again until it is not None).
STATUS_CHOICES = (("SUCCESS", True), ("FAIL", False), ("NEW", None), ("RUNNING", None))
STATUS_DISPLAY = (("SUCCESS", _("Success")), ("FAIL", _("Failed")), ("NEW", _("New")),
                  ("RUNNING", _("Running")))
REDOABLE = ("FAIL", "NEW")


def _detail_url(job: dict, dashboard: str) -> str:
    return reverse(f"horizon:{dashboard}:tricircle_jobs:detail", args=[job["id"]])


def resource_text(job: dict) -> str:
    resource = job.get("resource")
    if not isinstance(resource, dict):
        return ""
    return ", ".join(f"{key}={value}" for key, value in sorted(resource.items()))


def first_line(job: dict) -> str:
    error = (job.get("error") or "").strip()
    return error.splitlines()[-1][:120] if error else ""


class JobFilter(tables.FilterAction):
    filter_type = "server"
    filter_choices = (("status", _("Status ="), True), ("type", _("Type ="), True))


class AdminJobFilter(JobFilter):
    filter_choices = JobFilter.filter_choices + (("project_id", _("Project ID ="), True),)


class RedoJob(tables.BatchAction):
    name = "redo"
    policy_rules = (rules.JOBS_REDO,)

    @staticmethod
    def action_present(count):
        return ngettext_lazy("Redo Job", "Redo Jobs", count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy("Queued job again", "Queued jobs again", count)

    def allowed(self, request, job=None):
        return job is None or job["status"] in REDOABLE

    def action(self, request, obj_id):
        api.job_redo(request, obj_id)


class DeleteJob(tables.DeleteAction):
    policy_rules = (rules.JOBS_DELETE,)

    @staticmethod
    def action_present(count):
        return ngettext_lazy("Delete Job", "Delete Jobs", count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy("Deleted Job", "Deleted Jobs", count)

    def allowed(self, request, job=None):
        return job is None or job["status"] != "RUNNING"

    def delete(self, request, obj_id):
        api.job_delete(request, obj_id)


class UpdateRow(tables.Row):
    ajax = True

    def get_data(self, request, job_id):
        return api.job_get(request, job_id)


class JobsTable(tables.DataTable):
    id = tables.WrappingColumn("id", verbose_name=_("ID"))
    type = tables.Column("type", verbose_name=_("Type"))
    resource = tables.Column(resource_text, verbose_name=_("Resource"))
    status = tables.Column("status", verbose_name=_("Status"), status=True,
                           status_choices=STATUS_CHOICES, display_choices=STATUS_DISPLAY)
    attempts = tables.Column("attempts", verbose_name=_("Attempts"))
    timestamp = tables.Column("timestamp", verbose_name=_("Updated"))
    error = tables.Column(first_line, verbose_name=_("Error"))

    def __init__(self, request, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        # The link depends on the dashboard the table is shown in.
        dashboard = self.dashboard_slug()
        self.columns["id"].link = lambda job: _detail_url(job, dashboard)

    def dashboard_slug(self) -> str:
        return "project"

    def get_object_id(self, datum):
        return datum["id"]

    def get_object_display(self, datum):
        return f"{datum['type']} {datum['id']}"

    class Meta:
        name = "jobs"
        verbose_name = _("Jobs")
        status_columns = ["status"]
        row_class = UpdateRow
        table_actions = (JobFilter, RedoJob, DeleteJob)
        row_actions = (RedoJob, DeleteJob)
        pagination_param = "marker"


class AdminJobsTable(JobsTable):
    project_id = tables.Column("project_id", verbose_name=_("Project ID"))

    def dashboard_slug(self) -> str:
        return "admin"

    class Meta(JobsTable.Meta):
        table_actions = (AdminJobFilter, RedoJob, DeleteJob)


class JobsViewMixin:
    _more = False

    def has_more_data(self, table):
        return self._more

    def get_data(self):
        marker = self.request.GET.get(self.table_class._meta.pagination_param)
        field = self.table.get_filter_field()
        value = (self.table.get_filter_string() or "").strip()
        filters = {field: value.upper() if field == "status" else value} if (
            field and value) else {}
        try:
            jobs, self._more = api.job_page(self.request, marker=marker, **filters)
        except api.exceptions.TricircleClientError as exc:
            exceptions.handle(self.request, _("Unable to list jobs: %s") % exc)
            return []
        return jobs


class JobDetailView(views.HorizonTemplateView):
    """One job with its whole error, and the way back to the list."""

    template_name = "tricircle_dashboard/job_detail.html"
    page_title = _("Job {{ job.id }}")
    dashboard = "project"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        index = reverse(f"horizon:{self.dashboard}:tricircle_jobs:index")
        try:
            job = api.job_get(self.request, kwargs["job_id"])
        except api.exceptions.TricircleClientError as exc:
            exceptions.handle(self.request, _("Unable to show job %(id)s: %(error)s") % {
                "id": kwargs["job_id"], "error": exc}, redirect=index)
        context.update(job=job, resource=resource_text(job), index_url=index)
        return context
