"""global_sync: make one global resource alike in every region.

The default region ([gateway]/default_region, else the first by name) is the
truth: what it holds under the name is made (or updated) in every other region,
and what it no longer holds is deleted there, so the job repairs a missed
create, update or delete alike and can run any number of times.

Cinder gives its global resources ids of its own in each region, so they are
matched by name: volume_type and group_type (description, is_public, specs,
and a private type's project access), qos_spec (consumer, specs, the types
it is associated with),
default_type (a project's default type, named by the type's name). Nova's
are matched by what every region shares: flavor by its id (fields, extra
specs, a private flavor's access), keypair by "user id/name" (its public key;
admin calls at microversion 2.10, which may name the user).
"""

import functools
import urllib.parse

from keystoneauth1 import exceptions as ks_exc

from tricircle.common.neutron import RemoteError
from tricircle.gateway import regions as gateway_regions
from tricircle.gateway import scheduler
from tricircle.objects.pod import Region
from tricircle.xjob import regions
from tricircle.xjob.registry import Incomplete

# kind → (URL collection, item key, list key, specs field)
_KINDS = {"volume_type": ("types", "volume_type", "volume_types", "extra_specs"),
          "group_type": ("group_types", "group_type", "group_types", "group_specs"),
          "qos_spec": ("qos-specs", "qos_specs", "qos_specs", "specs")}


# Nova's microversion for the keypair calls: an admin names the key's user.
_KEYPAIR_MICROVERSION = "compute 2.10"


class _Api:
    """One region's Cinder v3 (``volumev3``) or Nova v2.1 (``compute``) with the
    [client] account (unauthenticated without one)."""

    def __init__(self, region: Region, service_type: str = "volumev3",
                 microversion: str | None = None):
        self.region = region
        self.session = regions.get_session()
        self.name = "Cinder" if service_type == "volumev3" else "Nova"
        self.headers = {"OpenStack-API-Version": microversion} if microversion else {}
        root = region.root(service_type)
        if service_type == "compute":
            self.base = f"{root}/v2.1"
            return
        try:
            project = self.session.get_project_id()
        except (ks_exc.ClientException, AttributeError):
            project = None
        self.base = f"{root}/v3" + (f"/{project}" if project else "")

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        try:
            reply = self.session.request(self.base + path, method, json=body,
                                         headers=self.headers, raise_exc=False)
        except ks_exc.ClientException as exc:
            raise RemoteError(self.name, None, str(exc), self.region.region_name) from None
        try:
            data = reply.json() if reply.content else {}
        except ValueError:
            data = {}
        if reply.status_code >= 400 and not (reply.status_code == 404
                                             and method in ("GET", "DELETE")):
            raise RemoteError(self.name, reply.status_code,
                                      f"{method} {path}: {reply.text[:200]}",
                                      self.region.region_name)
        return reply.status_code, data if isinstance(data, dict) else {}


def _find(cinder: _Api, kind: str, name: str) -> dict | None:
    url, _, list_key, _ = _KINDS[kind]
    query = "?is_public=None" if kind != "qos_spec" else ""
    _, data = cinder.call("GET", f"/{url}{query}")
    return next((i for i in data.get(list_key) or [] if i.get("name") == name), None)


def _type_access(cinder: _Api, type_id: str) -> set[str]:
    """The projects a private volume type is shared with."""
    _, data = cinder.call("GET", f"/types/{type_id}/os-volume-type-access")
    return {a.get("project_id") for a in data.get("volume_type_access") or []}


def _read_cinder(source: _Api, name: str, kind: str) -> dict | None:
    """The default region's entry ``name`` (with ``access`` for a private volume type)."""
    found = _find(source, kind, name)
    if found is not None and kind == "volume_type" and not found.get("is_public", True):
        found = dict(found, access=_type_access(source, found["id"]))
    if found is not None and kind == "qos_spec":
        found = dict(found, associated=_associated(source, found["id"]))
    return found


def _associated(cinder: _Api, qos_id: str) -> set[str]:
    """The names of the volume types a QoS spec is associated with."""
    _, data = cinder.call("GET", f"/qos-specs/{qos_id}/associations")
    return {a.get("name") for a in data.get("qos_associations") or []
            if a.get("association_type") == "volume_type"}


