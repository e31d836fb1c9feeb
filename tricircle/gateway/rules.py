"""The shape of the gateway's declarative rule tables (compute.py, volume.py).

A rule says, for a method and a path below the API version (and the optional
project id), what the gateway does: route by id, place a create, fan a list
out, answer from the pods table, or forward to the default region. Every
handler takes a ``Call`` (tricircle.gateway.call) and returns a response.
"""

import dataclasses
import re
from collections.abc import Callable

ANY = None

# check(call, region, entity) before a create is sent: raises GatewayError to refuse
# it, returns True when it changed ``entity`` (the central quota's check_create).
CreateCheck = Callable[..., bool]


@dataclasses.dataclass(frozen=True)
class Rule:
    methods: frozenset[str] | None  # None: every method
    template: str  # "/servers/{id}", "/servers/{id}/*" (anything deeper)
    handler: Callable
    resource_type: str | None = None  # of the resource in resource_routings
    collection: str | None = None  # the JSON key of a list or the body key of a create
    # (body field, resource type): a create placed where that resource lives
    parents: tuple[tuple[str, str], ...] = ()
    check: CreateCheck | None = None  # run on a create once its region is chosen
    note: str = ""  # for the routing table in doc/gateway.md
    pattern: re.Pattern = dataclasses.field(init=False, compare=False)

    def __post_init__(self) -> None:
        regex = re.escape(self.template)
        regex = regex.replace(r"/\*", r"(?P<rest>/.*)")
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", regex)
        object.__setattr__(self, "pattern", re.compile(f"^{regex}$"))

    def match(self, method: str, path: str) -> dict | None:
        if self.methods is not None and method not in self.methods:
            return None
        found = self.pattern.match(path)
        return found.groupdict() if found else None


def rule(methods: str | None, template: str, handler: Callable, **kwargs) -> Rule:
    """``rule("GET POST", "/servers", ...)``; methods None means any."""
    allowed = frozenset(methods.split()) if methods else ANY
    return Rule(allowed, template, handler, **kwargs)


@dataclasses.dataclass(frozen=True)
class Service:
    name: str  # URL prefix: /compute, /volume
    service_type: str  # key of the region table (regions.CATALOG_TYPES)
    version: str  # the one API version served: v2.1, v3
    rules: tuple[Rule, ...]
    unavailable_key: str  # fault key of a 503 in this service's format
    microversion_name: str  # in "OpenStack-API-Version: compute 2.69"
    legacy_microversion_header: str | None = None
    # resource type → path of its show request
    show_paths: dict[str, str] = dataclasses.field(default_factory=dict)
    known_names: frozenset[str] = frozenset()  # top-level names that are no project id

    def is_project(self, segment: str, token_project: str | None, more: bool) -> bool:
        """Whether the first path segment is a project id: the caller's own, or any
        name the service does not serve at the top (when a path follows it)."""
        if segment == token_project:
            return True
        return more and segment not in self.known_names and not segment.startswith("os-")

    def find(self, method: str, path: str) -> tuple[Rule, dict] | None:
        for candidate in self.rules:
            found = candidate.match(method, path)
            if found is not None:
                return candidate, found
        return None
