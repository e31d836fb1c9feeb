"""One way to call a Neutron server, central or regional: ``Neutron`` and ``RemoteError``.

Every call to a Neutron API made by Tricircle (the plugins inside
neutron-server, the xjob handlers) goes through a :class:`Neutron`: a
keystoneauth Adapter on one region's ``network`` endpoint (from the catalog,
or given), with the ``[client]`` timeouts. Failures are one family: a
:class:`RemoteError` names the service, its region, the HTTP status (None
when nothing answered) and the remote message. Where absence is an answer
(GET or DELETE of one object) a 404 is returned as ``None``/``False``
instead of being raised.
"""

import json
import urllib.parse

from keystoneauth1 import adapter
from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import session as ks_session

from tricircle.common import client
from tricircle.common.config import CONF

API = "/v2.0"
SERVICE_TYPE = "network"


class RemoteError(Exception):
    """A remote service answered with an error, or did not answer (``status`` None).

    ``service`` names it for people ("RegionOne Neutron", "Keystone", ...),
    ``detail`` is the remote's own text (body or connection error).
    """

    def __init__(self, service: str, status: int | None, detail: str,
                 region: str = "") -> None:
        self.service, self.status, self.detail, self.region = service, status, detail, region
        self.message = f"{service}: {status or 'unreachable'}: {detail[:300]}"
        super().__init__(self.message)

    @property
    def unreachable(self) -> bool:
        return self.status is None


class RemoteConflict(RemoteError):
    """The remote answered 409: what was asked for clashes with what it holds."""


def raise_for(response, service: str, region: str = "", accept: tuple = ()) -> None:
    """Raise the RemoteError an error answer means, unless its status is in ``accept``."""
    status = response.status_code
    if status < 400 or status in accept:
        return
    error = RemoteConflict if status == 409 else RemoteError
    raise error(service, status, response.text, region)


def reason(detail: str) -> str:
    """The message inside a Neutron (or Nova-style) error body, else the body's start."""
    try:
        body = json.loads(detail)
    except ValueError:
        return detail[:300]
    if isinstance(body, dict) and len(body) == 1:
        inner = next(iter(body.values()))
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return inner["message"]
    return detail[:300]


def collection(kind: str) -> str:
    """The URL collection of a resource kind: bodies say security_group, URLs
    say security-groups; qos_policy lives under qos/policies."""
    return COLLECTIONS.get(kind, kind.replace("_", "-") + "s")


COLLECTIONS = {
    "qos_policy": "qos/policies",
    "port_chain": "sfc/port_chains",
    "port_pair_group": "sfc/port_pair_groups",
    "port_pair": "sfc/port_pairs",
    "flow_classifier": "sfc/flow_classifiers",
}


def body_key(kind: str) -> str:
    """The key of one object in a request or answer: the kind, but qos/policies say
    ``policy``."""
    return "policy" if kind == "qos_policy" else kind


def list_key(kind: str) -> str:
    """The key of a list answer: security_groups, policies, port_chains, ..."""
    return collection(kind).rsplit("/", 1)[-1].replace("-", "_")


def quote(resource_id: str) -> str:
    # One path segment: a '/' or '?' in an id must never reach another URL.
    return urllib.parse.quote(str(resource_id), safe="")


class Neutron:
    """The Neutron API of one region.

    ``endpoint`` overrides the catalog (xjob's cached endpoints, tests);
    ``service`` is the name errors carry (default "<region> Neutron").
    """

    def __init__(self, session: ks_session.Session, region_name: str,
                 endpoint: str | None = None, service: str | None = None) -> None:
        self.region_name = region_name
        self.service = service or f"{region_name} Neutron"
        self.adapter = adapter.Adapter(
            session, service_type=SERVICE_TYPE, region_name=region_name,
            interface=CONF.client.interface, endpoint_override=endpoint,
            connect_retries=0)

    def request(self, method: str, path: str, body: dict | None = None,
                missing_ok: bool = False) -> dict | None:
        """One call below /v2.0: the decoded answer ({} when empty), None for a
        404 when ``missing_ok``; any other failure raises RemoteError."""
        try:
            response = self.adapter.request(API + "/" + path.lstrip("/"), method,
                                            json=body, raise_exc=False,
                                            timeout=client.timeouts())
        except ks_exc.ClientException as exc:
            raise RemoteError(self.service, None, str(exc), self.region_name) from None
        if response.status_code == 404 and missing_ok:
            return None
        raise_for(response, self.service, self.region_name)
        return response.json() if response.content else {}

    def get(self, kind: str, resource_id: str) -> dict | None:
        """One object by id; None when this Neutron does not hold it."""
        answer = self.request("GET", f"{collection(kind)}/{quote(resource_id)}",
                              missing_ok=True)
        return None if answer is None else answer[body_key(kind)]

    def find(self, kind: str, **filters: str | list[str]) -> list[dict]:
        """Objects matching ``filters`` (a list value asks for any of its items)."""
        query = urllib.parse.urlencode(sorted(filters.items()), doseq=True)
        path = collection(kind) + (f"?{query}" if query else "")
        return self.request("GET", path)[list_key(kind)]

    def create(self, kind: str, body: dict) -> dict:
        key = body_key(kind)
        return self.request("POST", collection(kind), {key: body})[key]

    def update(self, kind: str, resource_id: str, body: dict) -> dict:
        key = body_key(kind)
        return self.request("PUT", f"{collection(kind)}/{quote(resource_id)}",
                            {key: body})[key]

    def action(self, kind: str, resource_id: str, name: str, body: dict) -> dict:
        """PUT a member action, e.g. ``action("router", id, "add_router_interface",
        {"port_id": ...})``; the answer as Neutron gives it (not under a key)."""
        return self.request("PUT", f"{collection(kind)}/{quote(resource_id)}/{quote(name)}",
                            body)

    def delete(self, kind: str, resource_id: str) -> bool:
        """Delete by id: True if deleted, False if it was gone already."""
        return self.request("DELETE", f"{collection(kind)}/{quote(resource_id)}",
                            missing_ok=True) is not None
