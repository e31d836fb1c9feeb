"""Pods: the regions Tricircle manages (``/v1.0/pods``)."""

from tricircleclient.v1 import base


class PodManager(base.Manager):
    key = "pod"
    collection = "pods"
    filters = ("region_name", "az_name")

    def create(self, region_name: str, az_name: str | None = None,
               pod_az_name: str | None = None, dc_name: str | None = None) -> dict:
        """A new pod; no ``az_name`` makes it the central pod (only one may exist)."""
        return self._create(base.given(region_name=region_name, az_name=az_name,
                                       pod_az_name=pod_az_name, dc_name=dc_name))

    def update(self, pod_id: str, region_name: str | None = None, az_name: str | None = None,
               pod_az_name: str | None = None, dc_name: str | None = None) -> dict:
        return self._update(pod_id, base.given(region_name=region_name, az_name=az_name,
                                               pod_az_name=pod_az_name, dc_name=dc_name))

    def health(self, pod_id: str) -> dict:
        """The gateway's circuit breaker of each service of the pod, as last recorded:
        ``{"pod_id", "region_name", "services": {service_type: {"state", "failures",
        "since", "reported_at", "last_error", "reported_by"}}}``; a service not
        listed has not been called through the gateway."""
        return self.http.get(f"{self.path}/{base._quote(pod_id)}/health")["health"]

    def delete(self, pod_id: str, force: bool = False) -> None:
        """Delete a pod; ``force`` also deletes the routings that still point at it."""
        params = {"force": "true"} if force else None
        self.http.delete(f"{self.path}/{base._quote(pod_id)}", params=params)
