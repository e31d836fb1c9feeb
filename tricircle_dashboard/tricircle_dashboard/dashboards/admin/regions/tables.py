from django.utils.translation import gettext_lazy as _
from horizon import tables

STATE_CHOICES = (("up", True), ("degraded", False), ("down", False), ("unknown", True))
STATE_DISPLAY = (("up", _("Up")), ("degraded", _("Degraded")), ("down", _("Down")),
                 ("unknown", _("No endpoints")))


def _service(name: str):
    def shown(region: dict) -> str:
        answered = region["services"][name]
        if answered is None:
            return "-"           # not in this region's catalog
        return _("up") if answered else _("not answering")
    shown.__name__ = name
    return shown


class RegionsTable(tables.DataTable):
    region_name = tables.Column("region_name", verbose_name=_("Region"))
    az_name = tables.Column("az_name", verbose_name=_("Availability Zone"),
                            empty_value=_("(central)"))
    state = tables.Column("state", verbose_name=_("State"), status=True,
                          status_choices=STATE_CHOICES, display_choices=STATE_DISPLAY)
    compute = tables.Column(_service("compute"), verbose_name=_("Compute"))
    network = tables.Column(_service("network"), verbose_name=_("Network"))
    volume = tables.Column(_service("volume"), verbose_name=_("Volume"))
    # The gateway's circuit breakers, as last recorded by any tricircle-api process.
    gateway = tables.Column("gateway", verbose_name=_("Gateway"))
    failed_jobs = tables.Column("failed_jobs", verbose_name=_("Failed Jobs"))
    new_jobs = tables.Column("new_jobs", verbose_name=_("New Jobs"))
    pod_az_name = tables.Column("pod_az_name", verbose_name=_("AZ in the Region"),
                                empty_value="-")
    dc_name = tables.Column("dc_name", verbose_name=_("Data Center"), empty_value="-")

    def get_object_id(self, datum):
        return datum["pod_id"]

    class Meta:
        name = "regions"
        verbose_name = _("Regions")
