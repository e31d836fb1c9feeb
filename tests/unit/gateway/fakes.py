"""Small fake Nova and Cinder regions: real HTTP servers on 127.0.0.1 in threads.

They keep resources in a dict, answer with Nova/Cinder-shaped JSON whose links
carry their own base URL, honour limit/marker/sort_key, check that the token's
project owns what it asks for, and can be stopped (connection refused) or
made to hang (read time-out) to play a region that is down.
"""

import json
import threading
import time
import uuid

from cheroot import wsgi

_COLLECTIONS = {"compute": ("servers", "os-server-groups"),
                "volume": ("volumes", "snapshots", "backups")}
# Collections whose JSON keys are not the path's name: (list key, item key).
_JSON_KEYS = {"os-server-groups": ("server_groups", "server_group")}
# Nova's and Cinder's 404 wording for an id they do not hold ({id}: the id).
_NOT_FOUND = {"server": "Instance {id} could not be found.",
             "server_group": "Instance group {id} could not be found."}
_VERSIONS = {"compute": ("v2.1", "2.1"), "volume": ("v3", "3.0")}
# Top-level names that are no project id (Nova serves them without one).
_NOT_PROJECTS = ("flavors", "os-availability-zone", "limits", "os-quota-sets")
# Flavor id → (vcpus, ram MiB, disk GiB), alike in every region.
FLAVORS = {"1": (1, 512, 1), "2": (2, 2048, 20)}
# The region's own quota, as its /limits and os-quota-sets report it.
REGION_QUOTA = {"compute": {"instances": 10, "cores": 20, "ram": 51200},
                "volume": {"volumes": 10, "gigabytes": 1000, "snapshots": 10}}


