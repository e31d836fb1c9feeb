"""Typed errors for the admin API's answers, carrying the server's own message.

The server answers errors with Nova-style fault bodies such as
``{"itemNotFound": {"code": 404, "message": "Pod 42 could not be found."}}``;
the message inside is what a user should read, so it becomes the exception's
text instead of the raw body.
"""

import json
from typing import Any


class TricircleClientError(Exception):
    """Base of every error this client raises for an HTTP answer."""

    http_status: int | None = None

    def __init__(self, message: str, http_status: int | None = None,
                 request_id: str | None = None, method: str | None = None,
                 url: str | None = None):
        super().__init__(message)
        self.message = message
        if http_status is not None:
            self.http_status = http_status
        self.request_id = request_id
        self.method = method
        self.url = url

    def __str__(self) -> str:
        text = self.message
        if self.http_status:
            text += f" (HTTP {self.http_status})"
        if self.request_id:
            text += f" (Request-ID: {self.request_id})"
        return text


class BadRequest(TricircleClientError):
    http_status = 400


class Unauthorized(TricircleClientError):
    http_status = 401


class Forbidden(TricircleClientError):
    http_status = 403


class NotFound(TricircleClientError):
    http_status = 404


class MethodNotAllowed(TricircleClientError):
    http_status = 405


class Conflict(TricircleClientError):
    http_status = 409


class RequestEntityTooLarge(TricircleClientError):
    http_status = 413


class UnsupportedMediaType(TricircleClientError):
    http_status = 415


class InternalServerError(TricircleClientError):
    http_status = 500


class ServiceUnavailable(TricircleClientError):
    http_status = 503


_BY_STATUS: dict[int, type[TricircleClientError]] = {
    cls.http_status: cls
    for cls in (BadRequest, Unauthorized, Forbidden, NotFound, MethodNotAllowed, Conflict,
                RequestEntityTooLarge, UnsupportedMediaType, InternalServerError,
                ServiceUnavailable)
}


def fault_message(body: Any) -> str | None:
    """The ``message`` of a fault body ``{"<faultName>": {"message": ...}}``, if any."""
    if isinstance(body, dict) and len(body) == 1:
        (inner,) = body.values()
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return inner["message"]
    return None


def from_response(response, method: str | None = None,
                  url: str | None = None) -> TricircleClientError:
    """The typed error for an HTTP answer with status >= 400.

    Falls back to the raw text (or the reason phrase for an empty body) when
    the body is not a fault, e.g. an HTML error page from a proxy in front.
    """
    status = response.status_code
    try:
        message = fault_message(json.loads(response.text)) if response.text else None
    except ValueError:
        message = None
    if message is None:
        message = (response.text or "").strip() or response.reason or f"HTTP {status}"
    # A status without a class of its own still carries its code and message.
    cls = _BY_STATUS.get(status, TricircleClientError)
    return cls(message, http_status=status,
               request_id=response.headers.get("x-openstack-request-id"),
               method=method, url=url)
