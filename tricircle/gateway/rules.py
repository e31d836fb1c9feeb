"""The shape of the gateway's declarative rule tables (compute.py, volume.py).

A rule says, for a method and a path below the API version (and the optional
project id), what the gateway does: route by id, place a create, fan a list
out, answer from the pods table, or forward to the default region. Every
handler takes a ``Call`` (tricircle.gateway.call) and returns a response.
"""

import dataclasses
import re
import unicodedata
import urllib.parse
from collections.abc import Callable

ANY = None

# The ids the gateway routes by (servers, volumes, snapshots, backups): Nova and
# Cinder make them UUIDs; either case, as Nova's is_uuid_like takes both.
ROUTED_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
                       re.IGNORECASE)
# Characters that would mean something else once forwarded: a decoded '%' would
# be decoded a second time, '?' and '#' would end the path, '\\' is a '/' to some.
_FORBIDDEN_IN_SEGMENT = frozenset("%?#\\")


class BadPath(ValueError):
    """A path the gateway refuses to match, with the reason a caller can act on."""


def is_routed_id(value: object) -> bool:
    """Whether ``value`` is an id the routing table may hold (a UUID)."""
    return isinstance(value, str) and ROUTED_ID.match(value) is not None


def _refuse_segment(segment: str) -> str | None:
    """Why ``segment`` cannot be matched as it is, None when it can."""
    if segment in (".", ".."):
        return "dot segments ('.' and '..') are not allowed"
    if any(ch in _FORBIDDEN_IN_SEGMENT for ch in segment):
        return "an encoded '/', '?', '#', '%' or a backslash is not allowed in a segment"
    if any(unicodedata.category(ch) == "Cc" for ch in segment):
        return "control characters are not allowed"
    return None


def segments(path_info: str) -> list[str]:
    """The decoded, non-empty segments of a WSGI PATH_INFO; raises BadPath.

    PATH_INFO holds the decoded bytes as latin-1 characters (PEP 3333); they
    must be UTF-8. Whatever a segment holds is what the rule sees, and the
    region gets it back percent-encoded (``region_path``), so both read the
    same path. Empty segments ('//') are dropped, as before.
    """
    try:
        text = path_info.encode("latin-1").decode("utf-8")
    except UnicodeError:
        raise BadPath("Invalid path: it is not valid UTF-8.") from None
    found = [s for s in text.split("/") if s]
    for segment in found:
        reason = _refuse_segment(segment)
        if reason:
            raise BadPath(f"Invalid path: {reason}.")
    return found


def region_path(parts: list[str]) -> str:
    """'/' and each segment percent-encoded: what a region decodes back to ``parts``."""
    return "".join("/" + urllib.parse.quote(part, safe=":@") for part in parts)


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
    # Versions whose document (GET /compute/v2/) is answered; the API is served below
    # ``version`` only. Empty: ``version`` alone.
    other_versions: frozenset[str] = frozenset()
    # The region answers its version show only with a token (Cinder's /v3/).
    version_show_from_root: bool = False

    @property
    def documented_versions(self) -> frozenset[str]:
        return self.other_versions | {self.version}

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
