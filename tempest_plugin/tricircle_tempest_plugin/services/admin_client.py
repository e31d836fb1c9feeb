"""A tempest service client of Tricircle's admin API (/v1.0): pods, routings, jobs, bindings."""

import json
from urllib import parse

from tempest.lib.common import rest_client

# The catalog may give the root URL or one ending in /v1.0 (as the client does).
VERSION = "v1.0"


class AdminClient(rest_client.RestClient):
    """One method per admin API call; each returns the decoded body (ResponseBody)."""

    def _path(self, *parts: str, **params) -> str:
        base = self.base_url.rstrip("/")
        prefix = "" if base.endswith("/" + VERSION) else VERSION + "/"
        path = prefix + "/".join(parts)
        query = {key: value for key, value in params.items() if value is not None}
        return path + ("?" + parse.urlencode(query) if query else "")

    def _call(self, method: str, path: str, body=None, expected=(200,)):
        payload = json.dumps(body) if body is not None else None
        resp, data = self.request(method, path, body=payload)
        self.expected_success(list(expected), resp.status)
        return rest_client.ResponseBody(resp, json.loads(data) if data else {})

    # pods
    def list_pods(self):
        return self._call("GET", self._path("pods"))

    def create_pod(self, **pod):
        return self._call("POST", self._path("pods"), {"pod": pod})

    def show_pod(self, pod_id: str):
        return self._call("GET", self._path("pods", pod_id))

    def update_pod(self, pod_id: str, **pod):
        return self._call("PUT", self._path("pods", pod_id), {"pod": pod})

    def delete_pod(self, pod_id: str):
        return self._call("DELETE", self._path("pods", pod_id), expected=(204,))

    # routings
    def list_routings(self, **filters):
        return self._call("GET", self._path("routings", **filters))

    def create_routing(self, **routing):
        return self._call("POST", self._path("routings"), {"routing": routing})

    def show_routing(self, routing_id):
        return self._call("GET", self._path("routings", str(routing_id)))

    def update_routing(self, routing_id, **routing):
        return self._call("PUT", self._path("routings", str(routing_id)), {"routing": routing})

    def delete_routing(self, routing_id):
        return self._call("DELETE", self._path("routings", str(routing_id)), expected=(204,))

    # jobs
    def list_jobs(self, **filters):
        return self._call("GET", self._path("jobs", **filters))

    def list_job_schemas(self):
        return self._call("GET", self._path("jobs", "schemas"))

    def create_job(self, **job):
        return self._call("POST", self._path("jobs"), {"job": job}, expected=(200, 202))

    def show_job(self, job_id: str):
        return self._call("GET", self._path("jobs", job_id))

    def delete_job(self, job_id: str):
        return self._call("DELETE", self._path("jobs", job_id), expected=(204,))

    # bindings
    def list_bindings(self, **filters):
        return self._call("GET", self._path("bindings", **filters))

    def create_binding(self, **binding):
        return self._call("POST", self._path("bindings"), {"binding": binding},
                          expected=(200, 201))

    def show_binding(self, binding_id: str):
        return self._call("GET", self._path("bindings", binding_id))

    def update_binding(self, binding_id: str, **binding):
        return self._call("PUT", self._path("bindings", binding_id), {"binding": binding})

    def delete_binding(self, binding_id: str):
        return self._call("DELETE", self._path("bindings", binding_id), expected=(204,))
