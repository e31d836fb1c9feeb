"""Helpers every handler uses: errors as Nova-style faults, JSON in and out,
schema validation of bodies and queries, pagination links."""

import json
import urllib.parse
from typing import Any

import jsonschema
import webob

from tricircle.api.conf import CONF
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
    415: "unsupportedMediaType",
    501: "notImplemented",
    503: "serviceUnavailable",
}

MAX_BODY_BYTES = 1024 * 1024


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


def _validation_message(error: jsonschema.ValidationError, what: str) -> str:
    # The most specific error names the field the user got wrong.
    error = jsonschema.exceptions.best_match([error]) or error
    path = _field_path(error)
    where = f"field '{path}'" if path else what
    return f"Invalid input for {where}: {error.message}"


def validate(data: Any, schema: dict, what: str = "the request body") -> None:
    """Raise Invalid naming the offending field when ``data`` breaks ``schema``."""
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        raise exceptions.Invalid(_validation_message(errors[0], what))


def read_body(req: webob.Request, schema: dict) -> dict:
    """The request's JSON body, validated against ``schema``."""
    if req.content_length and req.content_length > MAX_BODY_BYTES:
        raise exceptions.Invalid("The request body is too large.")
    content_type = (req.content_type or "").lower()
    if content_type != "application/json":
        raise exceptions.Invalid("The request body must be JSON "
                                 "(Content-Type: application/json).")
    try:
        data = json.loads(req.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise exceptions.Invalid(f"The request body is not valid JSON: {exc}") from None
    validate(data, schema)
    return data


def read_query(req: webob.Request, schema: dict) -> dict[str, str]:
    """The query string as a dict of single values, validated against ``schema``."""
    query: dict[str, str] = {}
    for name, value in req.GET.items():
        if name in query:
            raise exceptions.Invalid(f"Query parameter '{name}' was given more than once.")
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


def context_of(req: webob.Request) -> RequestContext:
    return req.environ["tricircle.context"]


def as_bool(value: str) -> bool:
    return value.lower() in ("true", "1")