class FakeRegion:
    """One region's Nova (kind 'compute') or Cinder (kind 'volume')."""

    def __init__(self, name: str, kind: str, max_version: str = "2.96", az: str = "nova"):
        self.name, self.kind, self.max_version, self.az = name, kind, max_version, az
        self.items: dict[str, dict[str, dict]] = {c: {} for c in _COLLECTIONS[kind]}
        self.requests: list[dict] = []
        self.arrived: list[str] = []  # every request's path, hanging ones included
        # Path below the version and project ("os-hypervisors/detail") → (status,
        # body) the region answers to a GET of it: admin views set by a test.
        self.canned: dict[str, tuple[int, dict]] = {}
        self.quotas: dict[str, dict] = {}  # project → what a quota PUT set
        self.hang = threading.Event()
        self.trickle = 0.0  # seconds between the bytes of each answer's body, if set
        self._release = threading.Event()
        # A listen backlog above cheroot's 5: on a loaded machine a burst of the
        # gateway's fan-out calls overflowed it, and a dropped SYN waits out the
        # gateway's connect time-out (a ConnectFailure the test never meant).
        self._server = wsgi.Server(("127.0.0.1", 0), self, numthreads=8,
                                   request_queue_size=128)
        self._server.shutdown_timeout = 0.2
        self._server.prepare()
        self.port = self._server.bind_addr[1]
        self.root = f"http://127.0.0.1:{self.port}/{kind}"
        self._thread = threading.Thread(target=self._server.serve, daemon=True)
        self._thread.start()

    # -- test controls -------------------------------------------------------

    @property
    def url(self) -> str:
        """What the Keystone catalog would list for this region."""
        version = _VERSIONS[self.kind][0]
        return f"{self.root}/{version}" + ("/$(project_id)s" if self.kind == "volume" else "")

    def stop(self) -> None:
        self._release.set()
        self._server.stop()

    def add(self, collection: str, project: str, **fields) -> dict:
        """A resource created directly in the region, behind the gateway's back."""
        item = {"id": str(uuid.uuid4()), "name": fields.pop("name", "direct"),
                "tenant_id": project, "status": "ACTIVE",
                "created": time.strftime("%Y-%m-%dT%H:%M:%SZ"), **fields}
        self.items[collection][item["id"]] = item
        return item

    # -- WSGI ------------------------------------------------------------------

    def __call__(self, environ, start_response):
        self.arrived.append(environ["PATH_INFO"])
        if self.hang.is_set():
            self._release.wait(10)
        method, path = environ["REQUEST_METHOD"], environ["PATH_INFO"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items()
                   if k.startswith("HTTP_")}
        self.requests.append({"method": method, "path": path, "body": body,
                              "query": environ.get("QUERY_STRING", ""), "headers": headers,
                              "client_port": environ.get("REMOTE_PORT")})
        status, data, extra = self._route(method, path, environ, body, headers)
        payload = json.dumps(data).encode() if data is not None else b""
        response_headers = [("Content-Type", "application/json"), *extra]
        if self.trickle:
            response_headers.append(("Content-Length", str(len(payload))))
            start_response(f"{status} X", response_headers)
            return self._trickled(payload)
        start_response(f"{status} X", response_headers)
        return [payload]

    def _trickled(self, payload: bytes):
        """The body a byte at a time: a slow link that never stops answering."""
        for index in range(len(payload)):
            if self._release.wait(self.trickle):
                return
            yield payload[index:index + 1]

    def _route(self, method, path, environ, body, headers):
        version, api_version = _VERSIONS[self.kind]
        base = f"/{self.kind}"
        if path.rstrip("/") in (base, ""):
            return 300, {"versions": [self._version()]}, []
        parts = [p for p in path[len(base):].split("/") if p]
        if self.kind == "compute" and parts == ["v2"]:  # Nova's legacy v2.0 document
            return 200, {"version": {"id": "v2.0", "status": "DEPRECATED", "links": [
                {"rel": "self", "href": f"{self.root}/v2/"}]}}, []
        if parts[0] != version:
            return 404, {"itemNotFound": {"code": 404, "message": "no such version"}}, []
        if len(parts) == 1:
            return 200, {"version": self._version()}, []
        asked = headers.get("openstack-api-version")
        if self.kind == "volume" and asked is not None and "volume" not in asked:
            # As Cinder: a version header naming only another service is no version.
            return 404, {"itemNotFound": {"code": 404, "message": "API version None is "
                                          "not supported on this method."}}, []
        project = headers.get("x-auth-token", ":").partition(":")[2]
        rest = parts[1:]
        if self.kind == "compute":  # Nova serves os-volumes_boot exactly as servers
            rest = ["servers" if p == "os-volumes_boot" else p for p in rest]
        if (rest[0] not in self.items and rest[0] not in _NOT_PROJECTS
                and "/".join(rest) not in self.canned):
            if rest[0] != project and project != "admin":
                return 403, {"forbidden": {"code": 403, "message": "project mismatch"}}, []
            rest = rest[1:]
        canned = self._canned(method, rest, project)
        if canned is not None:
            return canned
        prefix = "/".join(parts[: len(parts) - len(rest)])
        if rest[0] == "flavors":
            return self._flavors(rest)
        if rest[0] == "limits":
            return self._limits(project, environ, headers)
        if rest[0] == "os-quota-sets":
            return self._quota_set(method, rest, body)
        return self._resource(method, rest, prefix, project, environ, body)

    def _canned(self, method, rest, project):
        """A canned GET answer for ``rest``, with or without a project in front."""
        if method != "GET":
            return None
        for below in (rest, rest[1:] if rest and rest[0] == project else None):
            if below and "/".join(below) in self.canned:
                status, body = self.canned["/".join(below)]
                return status, body, []
        return None

    def _flavors(self, rest):
        if len(rest) == 1:
            return 200, {"flavors": [{"id": "1", "name": f"m1.{self.name}"}]}, []
        if rest[1] not in FLAVORS:
            return self._fault(404, "itemNotFound", f"Flavor {rest[1]} could not be found.")
        vcpus, ram, disk = FLAVORS[rest[1]]
        return 200, {"flavor": {"id": rest[1], "name": f"f{rest[1]}", "vcpus": vcpus,
                                "ram": ram, "disk": disk}}, []

    def usage_of(self, project: str) -> dict:
        """What this region counts for ``project``, in its /limits field names."""
        if self.kind == "compute":
            servers = [i for i in self.items["servers"].values() if i["tenant_id"] == project]
            flavors = [FLAVORS.get(str(i.get("flavorRef")), (0, 0, 0)) for i in servers]
            return {"totalInstancesUsed": len(servers),
                    "totalCoresUsed": sum(f[0] for f in flavors),
                    "totalRAMUsed": sum(f[1] for f in flavors)}
        volumes = [i for i in self.items["volumes"].values() if i["tenant_id"] == project]
        snapshots = [i for i in self.items["snapshots"].values()
                     if i["tenant_id"] == project]
        sizes = {i["id"]: int(i.get("size") or 0) for i in self.items["volumes"].values()}
        # Cinder counts a snapshot's size (its volume's) in gigabytes too.
        gigabytes = (sum(int(v.get("size") or 0) for v in volumes)
                     + sum(sizes.get(s.get("volume_id"), 0) for s in snapshots))
        return {"totalVolumesUsed": len(volumes), "totalGigabytesUsed": gigabytes,
                "totalSnapshotsUsed": len(snapshots)}

    def _limits(self, project, environ, headers):
        from urllib.parse import parse_qs
        query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        # Nova: tenant_id for admins; Cinder: project_id from microversion 3.39.
        asked = query.get("tenant_id") or query.get("project_id")
        if asked and project != "admin":
            return self._fault(403, "forbidden", "Policy doesn't allow that.")
        if self.kind == "volume" and "project_id" in query and "3.39" not in headers.get(
                "openstack-api-version", ""):
            asked = None  # older microversions ignore the filter
        quota = REGION_QUOTA[self.kind]
        if self.kind == "compute":
            absolute = {"maxTotalInstances": quota["instances"],
                        "maxTotalCores": quota["cores"], "maxTotalRAMSize": quota["ram"],
                        "maxServerMeta": 128, "maxTotalKeypairs": 100}
        else:
            absolute = {"maxTotalVolumes": quota["volumes"],
                        "maxTotalVolumeGigabytes": quota["gigabytes"],
                        "maxTotalSnapshots": quota["snapshots"], "maxTotalBackups": 10}
        absolute.update(self.usage_of(asked or project))
        return 200, {"limits": {"rate": [], "absolute": absolute}}, []

    def _quota_set(self, method, rest, body):
        """The project's quota: the region's defaults, changed by a PUT, reset by a
        DELETE (as Nova and Cinder keep them per project)."""
        if method == "DELETE":
            self.quotas.pop(rest[1], None)
            return 202, None, []
        if method == "PUT":
            self.quotas.setdefault(rest[1], {}).update(json.loads(body)["quota_set"])
        own = {} if rest[2:] == ["defaults"] else self.quotas.get(rest[1], {})
        quota = dict(REGION_QUOTA[self.kind], **own)
        if rest[2:] == ["detail"]:
            body = {name: {"limit": value, "in_use": 0, "reserved": 0}
                    for name, value in quota.items()}
        else:
            body = dict(quota)
        return 200, {"quota_set": {"id": rest[1], **body}}, []

    def _version(self):
        version, min_version = _VERSIONS[self.kind]
        return {"id": version, "status": "CURRENT", "version": self.max_version,
                "min_version": min_version,
                "links": [{"rel": "self", "href": f"{self.root}/{version}/"}]}

    def _links(self, prefix, collection, item_id):
        return [{"rel": "self", "href": f"{self.root}/{prefix}/{collection}/{item_id}"},
                {"rel": "bookmark",
                 "href": f"{self.root}/{prefix.split('/', 1)[-1]}/{collection}/{item_id}"}]

    def _fault(self, status, key, message):
        return status, {key: {"code": status, "message": message}}, []

    def _resource(self, method, rest, prefix, project, environ, body):
        collection, singular = rest[0], rest[0][:-1]
        list_key, singular = _JSON_KEYS.get(collection, (collection, singular))
        store = self.items[collection]
        if len(rest) == 1 and method == "POST":
            try:
                data = json.loads(body)
            except ValueError:
                return self._fault(400, "badRequest", "Malformed request body")
            entity = data.get(singular) if isinstance(data, dict) else None
            if not isinstance(entity, dict) or "name" not in entity:
                return self._fault(400, "badRequest",
                                   f"Invalid input for field/attribute {singular}.")
            item = self.add(collection, project, **entity)
            item.setdefault("availability_zone", self.az)
            if collection == "backups":  # Cinder gives a backup its volume's size
                item.setdefault("size", self.items["volumes"].get(
                    entity.get("volume_id"), {}).get("size", 1))
            shown = {"id": item["id"], "links": self._links(prefix, collection, item["id"])}
            if collection == "servers":
                shown["adminPass"] = "secret-pass"
            else:
                shown = self._show(item, prefix, collection)
            location = f"{self.root}/{prefix}/{collection}/{item['id']}"
            status = 200 if collection == "os-server-groups" else 202  # as Nova answers
            return status, {singular: shown}, [("Location", location)]
        if len(rest) == 1 or rest[1:] == ["detail"]:
            return self._list(collection, prefix, project, environ, len(rest) == 2,
                              list_key)
        item = store.get(rest[1])
        if item is None or item["tenant_id"] != project and not project == "admin":
            return self._fault(404, "itemNotFound", _NOT_FOUND.get(
                singular, f"{singular.capitalize()} {{id}} could not be found.").format(
                    id=rest[1]))
        if len(rest) == 2 and method == "GET":
            return 200, {singular: self._show(item, prefix, collection, environ)}, []
        if len(rest) == 2 and method == "DELETE":
            del store[item["id"]]
            return 204, None, []
        if collection == "backups" and rest[2:] == ["restore"] and method == "POST":
            return self._restore(item, project, json.loads(body))
        if rest[2:] == ["action"] and method == "POST":
            action = json.loads(body)
            item.setdefault("actions", []).append(action)
            if "resize" in action:  # done at once, as if confirmed
                item["flavorRef"] = action["resize"]["flavorRef"]
            if "os-extend" in action:
                item["size"] = action["os-extend"]["new_size"]
            return 202, None, []
        if rest[2:] == ["os-volume_attachments"] and method == "POST":
            volume_id = json.loads(body)["volumeAttachment"]["volumeId"]
            item.setdefault("attached", []).append(volume_id)
            return 200, {"volumeAttachment": {"id": volume_id, "volumeId": volume_id,
                                              "serverId": item["id"]}}, []
        if rest[2:] == ["os-volume_attachments"]:
            return 200, {"volumeAttachments": []}, []
        return self._fault(404, "itemNotFound", "no such path")

    def _restore(self, backup, project, body):
        """Cinder's backup restore: into a new volume of the backup's size unless the
        body names a volume."""
        asked = (body or {}).get("restore") or {}
        volume_id = asked.get("volume_id")
        if volume_id is None:
            size = backup.get("size") or self.items["volumes"].get(
                backup.get("volume_id"), {}).get("size", 1)
            volume_id = self.add("volumes", project, name=asked.get("name", "restored"),
                                 size=size)["id"]
        return 202, {"restore": {"backup_id": backup["id"], "volume_id": volume_id,
                                 "volume_name": self.items["volumes"][volume_id]["name"]}}, []

    def _show(self, item, prefix, collection, environ=None):
        shown = dict(item, links=self._links(prefix, collection, item["id"]))
        if collection == "servers" and environ is not None:
            shown["flavor"] = self._server_flavor(str(item.get("flavorRef")), environ)
        return shown

    @staticmethod
    def _server_flavor(flavor_id, environ):
        """A server's flavor as Nova shows it: its id, or from 2.47 its size."""
        asked = (environ.get("HTTP_OPENSTACK_API_VERSION", "").removeprefix("compute ")
                 or environ.get("HTTP_X_OPENSTACK_NOVA_API_VERSION", "2.1"))
        major, _, minor = asked.partition(".")
        if asked != "latest" and (int(major), int(minor or 0)) < (2, 47):
            return {"id": flavor_id}
        vcpus, ram, disk = FLAVORS[flavor_id]
        return {"vcpus": vcpus, "ram": ram, "disk": disk, "original_name": f"f{flavor_id}"}

    def _list(self, collection, prefix, project, environ, detail, list_key=None):
        from urllib.parse import parse_qs
        query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        if "limit" in query and not query["limit"].isdigit():
            return self._fault(400, "badRequest", "Invalid limit")
        items = [i for i in self.items[collection].values()
                 if i["tenant_id"] == project or "all_tenants" in query]
        key = {"display_name": "name", "created_at": "created"}.get(
            query.get("sort_key", ""), query.get("sort_key", "created"))
        items.sort(key=lambda i: (i.get(key) or "", i["id"]),
                   reverse=query.get("sort_dir", "asc") == "desc")
        if "marker" in query:
            ids = [i["id"] for i in items]
            if query["marker"] not in ids:
                return self._fault(400, "badRequest", f"marker [{query['marker']}] not found")
            items = items[ids.index(query["marker"]) + 1:]
        limit = int(query.get("limit", 1000))
        page = items[:limit]
        shown = [self._show(i, prefix, collection) if detail else
                 {"id": i["id"], "name": i["name"],
                  "links": self._links(prefix, collection, i["id"])} for i in page]
        list_key = list_key or collection
        body = {list_key: shown}
        if len(page) == limit and page:
            body[f"{list_key}_links"] = [{"rel": "next", "href": (
                f"{self.root}/{prefix}/{collection}?limit={limit}&marker={page[-1]['id']}")}]
        return 200, body, []


