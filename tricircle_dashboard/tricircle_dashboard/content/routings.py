"""Resource routings: where each resource lives. The same table serves the
project panel (the project's own routings) and the admin panel (every
project's, with a project filter)."""

from django.utils.translation import gettext_lazy as _
from horizon import exceptions, tables

from tricircle_dashboard import api

# The filter field that searches top and bottom ids: "where does this live".
ANY_ID = "any_id"


class RoutingFilter(tables.FilterAction):
    filter_type = "server"
    filter_choices = ((ANY_ID, _("Resource ID ="), True),
                      ("resource_type", _("Type ="), True),
                      ("region", _("Region ="), True))


class AdminRoutingFilter(RoutingFilter):
    filter_choices = RoutingFilter.filter_choices + (("project_id", _("Project ID ="), True),)


def _region(routing: dict) -> str:
    return routing.get("region_name") or routing["pod_id"]


class RoutingsTable(tables.DataTable):
    top_id = tables.Column("top_id", verbose_name=_("Resource ID"))
    region = tables.Column(_region, verbose_name=_("Region"))
    bottom_id = tables.Column("bottom_id", verbose_name=_("ID in the region"),
                              empty_value=_("(being created)"))
    resource_type = tables.Column("resource_type", verbose_name=_("Type"))
    updated_at = tables.Column(lambda r: r.get("updated_at") or r.get("created_at"),
                               verbose_name=_("Updated"))

    def get_object_id(self, datum):
        return str(datum["id"])

    class Meta:
        name = "routings"
        verbose_name = _("Resource Routings")
        table_actions = (RoutingFilter,)
        pagination_param = "marker"


class AdminRoutingsTable(RoutingsTable):
    project_id = tables.Column("project_id", verbose_name=_("Project ID"))

    class Meta(RoutingsTable.Meta):
        table_actions = (AdminRoutingFilter,)


def query(field: str | None, value: str, pods: dict[str, dict]) -> list[dict]:
    """The admin API filters for one filter field and value, as a list of
    alternatives (a resource id is looked for as a top id, then as a bottom id).
    An unknown region name matches nothing: [] instead of every routing."""
    value = value.strip()
    if not field or not value:
        return [{}]
    if field == ANY_ID:
        return [{"top_id": value}, {"bottom_id": value}]
    if field == "region":
        ids = [pod_id for pod_id, pod in pods.items() if pod["region_name"] == value]
        return [{"pod_id": pod_id} for pod_id in ids] or (
            [] if pods else [{"pod_id": value}])
    return [{field: value}]


class RoutingsViewMixin:
    """get_data of both routing panels; the table class says which."""

    _more = False

    def has_more_data(self, table):
        return self._more

    def get_data(self):
        request = self.request
        marker = request.GET.get(self.table_class._meta.pagination_param)
        try:
            pods = api.pods_by_id(request)
            routings = []
            for filters in query(self.table.get_filter_field(),
                                 self.table.get_filter_string() or "", pods):
                page, more = api.routing_page(request, marker=marker, **filters)
                routings += page
                self._more = self._more or more
                if page:
                    break   # a top id matched: no need to look among bottom ids
        except api.exceptions.TricircleClientError as exc:
            exceptions.handle(request, _("Unable to list resource routings: %s") % exc)
            return []
        for routing in routings:
            pod = pods.get(routing["pod_id"])
            if pod:
                routing["region_name"] = pod["region_name"]
        return routings