def _associate_like(cinder: _Api, qos_id: str, wanted: set[str]) -> None:
    """Associate the QoS spec with the types of those names here, and only them."""
    have = _associated(cinder, qos_id)
    for verb, names in (("associate", wanted - have), ("disassociate", have - wanted)):
        for type_name in sorted(names):
            found = _find(cinder, "volume_type", type_name)
            if found is None:  # its own global_sync job makes the type
                raise RemoteError(cinder.name, 404, f"no volume type {type_name}",
                                  cinder.region.region_name)
            query = urllib.parse.urlencode({"vol_type_id": found["id"]})
            cinder.call("GET", f"/qos-specs/{qos_id}/{verb}?{query}")


def _make_like(cinder: _Api, name: str, source: dict | None, kind: str) -> None:
    """Bring ``cinder``'s entry ``name`` in line with the default region's ``source``."""
    url, key, _, specs = _KINDS[kind]
    target = _find(cinder, kind, name)
    if source is None:
        if target is not None:
            cinder.call("DELETE", f"/{url}/{target['id']}")
        return
    wanted = dict(source.get(specs) or {})
    if target is None:
        if kind == "qos_spec":
            body = {"name": name, "consumer": source.get("consumer"), **wanted}
        else:
            body = {"name": name, "description": source.get("description"),
                    "is_public": source.get("is_public", True), specs: wanted}
        _, made = cinder.call("POST", f"/{url}", {key: body})
        target = dict(made.get(key) or {}, **{specs: wanted})
    have = dict(target.get(specs) or {})
    changed = {k: v for k, v in wanted.items() if have.get(k) != v}
    gone = [k for k in have if k not in wanted]
    if kind == "qos_spec":
        if changed:
            cinder.call("PUT", f"/{url}/{target['id']}", {key: changed})
        if gone:
            cinder.call("PUT", f"/{url}/{target['id']}/delete_keys", {"keys": gone})
        _associate_like(cinder, target["id"], source.get("associated") or set())
        return
    fields = {f: source.get(f) for f in ("description", "is_public")
              if target.get(f) != source.get(f)}
    if fields:
        cinder.call("PUT", f"/{url}/{target['id']}", {key: fields})
    if changed:
        cinder.call("POST", f"/{url}/{target['id']}/{specs}", {specs: changed})
    for spec in gone:
        cinder.call("DELETE", f"/{url}/{target['id']}/{specs}/{urllib.parse.quote(spec)}")
    if "access" in source:
        _share_like(cinder, target["id"], source["access"])


def _share_like(cinder: _Api, type_id: str, wanted: set[str]) -> None:
    have = _type_access(cinder, type_id)
    for project in sorted(wanted - have):
        cinder.call("POST", f"/types/{type_id}/action",
                    {"addProjectAccess": {"project": project}})
    for project in sorted(have - wanted):
        cinder.call("POST", f"/types/{type_id}/action",
                    {"removeProjectAccess": {"project": project}})


def _read_default_type(source: _Api, project: str) -> str | None:
    """The name of the project's default type in the default region, if it has one."""
    status, data = source.call("GET", f"/default-types/{project}")
    type_id = (data.get("default_type") or {}).get("volume_type_id")
    if status == 404 or not type_id:
        return None
    _, shown = source.call("GET", f"/types/{type_id}")
    return (shown.get("volume_type") or {}).get("name")


def _set_default_type(cinder: _Api, project: str, type_name: str | None) -> None:
    if type_name is None:
        cinder.call("DELETE", f"/default-types/{project}")
    else:
        cinder.call("PUT", f"/default-types/{project}",
                    {"default_type": {"volume_type": type_name}})


# Fields of a flavor a create takes (a flavor cannot change them afterwards).
_FLAVOR_FIELDS = ("name", "ram", "vcpus", "disk", "swap", "OS-FLV-EXT-DATA:ephemeral",
                  "rxtx_factor", "os-flavor-access:is_public")


def _read_flavor(nova: _Api, flavor_id: str) -> dict | None:
    """The flavor, its extra specs and (private) the projects it is shared with."""
    status, data = nova.call("GET", f"/flavors/{urllib.parse.quote(flavor_id)}")
    flavor = data.get("flavor") if status == 200 else None
    if not isinstance(flavor, dict):
        return None
    wanted = {f: flavor[f] for f in _FLAVOR_FIELDS if f in flavor}
    if wanted.get("swap") == "":
        wanted["swap"] = 0  # Nova shows no swap as ""
    _, specs = nova.call("GET", f"/flavors/{urllib.parse.quote(flavor_id)}/os-extra_specs")
    state = {"flavor": dict(wanted, id=flavor_id), "extra_specs": specs.get(
        "extra_specs") or {}}
    if not flavor.get("os-flavor-access:is_public", True):
        state["access"] = _flavor_access(nova, flavor_id)
    return state