class _Obj:
    def __init__(self, **fields):
        self.__dict__.update(fields)


class FakeLimits:
    """Keystone's unified limits as oslo.limit's SDK connection sees them.

    Limits are kept per service type (the fake's service id is its type), so
    the compute and the volume enforcer read different ones, as in Keystone.
    Set ``down`` to make every call fail like an unreachable Keystone.
    """

    def __init__(self, service_types=("compute", "block-storage")):
        self.service_types = set(service_types)
        self.registered: dict[tuple[str, str], int] = {}
        self.project: dict[tuple[str, str, str], int] = {}
        self.down = False
        self.calls = 0
        self.budget: int | None = None  # calls allowed before failing like a flood

    def register(self, service_type: str, **limits: int) -> None:
        for name, value in limits.items():
            self.registered[(service_type, name.replace("__", ":"))] = value

    def set_project(self, service_type: str, project: str, **limits: int) -> None:
        for name, value in limits.items():
            self.project[(service_type, project, name.replace("__", ":"))] = value

    def _touch(self):
        self.calls += 1
        if self.down:
            raise ConnectionError("keystone is down")
        if self.budget is not None and self.calls > self.budget:
            raise ConnectionError("more Keystone calls than the test allows")

    # -- what oslo.limit calls ---------------------------------------------------

    def get(self, path):
        self._touch()
        assert path == "/limits/model"
        return _Obj(json=lambda: {"model": {"name": "flat"}})

    def services(self, type=None, name=None):
        self._touch()
        return [_Obj(id=type, type=type)] if type in self.service_types else []

    def get_region(self, region):
        return _Obj(id=region)

    def endpoints(self, service_id=None, region_id=None, interface=None):
        self._touch()
        return [_Obj(id=f"{service_id}-endpoint", service_id=service_id,
                     region_id=region_id)]

    def registered_limits(self, service_id=None, region_id=None):
        self._touch()
        return [_Obj(resource_name=name, default_limit=value)
                for (service, name), value in self.registered.items()
                if service == service_id]

    def limits(self, service_id=None, region_id=None, project_id=None):
        self._touch()
        return [_Obj(resource_name=name, resource_limit=value, project_id=project)
                for (service, project, name), value in self.project.items()
                if service == service_id and project == project_id]


