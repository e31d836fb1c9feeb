"""Asynchronous jobs of tricircle-xjob (``/v1.0/jobs``)."""

from tricircleclient.v1 import base


class JobManager(base.Manager):
    key = "job"
    collection = "jobs"
    filters = ("project_id", "type", "status")

    def create(self, job_type: str, project_id: str, resource: dict[str, str]) -> dict:
        """Queue a job; ``resource`` holds the ids its type needs (see ``schemas``)."""
        return self._create({"type": job_type, "project_id": project_id, "resource": resource})

    def redo(self, job_id: str) -> dict:
        """Queue a failed or new job again (the server refuses running/succeeded ones)."""
        return self.http.put(f"{self.path}/{base._quote(job_id)}")[self.key]

    def schemas(self) -> list[dict]:
        """Every job type with the resource fields it needs."""
        return self.http.get(f"{self.path}/schemas")["schemas"]
