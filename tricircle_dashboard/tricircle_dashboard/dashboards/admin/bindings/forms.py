"""Bind a project to a region's pod for its AZ, or change a binding."""

from django.utils.translation import gettext_lazy as _
from horizon import exceptions, forms, messages
from openstack_dashboard.api import keystone

from tricircle_dashboard import api


def pod_choices(request) -> list[tuple[str, str]]:
    """The pods a binding may name: every pod with an AZ (not the central one)."""
    return [(pod["pod_id"], f"{pod['region_name']} ({pod['az_name']})")
            for pod in api.pod_list(request) if pod.get("az_name")]


def project_choices(request) -> list[tuple[str, str]]:
    projects, _more = keystone.tenant_list(request)
    return [(project.id, project.name) for project in projects]


class BindingForm(forms.SelfHandlingForm):
    pod_id = forms.ThemableChoiceField(label=_("Region"))
    is_binding = forms.BooleanField(label=_("Current binding"), required=False, initial=True,
                                    help_text=_("A current binding replaces the project's "
                                                "others in that availability zone."))

    def __init__(self, request, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        try:
            self.fields["pod_id"].choices = pod_choices(request)
        except api.exceptions.TricircleClientError as exc:
            exceptions.handle(request, _("Unable to list regions: %s") % exc)

    def failed(self, request, exc):
        messages.error(request, _("Unable to save the binding: %s") % exc)
        return False


class CreateBindingForm(BindingForm):
    tenant_id = forms.ThemableChoiceField(label=_("Project"))
    field_order = ["tenant_id", "pod_id", "is_binding"]

    def __init__(self, request, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["tenant_id"].choices = project_choices(request)

    def handle(self, request, data):
        try:
            api.binding_create(request, data["tenant_id"], data["pod_id"], data["is_binding"])
        except api.exceptions.TricircleClientError as exc:
            return self.failed(request, exc)
        messages.success(request, _("Project bound."))
        return True


class UpdateBindingForm(BindingForm):
    binding_id = forms.CharField(widget=forms.HiddenInput())

    def handle(self, request, data):
        try:
            api.binding_update(request, data["binding_id"], data["pod_id"],
                               data["is_binding"])
        except api.exceptions.TricircleClientError as exc:
            return self.failed(request, exc)
        messages.success(request, _("Binding changed."))
        return True


