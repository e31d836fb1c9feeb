from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from horizon import exceptions, forms, tables

from tricircle_dashboard import api
from tricircle_dashboard.dashboards.admin.bindings import forms as binding_forms
from tricircle_dashboard.dashboards.admin.bindings.tables import BindingsTable

INDEX = reverse_lazy("horizon:admin:tricircle_bindings:index")


class IndexView(tables.DataTableView):
    table_class = BindingsTable
    page_title = _("Bindings")

    def get_data(self):
        try:
            pods = api.pods_by_id(self.request)
            bindings = api.binding_list(self.request)
        except api.exceptions.TricircleClientError as exc:
            exceptions.handle(self.request, _("Unable to list bindings: %s") % exc)
            return []
        for binding in bindings:
            binding["region_name"] = pods.get(binding["pod_id"], {}).get("region_name")
        return bindings


class CreateView(forms.ModalFormView):
    form_class = binding_forms.CreateBindingForm
    template_name = "tricircle_dashboard/binding_form.html"
    modal_header = _("Bind Project")
    page_title = _("Bind Project")
    submit_label = _("Bind")
    submit_url = reverse_lazy("horizon:admin:tricircle_bindings:create")
    success_url = INDEX


class UpdateView(forms.ModalFormView):
    form_class = binding_forms.UpdateBindingForm
    template_name = "tricircle_dashboard/binding_form.html"
    modal_header = _("Change Binding")
    page_title = _("Change Binding")
    submit_label = _("Save")
    success_url = INDEX

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["submit_url"] = reverse_lazy("horizon:admin:tricircle_bindings:update",
                                             args=[self.kwargs["binding_id"]])
        return context

    def get_initial(self):
        try:
            binding = api.binding_get(self.request, self.kwargs["binding_id"])
        except api.exceptions.TricircleClientError as exc:
            exceptions.handle(self.request, _("Unable to show the binding: %s") % exc,
                              redirect=INDEX)
        return {"binding_id": binding["id"], "pod_id": binding["pod_id"],
                "is_binding": binding["is_binding"]}
