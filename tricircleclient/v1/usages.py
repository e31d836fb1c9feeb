"""A project's resource usage per region and in total (``/v1.0/usages``)."""

from tricircleclient.v1 import base


class UsageManager:
    """Read-only: usage is counted by the server, limits live in Keystone."""

    def __init__(self, http: base.HTTP):
        self.http = http

    def get(self, project_id: str) -> dict:
        body = self.http.get(f"/usages/{base._quote(project_id)}")
        # The server wraps the object like every other resource: {"usage": {...}}.
        return body.get("usage", body)
