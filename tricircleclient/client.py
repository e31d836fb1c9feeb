"""The library's entry point: ``Client`` holds one manager per admin API resource.

Example::

    from keystoneauth1 import loading, session
    from tricircleclient.client import Client

    auth = loading.get_plugin_loader("password").load_from_options(...)
    tricircle = Client(session=session.Session(auth=auth), region_name="CentralRegion")
    for pod in tricircle.pods.list():
        print(pod["region_name"])
"""

import json
from typing import Any

from keystoneauth1 import adapter
from keystoneauth1 import session as ks_session

from tricircleclient import catalog, exceptions
from tricircleclient.v1 import bindings, jobs, pods, routings, usages

# keystoneauth also finds entries of the alias type (catalog.ADMIN_SERVICE_TYPE_ALIASES).
SERVICE_TYPE = catalog.ADMIN_SERVICE_TYPE
SUPPORTED_VERSIONS = ("1",)
VERSION_PATH = "/v1.0"


class HTTPClient:
    """Sends requests through a keystoneauth Adapter and raises typed errors.

    The catalog entry of the retired devstack plugin ends with ``/v1.0``; a
    bare root URL (``http://host:19999``) is just as common, so the version
    path is appended when it is missing. The endpoint is resolved on first
    use, so building a client never talks to Keystone.
    """

    def __init__(self, ks_adapter: adapter.Adapter):
        self.adapter = ks_adapter
        self._base_url: str | None = None

    @property
    def base_url(self) -> str:
        if self._base_url is None:
            endpoint = self.adapter.get_endpoint()
            if not endpoint:
                raise exceptions.TricircleClientError(
                    f"No endpoint for service type {SERVICE_TYPE!r} (or 'tricircle') in "
                    f"the catalog (region {self.adapter.region_name!r}); pass "
                    "endpoint_override.")
            self._base_url = with_version_path(endpoint)
        return self._base_url

    def request(self, method: str, path: str, body: Any = None,
                params: dict | None = None) -> Any:
        """``method`` on ``path`` (relative to /v1.0); the decoded JSON answer or None."""
        url = self.base_url + path
        headers = {"Accept": "application/json"}
        kwargs: dict[str, Any] = {}
        if body is not None:
            headers["Content-Type"] = "application/json"
            kwargs["data"] = json.dumps(body)
        if params:
            kwargs["params"] = params
        # keystoneauth's own error raising would hide the server's fault message.
        response = self.adapter.request(url, method, headers=headers, raise_exc=False,
                                        **kwargs)
        if response.status_code >= 400:
            raise exceptions.from_response(response, method, url)
        if not response.content:
            return None
        return response.json()

    def get(self, path: str, params: dict | None = None) -> Any:
        return self.request("GET", path, params=params)

    def post(self, path: str, body: Any) -> Any:
        return self.request("POST", path, body=body)

    def put(self, path: str, body: Any = None) -> Any:
        return self.request("PUT", path, body=body)

    def delete(self, path: str, params: dict | None = None) -> Any:
        return self.request("DELETE", path, params=params)


def with_version_path(endpoint: str) -> str:
    """``endpoint`` ending in ``/v1.0`` (appended when the catalog gives the root)."""
    endpoint = endpoint.rstrip("/")
    if not endpoint.endswith(VERSION_PATH):
        endpoint += VERSION_PATH
    return endpoint


class Client:
    """Tricircle admin API v1.0: ``pods``, ``routings``, ``jobs``, ``bindings``, ``usages``."""

    def __init__(self, session: ks_session.Session, region_name: str | None = None,
                 endpoint_override: str | None = None, interface: str | None = None,
                 api_version: str = "1", **adapter_kwargs: Any):
        if str(api_version) not in SUPPORTED_VERSIONS:
            raise exceptions.TricircleClientError(
                f"Unsupported API version {api_version!r}; supported: "
                f"{', '.join(SUPPORTED_VERSIONS)}")
        self.session = session
        self.region_name = region_name
        self.api_version = str(api_version)
        ks_adapter = adapter.Adapter(session, service_type=SERVICE_TYPE,
                                     region_name=region_name, interface=interface,
                                     endpoint_override=endpoint_override, **adapter_kwargs)
        self.http = HTTPClient(ks_adapter)
        self.pods = pods.PodManager(self.http)
        self.routings = routings.RoutingManager(self.http)
        self.jobs = jobs.JobManager(self.http)
        self.bindings = bindings.BindingManager(self.http)
        self.usages = usages.UsageManager(self.http)