def _flavor_access(nova: _Api, flavor_id: str) -> set[str]:
    _, data = nova.call("GET", f"/flavors/{urllib.parse.quote(flavor_id)}/os-flavor-access")
    return {a.get("tenant_id") for a in data.get("flavor_access") or []}


def _make_flavor_like(nova: _Api, flavor_id: str, state: dict | None) -> None:
    path = f"/flavors/{urllib.parse.quote(flavor_id)}"
    there = _read_flavor(nova, flavor_id)
    if state is None:
        if there is not None:
            nova.call("DELETE", path)
        return
    if there is None:
        nova.call("POST", "/flavors", {"flavor": state["flavor"]})
        there = {"extra_specs": {}, "access": set()}
    have, wanted = there["extra_specs"], state["extra_specs"]
    changed = {k: v for k, v in wanted.items() if have.get(k) != v}
    if changed:
        nova.call("POST", f"{path}/os-extra_specs", {"extra_specs": changed})
    for key in [k for k in have if k not in wanted]:
        nova.call("DELETE", f"{path}/os-extra_specs/{urllib.parse.quote(key)}")
    if "access" in state:
        shared = there.get("access") or set()
        for project in sorted(state["access"] - shared):
            nova.call("POST", f"{path}/action", {"addTenantAccess": {"tenant": project}})
        for project in sorted(shared - state["access"]):
            nova.call("POST", f"{path}/action",
                      {"removeTenantAccess": {"tenant": project}})


def _read_keypair(nova: _Api, user_and_name: str) -> dict | None:
    user, _, name = user_and_name.partition("/")
    query = urllib.parse.urlencode({"user_id": user})
    status, data = nova.call("GET", f"/os-keypairs/{urllib.parse.quote(name)}?{query}")
    keypair = data.get("keypair") if status == 200 else None
    if not isinstance(keypair, dict):
        return None
    return {"name": name, "user_id": user, "public_key": keypair.get("public_key"),
            "type": keypair.get("type", "ssh")}


def _make_keypair_like(nova: _Api, user_and_name: str, state: dict | None) -> None:
    """A key pair is created or deleted, never changed: a different public key
    under the name is replaced."""
    there = _read_keypair(nova, user_and_name)
    user, _, name = user_and_name.partition("/")
    query = urllib.parse.urlencode({"user_id": user})
    if there is not None and (state is None or there["public_key"] != state["public_key"]):
        nova.call("DELETE", f"/os-keypairs/{urllib.parse.quote(name)}?{query}")
        there = None
    if state is not None and there is None:
        nova.call("POST", "/os-keypairs", {"keypair": state})


# kind → (service type, microversion, read the default region's state, apply it)
_SYNCERS = {
    **{kind: ("volumev3", None, functools.partial(_read_cinder, kind=kind),
              functools.partial(_make_like, kind=kind)) for kind in _KINDS},
    "default_type": ("volumev3", None, _read_default_type, _set_default_type),
    "flavor": ("compute", None, _read_flavor, _make_flavor_like),
    "keypair": ("compute", _KEYPAIR_MICROVERSION, _read_keypair, _make_keypair_like),
}


def sync(resource_type: str, quoted_name: str) -> None:
    """Make ``resource_type`` ``quoted_name`` (percent-encoded, as the job holds it)
    in every region what it is in the default region; raises Incomplete naming
    the regions that could not be brought in line."""
    name = urllib.parse.unquote(quoted_name)
    if resource_type not in _SYNCERS:
        raise ValueError(f"global_sync has no kind {resource_type!r}")
    service_type, microversion, read, apply = _SYNCERS[resource_type]
    table = gateway_regions.TABLE.with_service(service_type)
    first = scheduler.default_region(table)
    if first is None:
        raise Incomplete(f"no region with a {service_type} endpoint")
    state = read(_Api(first, service_type, microversion), name)
    failed = []
    for region in table:
        if region.pod_id == first.pod_id:
            continue
        try:
            apply(_Api(region, service_type, microversion), name, state)
        except RemoteError as exc:
            failed.append(f"{region.region_name}: {exc}")
    if failed:
        raise Incomplete(f"{resource_type} {name} not in line in " + "; ".join(failed))