class FakeCinder(FakeRegion):
    """A FakeRegion of kind 'volume' that also serves Cinder's other families:
    volumes/summary, with_count, transfers (accept moves the volume to the
    accepting project), attachments, groups, group snapshots, messages,
    os-services and scheduler-stats/get_pools.
    """

    _TRANSFERS = ("os-volume-transfer", "volume-transfers")

    def __init__(self, name: str, max_version: str = "3.70", az: str = "nova"):
        super().__init__(name, "volume", max_version, az)
        for collection in ("transfers", "attachments", "groups", "group_snapshots",
                           "messages"):
            self.items[collection] = {}

    def _resource(self, method, rest, prefix, project, environ, body):
        if rest[0] in self._TRANSFERS:
            if rest[2:] == ["accept"] and method == "POST":
                return self._accept(rest[1], project, json.loads(body or b"{}"))
            rest = ["transfers", *rest[1:]]
            if len(rest) == 1 and method == "POST":
                body = self._with_auth_key(body)
        if rest == ["volumes", "summary"]:
            return self._summary(project)
        if rest[0] == "os-services" and method == "PUT":
            return self._service_action(rest[1:], json.loads(body or b"{}"))
        if rest == ["groups", "action"] and method == "POST":
            source = json.loads(body)["create-from-src"]
            group = self.add("groups", project, name=source.get("name", "copy"))
            return 202, {"group": {"id": group["id"], "name": group["name"]}}, []
        if rest[0] == "os-services":
            return 200, {"services": [{"binary": "cinder-volume", "host": f"{self.name}@lvm",
                                       "zone": self.az, "status": "enabled"}]}, []
        if rest == ["scheduler-stats", "get_pools"]:
            return 200, {"pools": [{"name": f"{self.name}@lvm#lvm"}]}, []
        if rest[0] == "attachments" and len(rest) == 1 and method == "POST":
            data = json.loads(body)
            data.get("attachment", {}).setdefault("name", "attachment")
            body = json.dumps(data).encode()
        status, data, extra = super()._resource(method, rest, prefix, project, environ,
                                                body)
        if status == 200 and "with_count" in environ.get("QUERY_STRING", ""):
            data["count"] = len([i for i in self.items[rest[0]].values()
                                 if i["tenant_id"] == project])
        return status, data, extra

    def _service_action(self, action, data):
        """PUT os-services/<action>: a host of this region, or Cinder's 404."""
        if action == ["get-log"]:
            return 200, {"log_levels": [{"host": f"{self.name}@lvm", "levels": {}}]}, []
        if action == ["set-log"]:
            return 202, None, []
        if data.get("host") != f"{self.name}@lvm":
            return self._fault(404, "itemNotFound", "Host not found")
        return 200, {"host": data["host"], "status": action[0]}, []

    @staticmethod
    def _with_auth_key(body):
        data = json.loads(body)
        if isinstance(data.get("transfer"), dict):
            data["transfer"]["auth_key"] = uuid.uuid4().hex[:16]
        return json.dumps(data).encode()

    def _accept(self, transfer_id, project, body):
        transfer = self.items["transfers"].get(transfer_id)
        if transfer is None:
            return self._fault(404, "itemNotFound", f"Transfer {transfer_id} not found")
        if (body.get("accept") or {}).get("auth_key") != transfer["auth_key"]:
            return self._fault(400, "badRequest", "Invalid auth key")
        self.items["volumes"][transfer["volume_id"]]["tenant_id"] = project
        del self.items["transfers"][transfer_id]
        return 202, {"transfer": {"id": transfer_id, "name": transfer["name"],
                                  "volume_id": transfer["volume_id"]}}, []

    def _summary(self, project):
        volumes = [v for v in self.items["volumes"].values() if v["tenant_id"] == project]
        metadata: dict = {}
        for volume in volumes:
            for key, value in (volume.get("metadata") or {}).items():
                metadata.setdefault(key, [])
                if value not in metadata[key]:
                    metadata[key].append(value)
        return 200, {"volume-summary": {
            "total_count": len(volumes),
            "total_size": sum(int(v.get("size") or 0) for v in volumes),
            "metadata": metadata}}, []


