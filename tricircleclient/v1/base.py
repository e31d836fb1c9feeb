"""What every resource manager shares: CRUD on ``/<collection>`` and paging."""

import urllib.parse
from collections.abc import Iterator
from typing import Any, Protocol


class HTTP(Protocol):
    """The part of ``tricircleclient.client.HTTPClient`` a manager uses."""

    def get(self, path: str, params: dict | None = None) -> Any: ...
    def post(self, path: str, body: Any) -> Any: ...
    def put(self, path: str, body: Any = None) -> Any: ...
    def delete(self, path: str, params: dict | None = None) -> Any: ...


class Page(list):
    """One page of a list; ``next_marker`` is set when the server says more follow."""

    next_marker: str | None = None


def _next_marker(links: list[dict] | None) -> str | None:
    for link in links or []:
        if link.get("rel") == "next":
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(link["href"]).query)
            return query.get("marker", [None])[0]
    return None


class Manager:
    """CRUD for one resource: ``key`` wraps one object, ``collection`` a list."""

    key: str = ""
    collection: str = ""
    # Query parameters the server filters on; others are refused client-side
    # so a typo does not silently list everything.
    filters: tuple[str, ...] = ()

    def __init__(self, http: HTTP):
        self.http = http

    @property
    def path(self) -> str:
        return f"/{self.collection}"

    def _query(self, filters: dict[str, Any], limit: int | None,
               marker: str | int | None) -> dict[str, str]:
        unknown = sorted(set(filters) - set(self.filters))
        if unknown:
            raise TypeError(f"unknown {self.collection} filter(s): {', '.join(unknown)}")
        params = {name: _query_value(value) for name, value in sorted(filters.items())
                  if value is not None}
        if limit is not None:
            params["limit"] = str(limit)
        if marker is not None:
            params["marker"] = str(marker)
        return params

    def list(self, limit: int | None = None, marker: str | int | None = None,
             **filters: Any) -> Page:
        """One page of objects matching ``filters``, after ``marker``."""
        body = self.http.get(self.path, params=self._query(filters, limit, marker))
        page = Page(body[self.collection])
        page.next_marker = _next_marker(body.get(f"{self.collection}_links"))
        return page

    def iterate(self, page_size: int | None = None, marker: str | int | None = None,
                **filters: Any) -> Iterator[dict]:
        """Every object matching ``filters`` (after ``marker``), following next-page links."""
        while True:
            page = self.list(limit=page_size, marker=marker, **filters)
            yield from page
            if not page or page.next_marker is None:
                return
            marker = page.next_marker

    def get(self, object_id: str | int) -> dict:
        return self.http.get(f"{self.path}/{_quote(object_id)}")[self.key]

    def _create(self, values: dict) -> dict:
        return self.http.post(self.path, {self.key: values})[self.key]

    def _update(self, object_id: str | int, values: dict) -> dict:
        return self.http.put(f"{self.path}/{_quote(object_id)}", {self.key: values})[self.key]

    def delete(self, object_id: str | int) -> None:
        self.http.delete(f"{self.path}/{_quote(object_id)}")


def _quote(object_id: str | int) -> str:
    # An id is one path segment: a '/' in user input must not reach another URL.
    return urllib.parse.quote(str(object_id), safe="")


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def given(**values: Any) -> dict:
    """The keyword arguments that were given (not None), as a request body."""
    return {name: value for name, value in values.items() if value is not None}
