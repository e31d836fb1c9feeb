"""Every pod with its AZ and how its region is doing: which services the
catalog has for it and whether they answer, and its failed and new jobs."""

from django.utils.translation import gettext_lazy as _
from horizon import exceptions, messages, tables

from tricircle_dashboard import api
from tricircle_dashboard.dashboards.admin.regions.tables import RegionsTable


def region_row(request, pod: dict, jobs: dict) -> dict:
    services = api.health(api.region_endpoints(request, pod["region_name"]))
    return {**pod, "services": services, "state": api.state(services),
            "failed_jobs": jobs["FAIL"][pod["pod_id"]],
            "new_jobs": jobs["NEW"][pod["pod_id"]]}


class IndexView(tables.DataTableView):
    table_class = RegionsTable
    page_title = _("Regions")

    def get_data(self):
        try:
            pods = api.pod_list(self.request)
            jobs = api.open_jobs_per_pod(self.request)
        except api.exceptions.TricircleClientError as exc:
            exceptions.handle(self.request, _("Unable to list regions: %s") % exc)
            return []
        regions = [region_row(self.request, pod, jobs) for pod in pods]
        for region in regions:
            if region["state"] in ("down", "degraded"):
                silent = [name for name, ok in region["services"].items() if ok is False]
                messages.warning(self.request, _("Region %(region)s is %(state)s: "
                                                 "%(services)s not answering.") % {
                    "region": region["region_name"], "state": region["state"],
                    "services": ", ".join(silent)})
        return regions