# Cinder's global resources in FakeGlobalCinder: URL name → (item key, list key,
# the field holding their specs). Each region gives them its own ids.
_GLOBAL_KINDS = {"types": ("volume_type", "volume_types", "extra_specs"),
                 "group_types": ("group_type", "group_types", "group_specs"),
                 "qos-specs": ("qos_specs", "qos_specs", "specs")}


class FakeGlobalCinder(FakeCinder):
    """A FakeCinder that also keeps volume types, group types, QoS specs (with their
    specs and associations) and default types, alike for every project, each
    region with ids of its own. ``down_for_writes`` makes every write a 503."""

    def __init__(self, name: str, max_version: str = "3.70", az: str = "nova"):
        super().__init__(name, max_version, az)
        for url in _GLOBAL_KINDS:
            self.items[url] = {}
        self.items["default-types"] = {}
        self.down_for_writes = False

    def named(self, url: str, name: str) -> dict | None:
        return next((i for i in self.items[url].values() if i["name"] == name), None)

    def _resource(self, method, rest, prefix, project, environ, body):
        if rest[0] not in _GLOBAL_KINDS and rest[0] != "default-types":
            return super()._resource(method, rest, prefix, project, environ, body)
        # Cinder's QoS associate and disassociate are writes sent as GETs.
        writes = method != "GET" or rest[-1] in ("associate", "disassociate")
        if self.down_for_writes and writes:
            return self._fault(503, "serviceUnavailable", "down for writes")
        data = json.loads(body) if body else {}
        if rest[0] == "default-types":
            return self._default_type(method, rest, data)
        from urllib.parse import parse_qs
        query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        return self._global(method, rest, data, query)

    def _global(self, method, rest, data, query):
        url, (key, list_key, specs) = rest[0], _GLOBAL_KINDS[rest[0]]
        store = self.items[url]
        if len(rest) == 1 and method == "GET":
            return 200, {list_key: list(store.values())}, []
        if len(rest) == 1 and method == "POST":
            wanted = dict(data.get(key) or {})
            if "name" not in wanted:
                return self._fault(400, "badRequest", f"{key} needs a name")
            if self.named(url, wanted["name"]):
                return self._fault(409, "conflictingRequest", f"{wanted['name']} exists")
            item = {"id": str(uuid.uuid4()), "name": wanted.pop("name")}
            if url == "qos-specs":
                item.update(consumer=wanted.pop("consumer", "back-end"), specs=wanted,
                            associations=[])
            else:
                item.update(description=wanted.get("description"),
                            is_public=wanted.get("is_public", True),
                            **{specs: dict(wanted.get(specs) or {})})
            store[item["id"]] = item
            return 200, {key: item}, []
        item = store.get(rest[1]) or self.named(url, rest[1])
        if item is None:
            return self._fault(404, "itemNotFound", f"{key} {rest[1]} could not be found.")
        below = rest[2:]
        if not below:
            if method == "GET":
                return 200, {key: item}, []
            if method == "DELETE":
                del store[item["id"]]
                return 202, None, []
            if method == "PUT" and url == "qos-specs":
                item["specs"].update(data.get(key) or {})
            elif method == "PUT":
                item.update({k: v for k, v in (data.get(key) or {}).items()
                             if k in ("name", "description", "is_public")})
            return 200, {key: item}, []
        if below == ["delete_keys"]:
            for name in data.get("keys") or []:
                item["specs"].pop(name, None)
            return 202, None, []
        if below in (["associate"], ["disassociate"]):
            if query.get("vol_type_id") not in self.items["types"]:
                return self._fault(404, "itemNotFound", "no such volume type")
            if below == ["disassociate"]:
                item["associations"].remove(query["vol_type_id"])
            elif query["vol_type_id"] not in item["associations"]:
                item["associations"].append(query["vol_type_id"])
            return 202, None, []
        if below == ["associations"]:
            return 200, {"qos_associations": [
                {"association_type": "volume_type", "id": type_id,
                 "name": self.items["types"][type_id]["name"]}
                for type_id in item["associations"]]}, []
        if below == ["os-volume-type-access"]:
            return 200, {"volume_type_access": [
                {"volume_type_id": item["id"], "project_id": project}
                for project in item.setdefault("access", [])]}, []
        if below == ["action"] and method == "POST":
            for verb, change in data.items():
                project = (change or {}).get("project")
                access = item.setdefault("access", [])
                if verb == "addProjectAccess" and project not in access:
                    access.append(project)
                elif verb == "removeProjectAccess" and project in access:
                    access.remove(project)
            return 202, None, []
        if below[0] == specs and method == "POST":
            item[specs].update(data.get(specs) or {})
            return 200, {specs: item[specs]}, []
        if below[0] == specs and method == "DELETE" and len(below) == 2:
            item[specs].pop(below[1], None)
            return 202, None, []
        if below[0] == specs and method == "GET":
            return 200, {specs: item[specs]}, []
        return self._fault(404, "itemNotFound", "no such path")

    def _default_type(self, method, rest, data):
        project = rest[1] if len(rest) > 1 else None
        if method == "PUT" and project:
            asked = (data.get("default_type") or {}).get("volume_type")
            found = self.items["types"].get(asked) or self.named("types", str(asked))
            if found is None:
                return self._fault(404, "itemNotFound", f"Volume type {asked} not found")
            self.items["default-types"][project] = found["id"]
        elif method == "DELETE" and project:
            self.items["default-types"].pop(project, None)
            return 204, None, []
        if project not in self.items["default-types"]:
            return self._fault(404, "itemNotFound", "no default type")
        return 200, {"default_type": {"project_id": project,
                                      "volume_type_id": self.items["default-types"][
                                          project]}}, []


