"""Helpers every handler uses: errors as Nova-style faults, JSON in and out,
schema validation of bodies and queries, pagination links."""

import functools
import json
import re
import urllib.parse
from typing import Any

import jsonschema
import webob
import webob.exc
from oslo_utils import uuidutils

from tricircle.api.conf import CONF
from tricircle.api.schemas import common as schema_common
from tricircle.common import exceptions
from tricircle.common.context import RequestContext

# Fault keys of the OpenStack compute API, which the retired admin API used too.
_FAULT_KEYS = {
    400: "badRequest",
    401: "unauthorized",
    403: "forbidden",
    404: "itemNotFound",
    405: "methodNotAllowed",
    406: "notAcceptable",
    409: "conflictingRequest",
    413: "requestEntityTooLarge",
    414: "requestUriTooLong",
    415: "unsupportedMediaType",
    431: "requestHeaderFieldsTooLarge",
    501: "notImplemented",
    503: "serviceUnavailable",
}

# Longest schema message repeated whole; a longer one quotes only the start of
# the value (jsonschema's messages quote the whole input).
MAX_MESSAGE_LENGTH = 200


def fault_response(status: int, message: str, headers: dict | None = None) -> webob.Response:
    """A JSON fault body, e.g. ``{"badRequest": {"code": 400, "message": "..."}}``."""
    key = _FAULT_KEYS.get(status, "computeFault")
    response = json_response(status, {key: {"code": status, "message": message}})
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def json_response(status: int, body: Any) -> webob.Response:
    response = webob.Response(status=status, content_type="application/json",
                              charset=None)
    if body is not None:
        response.body = json.dumps(body).encode("utf-8")
    return response


def _field_path(error: jsonschema.ValidationError) -> str:
    return "/".join(str(p) for p in error.absolute_path)


_CONTROL_CHARACTER = re.compile(f"[{schema_common.CONTROL_CHARACTERS}]")


@functools.lru_cache(maxsize=256)
def _python_pattern(pattern: str) -> re.Pattern:
    """``pattern`` with a final "$" meaning the end of the value, as in ECMA-262
    (JSON Schema's regex dialect); Python's "$" also matches before a final
    newline, which would let ``"id\n"`` through."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + "\\Z"
    return re.compile(pattern)


def _pattern(validator, pattern: str, instance: Any, schema: dict):
    if validator.is_type(instance, "string") and not _python_pattern(pattern).search(instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


_Validator = jsonschema.validators.extend(jsonschema.Draft202012Validator,
                                          {"pattern": _pattern})


def _problem(error: jsonschema.ValidationError) -> str:
    """What is wrong, in a sentence that quotes at most the start of the value."""
    if (error.validator == "pattern" and isinstance(error.instance, str)
            and _CONTROL_CHARACTER.search(error.instance)):
        return "control characters and lone surrogates are not allowed."
    if len(error.message) <= MAX_MESSAGE_LENGTH:
        return error.message
    return (f"{exceptions.excerpt(repr(error.instance))} does not satisfy "
            f"'{error.validator}': {exceptions.excerpt(error.validator_value)}")


def _validation_message(error: jsonschema.ValidationError, what: str) -> str:
    # The most specific error names the field the user got wrong.
    error = jsonschema.exceptions.best_match([error]) or error
    path = exceptions.excerpt(_field_path(error))
    where = f"field '{path}'" if path else what
    return f"Invalid input for {where}: {_problem(error)}"


def validate(data: Any, schema: dict, what: str = "the request body") -> None:
    """Raise Invalid naming the offending field when ``data`` breaks ``schema``."""
    validator = _Validator(schema,
                           format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        raise exceptions.Invalid(_validation_message(errors[0], what))


def _raw_body(req: webob.Request) -> bytes:
    """The body as sent. oslo.middleware's sizelimit (tricircle.api.app) refuses
    one over [oslo_middleware]/max_request_body_size before it is read when it
    has a Content-Length, and while it is read when it is chunked."""
    try:
        return req.body
    except webob.exc.HTTPRequestEntityTooLarge:
        raise exceptions.TooLarge(
            "The request body is larger than [oslo_middleware]/max_request_body_size "
            "allows.") from None


def parse_json(raw: bytes) -> Any:
    """JSON from bytes, or Invalid saying why it is not (UTF-8, syntax, depth)."""
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise exceptions.Invalid(
            f"The request body is not valid UTF-8: byte {exc.start} cannot be "
            "decoded.") from None
    except RecursionError:
        raise exceptions.Invalid("The request body is nested too deeply.") from None
    except ValueError as exc:
        # json's messages name a position, never repeat the document; a number
        # of more than 4300 digits says so in a short sentence too.
        raise exceptions.Invalid(
            f"The request body is not valid JSON: {exceptions.excerpt(exc, 120)}") from None


def read_body(req: webob.Request, schema: dict) -> dict:
    """The request's JSON body, validated against ``schema``."""
    content_type = (req.content_type or "").lower()
    if content_type != "application/json":
        raise exceptions.Invalid("The request body must be JSON "
                                 "(Content-Type: application/json).")
    data = parse_json(_raw_body(req))
    try:
        validate(data, schema)
    except RecursionError:  # deep nesting where the schema allows any object
        raise exceptions.Invalid("The request body is nested too deeply.") from None
    return data


def _query_items(req: webob.Request) -> list[tuple[str, str]]:
    try:
        return list(req.GET.items())
    except UnicodeDecodeError:
        raise exceptions.Invalid(
            "The query string is not valid UTF-8 once percent-decoded.") from None


def read_query(req: webob.Request, schema: dict) -> dict[str, str]:
    """The query string as a dict of single values, validated against ``schema``."""
    query: dict[str, str] = {}
    for name, value in _query_items(req):
        if name in query:
            raise exceptions.Invalid(
                f"Query parameter '{exceptions.excerpt(name)}' was given more than once.")
        query[name] = value
    validate(query, schema, what="the query string")
    return query


def next_link(req: webob.Request, marker: object, limit: int) -> dict:
    """The ``rel: next`` link of a page: this URL with marker/limit replaced."""
    params = [(k, v) for k, v in req.GET.items() if k not in ("marker", "limit")]
    params += [("limit", str(limit)), ("marker", str(marker))]
    return {"rel": "next", "href": f"{req.host_url}{req.path}?{urllib.parse.urlencode(params)}"}


def page_body(req: webob.Request, collection: str, items: list[dict],
              limit: int, marker_key: str) -> dict:
    """``{collection: items}`` plus ``{collection}_links`` when a next page may exist."""
    body: dict[str, Any] = {collection: items}
    if items and len(items) == limit:
        body[f"{collection}_links"] = [next_link(req, items[-1][marker_key], limit)]
    return body


def page_params(query: dict) -> tuple[int, str | None]:
    """Remove and return (limit, marker) from a validated query; limit ≤ [api]/max_limit."""
    max_limit = CONF.api.max_limit
    limit = int(query.pop("limit", max_limit))
    return max(1, min(limit, max_limit)), query.pop("marker", None)


def generated_id(kind: str, ident: str) -> str:
    """``ident`` from a path, when it can be an id we generate (a uuid); any other
    value names nothing, so it is 404 without asking the database."""
    if not uuidutils.is_uuid_like(ident):
        raise exceptions.NotFound(kind, ident)
    return ident


def context_of(req: webob.Request) -> RequestContext:
    return req.environ["tricircle.context"]


def as_bool(value: str) -> bool:
    return value.lower() in ("true", "1")
