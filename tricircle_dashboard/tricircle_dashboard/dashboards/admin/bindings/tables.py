from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from horizon import tables

from tricircle_dashboard import api, rules


class CreateBinding(tables.LinkAction):
    name = "create"
    verbose_name = _("Bind Project")
    url = "horizon:admin:tricircle_bindings:create"
    classes = ("ajax-modal",)
    icon = "plus"
    policy_rules = (rules.BINDINGS_CREATE,)


class UpdateBinding(tables.LinkAction):
    name = "update"
    verbose_name = _("Change")
    classes = ("ajax-modal",)
    icon = "pencil"
    policy_rules = (rules.BINDINGS_UPDATE,)

    def get_link_url(self, datum):
        return reverse("horizon:admin:tricircle_bindings:update", args=[datum["id"]])


class DeleteBinding(tables.DeleteAction):
    policy_rules = (rules.BINDINGS_DELETE,)

    @staticmethod
    def action_present(count):
        return ngettext_lazy("Delete Binding", "Delete Bindings", count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy("Deleted Binding", "Deleted Bindings", count)

    def delete(self, request, obj_id):
        api.binding_delete(request, obj_id)


class BindingsTable(tables.DataTable):
    tenant_id = tables.Column("tenant_id", verbose_name=_("Project ID"))
    az_name = tables.Column("az_name", verbose_name=_("Availability Zone"))
    region = tables.Column("region_name", verbose_name=_("Region"), empty_value="-")
    is_binding = tables.Column("is_binding", verbose_name=_("Current"),
                               filters=(lambda value: _("yes") if value else _("no"),))
    created_at = tables.Column("created_at", verbose_name=_("Created"))

    def get_object_id(self, datum):
        return datum["id"]

    def get_object_display(self, datum):
        return f"{datum['tenant_id']} / {datum['az_name']}"

    class Meta:
        name = "bindings"
        verbose_name = _("Bindings")
        table_actions = (CreateBinding, DeleteBinding)
        row_actions = (UpdateBinding, DeleteBinding)
