"""global_sync: make one global Cinder resource alike, by name, in every region.

The default region ([gateway]/default_region, else the first by name) is the
truth: what it holds under the name is made (or updated) in every other region,
and what it no longer holds is deleted there, so the job repairs a missed
create, update or delete alike and can run any number of times. Regions give
their own ids, so each is matched by name. Kinds: volume_type and group_type
(description, is_public, specs), qos_spec (consumer, specs), default_type (the
project's default type, by the type's name).
"""

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


class _Cinder:
    """One region's Cinder v3 with the [client] account (unauthenticated without one)."""

    def __init__(self, region: Region):
        self.region = region
        self.session = regions.get_session()
        root = region.root("volumev3")
        try:
            project = self.session.get_project_id()
        except (ks_exc.ClientException, AttributeError):
            project = None
        self.base = f"{root}/v3" + (f"/{project}" if project else "")

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        try:
            reply = self.session.request(self.base + path, method, json=body,
                                         raise_exc=False)
        except ks_exc.ClientException as exc:
            raise RemoteError("Cinder", None, str(exc),
                                      self.region.region_name) from None
        try:
            data = reply.json() if reply.content else {}
        except ValueError:
            data = {}
        if reply.status_code >= 400 and not (reply.status_code == 404
                                             and method in ("GET", "DELETE")):
            raise RemoteError("Cinder", reply.status_code,
                                      f"{method} {path}: {reply.text[:200]}",
                                      self.region.region_name)
        return reply.status_code, data if isinstance(data, dict) else {}


def _find(cinder: _Cinder, kind: str, name: str) -> dict | None:
    url, _, list_key, _ = _KINDS[kind]
    query = "?is_public=None" if kind != "qos_spec" else ""
    _, data = cinder.call("GET", f"/{url}{query}")
    return next((i for i in data.get(list_key) or [] if i.get("name") == name), None)


def _make_like(cinder: _Cinder, kind: str, name: str, source: dict | None) -> None:
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
        cinder.call("POST", f"/{url}", {key: body})
        return
    have = dict(target.get(specs) or {})
    changed = {k: v for k, v in wanted.items() if have.get(k) != v}
    gone = [k for k in have if k not in wanted]
    if kind == "qos_spec":
        if changed:
            cinder.call("PUT", f"/{url}/{target['id']}", {key: changed})
        if gone:
            cinder.call("PUT", f"/{url}/{target['id']}/delete_keys", {"keys": gone})
        return
    fields = {f: source.get(f) for f in ("description", "is_public")
              if target.get(f) != source.get(f)}
    if fields:
        cinder.call("PUT", f"/{url}/{target['id']}", {key: fields})
    if changed:
        cinder.call("POST", f"/{url}/{target['id']}/{specs}", {specs: changed})
    for spec in gone:
        cinder.call("DELETE", f"/{url}/{target['id']}/{specs}/{urllib.parse.quote(spec)}")


def _default_type(source: _Cinder, cinder: _Cinder, project: str) -> None:
    """The project's default type in ``cinder`` is the default region's, by name."""
    status, data = source.call("GET", f"/default-types/{project}")
    type_id = (data.get("default_type") or {}).get("volume_type_id")
    if status == 404 or not type_id:
        cinder.call("DELETE", f"/default-types/{project}")
        return
    _, shown = source.call("GET", f"/types/{type_id}")
    name = (shown.get("volume_type") or {}).get("name")
    cinder.call("PUT", f"/default-types/{project}",
                {"default_type": {"volume_type": name}})


def sync(resource_type: str, quoted_name: str) -> None:
    """Make ``resource_type`` ``quoted_name`` (percent-encoded, as the job holds it)
    in every region what it is in the default region; raises Incomplete naming
    the regions that could not be brought in line."""
    name = urllib.parse.unquote(quoted_name)
    if resource_type not in _KINDS and resource_type != "default_type":
        raise ValueError(f"global_sync has no kind {resource_type!r}")
    table = gateway_regions.TABLE.with_service("volumev3")
    first = scheduler.default_region(table)
    if first is None:
        raise Incomplete("no region with a volumev3 endpoint")
    source = _Cinder(first)
    found = None if resource_type == "default_type" else _find(source, resource_type,
                                                                name)
    failed = []
    for region in table:
        if region.pod_id == first.pod_id:
            continue
        try:
            if resource_type == "default_type":
                _default_type(source, _Cinder(region), name)
            else:
                _make_like(_Cinder(region), resource_type, name, found)
        except RemoteError as exc:
            failed.append(f"{region.region_name}: {exc}")
    if failed:
        raise Incomplete(f"{resource_type} {name} not in line in " + "; ".join(failed))