class FakeGlobalNova(FakeRegion):
    """A FakeRegion of kind 'compute' whose flavors (with extra specs and access)
    and key pairs (per user; an admin names one with ?user_id=) can be written.
    ``down_for_writes`` makes every write to them a 503."""

    _NAMES = ("flavors", "os-keypairs")

    def __init__(self, name: str, max_version: str = "2.96", az: str = "nova"):
        super().__init__(name, "compute", max_version, az)
        self.flavors = {fid: {"id": fid, "name": f"f{fid}", "vcpus": v, "ram": r,
                              "disk": d, "os-flavor-access:is_public": True,
                              "extra_specs": {}, "access": []}
                        for fid, (v, r, d) in FLAVORS.items()}
        self.keypairs: dict[tuple[str, str], dict] = {}
        self.down_for_writes = False

    def _route(self, method, path, environ, body, headers):
        parts = [p for p in path.split("/") if p][2:]
        if len(parts) > 1 and parts[0] not in self._NAMES and parts[1] in self._NAMES:
            parts = parts[1:]
        if not parts or parts[0] not in self._NAMES:
            return super()._route(method, path, environ, body, headers)
        if self.down_for_writes and method != "GET":
            return self._fault(503, "computeFault", "down for writes")
        from urllib.parse import parse_qs
        query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        data = json.loads(body) if body else {}
        if parts[0] == "flavors":
            return self._flavor(method, parts[1:], data)
        user = query.get("user_id") or headers.get("x-auth-token", "").partition(":")[0]
        return self._keypair(method, parts[1:], data, user)

    def _flavor(self, method, below, data):
        if not below or below == ["detail"]:
            if method == "POST":
                wanted = dict(data.get("flavor") or {})
                if wanted.get("id") in self.flavors:
                    return self._fault(409, "conflictingRequest", "flavor exists")
                wanted.setdefault("os-flavor-access:is_public", True)
                flavor = dict(wanted, extra_specs={}, access=[])
                self.flavors[flavor["id"]] = flavor
                return 200, {"flavor": self._public(flavor)}, []
            return 200, {"flavors": [self._public(f) for f in self.flavors.values()]}, []
        flavor = self.flavors.get(below[0])
        if flavor is None:
            return self._fault(404, "itemNotFound", f"Flavor {below[0]} could not be found.")
        rest = below[1:]
        if not rest and method == "DELETE":
            del self.flavors[below[0]]
            return 202, None, []
        if not rest:
            return 200, {"flavor": self._public(flavor)}, []
        if rest[0] == "os-extra_specs":
            if method == "POST":
                flavor["extra_specs"].update(data.get("extra_specs") or {})
            elif method == "DELETE":
                flavor["extra_specs"].pop(rest[1], None)
                return 202, None, []
            return 200, {"extra_specs": flavor["extra_specs"]}, []
        if rest == ["os-flavor-access"]:
            return 200, {"flavor_access": [{"flavor_id": flavor["id"], "tenant_id": t}
                                           for t in flavor["access"]]}, []
        if rest == ["action"]:
            for verb, change in data.items():
                tenant = (change or {}).get("tenant")
                if verb == "addTenantAccess" and tenant not in flavor["access"]:
                    flavor["access"].append(tenant)
                elif verb == "removeTenantAccess" and tenant in flavor["access"]:
                    flavor["access"].remove(tenant)
            return 200, {"flavor_access": []}, []
        return self._fault(404, "itemNotFound", "no such path")

    @staticmethod
    def _public(flavor):
        return {k: v for k, v in flavor.items() if k not in ("extra_specs", "access")}

    def _keypair(self, method, below, data, user):
        if not below and method == "POST":
            wanted = dict(data.get("keypair") or {})
            owner = wanted.pop("user_id", None) or user
            if (owner, wanted.get("name")) in self.keypairs:
                return self._fault(409, "conflictingRequest", "Key pair exists")
            made = {"name": wanted["name"], "type": wanted.get("type", "ssh"),
                    "public_key": wanted.get("public_key")
                    or f"ssh-ed25519 FAKE{uuid.uuid4().hex}", "user_id": owner}
            self.keypairs[(owner, made["name"])] = made
            shown = dict(made)
            if not wanted.get("public_key"):
                shown["private_key"] = "PRIVATE"
            return 200, {"keypair": shown}, []
        if not below:
            return 200, {"keypairs": [{"keypair": k} for (u, _), k in self.keypairs.items()
                                      if u == user]}, []
        keypair = self.keypairs.get((user, below[0]))
        if keypair is None:
            return self._fault(404, "itemNotFound", f"Keypair {below[0]} not found")
        if method == "DELETE":
            del self.keypairs[(user, below[0])]
            return 202, None, []
        return 200, {"keypair": keypair}, []


def stop_all(fakes: dict) -> None:
    """Stop the fake regions of a test at once, after dropping the gateway's idle
    keep-alive connections (they would hold the servers' threads)."""
    from tricircle.gateway import proxy

    proxy.close()
    stoppers = [threading.Thread(target=fake.stop) for fake in fakes.values()]
    for thread in stoppers:
        thread.start()
    for thread in stoppers:
        thread.join()


class Later:
    """The cache's background reads, held until a test runs them."""

    def __init__(self) -> None:
        self.work: list = []

    def __call__(self, function, *args) -> None:
        self.work.append((function, args))

    def run(self) -> None:
        work, self.work = self.work, []
        for function, args in work:
            function(*args)
