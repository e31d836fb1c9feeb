"""Resource routings: where each top resource lives (``/v1.0/routings``)."""

from tricircleclient.v1 import base


class RoutingManager(base.Manager):
    key = "routing"
    collection = "routings"
    filters = ("id", "top_id", "bottom_id", "pod_id", "project_id", "resource_type",
               "created_at", "updated_at")

    def create(self, top_id: str, bottom_id: str | None, pod_id: str, project_id: str,
               resource_type: str) -> dict:
        """A new routing; ``bottom_id`` may be None while the bottom resource is made."""
        # bottom_id is required by the server even when null, so it is always sent.
        return self._create({"top_id": top_id, "bottom_id": bottom_id, "pod_id": pod_id,
                             "project_id": project_id, "resource_type": resource_type})

    def update(self, routing_id: str | int, **values: str | None) -> dict:
        """Change the given fields (top_id, bottom_id, pod_id, project_id, resource_type)."""
        return self._update(routing_id, base.given(**values))
