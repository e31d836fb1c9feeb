"""Every pod with its AZ and how its region is doing: which services the
catalog has for it and whether they answer, the gateway's circuit breakers of
its services as the gateway last recorded them, and its failed and new jobs."""

import datetime

from django.utils.translation import gettext_lazy as _
from horizon import exceptions, messages, tables

from tricircle_dashboard import api, breakers
from tricircle_dashboard.dashboards.admin.regions.tables import RegionsTable


def region_row(request, pod: dict, jobs: dict) -> dict:
    services = api.health(api.region_endpoints(request, pod["region_name"]))
    try:
        gateway = api.gateway_breakers(request, pod["pod_id"])
    except api.exceptions.TricircleClientError as exc:
        messages.warning(request, _("The gateway's breakers of %(region)s are unknown: "
                                    "%(error)s") % {"region": pod["region_name"],
                                                    "error": exc})
        gateway = None
    return {**pod, "services": services, "breakers": gateway,
            "state": breakers.state(api.state(services), gateway),
            "failed_jobs": jobs["FAIL"][pod["pod_id"]],
            "new_jobs": jobs["NEW"][pod["pod_id"]]}


def _problems(region: dict, now: datetime.datetime) -> str:
    """What is wrong with a region: the services not answering the probe, then
    the gateway's open breakers."""
    problems = []
    silent = [name for name, ok in region["services"].items() if ok is False]
    if silent:
        problems.append(_("%s not answering") % ", ".join(silent))
    problems.extend(breakers.describe(name, breaker, now)
                    for name, breaker in breakers.open_ones(region["breakers"]).items())
    return "; ".join(str(problem) for problem in problems)


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
        now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
        for region in regions:
            region["gateway"] = breakers.summary(region["breakers"], now)
            if region["state"] in ("down", "degraded"):
                messages.warning(self.request, _("Region %(region)s is %(state)s: "
                                                 "%(problems)s.") % {
                    "region": region["region_name"], "state": region["state"],
                    "problems": _problems(region, now)})
        return regions
