"""Bounds on the request line and headers, and URLs that must decode.

Checked before anything else reads the request, so they hold under any WSGI
server (cheroot's own header limit in tricircle.cmd.api is only a backstop).
oslo.middleware has no such piece; its sizelimit covers bodies only.
"""

import urllib.parse

from tricircle.api import util


def url_length(environ: dict) -> int:
    """Bytes of the request target as the client sent it (path and query)."""
    raw = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    if raw:
        return len(raw)
    path = urllib.parse.quote(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""),
                              safe="/;=,")
    query = environ.get("QUERY_STRING", "")
    return len(path) + (len(query) + 1 if query else 0)


def header_bytes(environ: dict) -> int:
    """Bytes of the request's header fields, counted as ``Name: value\\r\\n``."""
    total = 0
    for key, value in environ.items():
        if key.startswith("HTTP_") or key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            name_length = len(key) - (5 if key.startswith("HTTP_") else 0)
            total += name_length + len(str(value)) + 4
    return total


def url_problem(environ: dict) -> str | None:
    """Why the path or query cannot be read as text, or None when they can.

    WSGI hands the path over percent-decoded as latin-1; every layer below
    reads it as UTF-8, so bytes that are not UTF-8 (``%ff``) would fail there.
    What the text may hold is for each API to say (an admin API id that is no
    uuid names nothing, for example).
    """
    try:
        environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return "The request path is not valid UTF-8 once percent-decoded."
    query = environ.get("QUERY_STRING", "").replace("+", " ")
    try:
        urllib.parse.unquote_to_bytes(query).decode("utf-8")
    except UnicodeDecodeError:
        return "The query string is not valid UTF-8 once percent-decoded."
    return None


class RequestLimits:
    """414 for a long URL, 431 for large headers, 400 for a URL that is not text."""

    def __init__(self, app, max_url_length: int, max_header_bytes: int):
        self.app = app
        self.max_url_length = max_url_length
        self.max_header_bytes = max_header_bytes

    def __call__(self, environ, start_response):
        response = self._refusal(environ)
        if response is not None:
            return response(environ, start_response)
        return self.app(environ, start_response)

    def _refusal(self, environ: dict):
        if url_length(environ) > self.max_url_length:
            return util.fault_response(
                414, f"The request URL is longer than {self.max_url_length} bytes.")
        if header_bytes(environ) > self.max_header_bytes:
            return util.fault_response(
                431, f"The request headers are larger than {self.max_header_bytes} bytes.")
        problem = url_problem(environ)
        if problem is not None:
            return util.fault_response(400, problem)
        return None
