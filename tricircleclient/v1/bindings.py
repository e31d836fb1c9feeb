"""Tenant to pod bindings per availability zone (``/v1.0/bindings``)."""

from tricircleclient.v1 import base


class BindingManager(base.Manager):
    key = "binding"
    collection = "bindings"
    filters = ("tenant_id", "pod_id", "az_name", "is_binding")

    def create(self, tenant_id: str, pod_id: str, is_binding: bool | None = None) -> dict:
        """Bind a tenant to a pod; a current binding replaces its others in that AZ."""
        return self._create(base.given(tenant_id=tenant_id, pod_id=pod_id,
                                       is_binding=is_binding))

    def update(self, binding_id: str, pod_id: str | None = None,
               is_binding: bool | None = None) -> dict:
        return self._update(binding_id, base.given(pod_id=pod_id, is_binding=is_binding))
