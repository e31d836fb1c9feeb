"""Version discovery and the API description; answered without a token."""

import webob

from tricircle.api import util

VERSION = {"id": "v1.0", "status": "CURRENT", "updated": "2026-11-24T00:00:00Z"}


def _version(req: webob.Request) -> dict:
    links = [{"rel": "self", "href": f"{req.application_url}/v1.0/"}]
    return dict(VERSION, links=links)


def list_versions(req: webob.Request) -> webob.Response:
    """GET /: 200 ``{"versions": [...]}``, the API versions this server speaks."""
    return util.json_response(200, {"versions": [_version(req)]})


def show_version(req: webob.Request) -> webob.Response:
    """GET /v1.0: 200 ``{"version": {...}}``."""
    return util.json_response(200, {"version": _version(req)})


def openapi_document(req: webob.Request) -> webob.Response:
    """GET /openapi.json: 200, the OpenAPI 3.1 description of the admin API."""
    from tricircle.api import openapi  # the document is built from the route table

    return util.json_response(200, openapi.document())
