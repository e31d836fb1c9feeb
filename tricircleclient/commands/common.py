"""Helpers the command modules share: paging options, output rows, multi-delete."""

import argparse
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from osc_lib import exceptions as osc_exceptions
from osc_lib.cli import format_columns

from tricircleclient import exceptions

LOG = logging.getLogger(__name__)


def client(command: Any) -> Any:
    """The tricircle client OSC built for this command (see ``tricircleclient.osc``)."""
    return command.app.client_manager.multiregion_networking


def add_paging(parser: argparse.ArgumentParser, marker_help: str) -> None:
    parser.add_argument("--limit", metavar="<num>", type=int,
                        help="Show at most this many (one page); without it, every page")
    parser.add_argument("--marker", metavar="<marker>", help=marker_help)


def add_long(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--long", action="store_true", default=False,
                        help="List additional fields in output")


def collect(manager: Any, args: argparse.Namespace, **filters: Any) -> list[dict]:
    """One page when ``--limit`` is given, else every page from ``--marker`` on."""
    if args.limit is not None:
        return list(manager.list(limit=args.limit, marker=args.marker, **filters))
    return list(manager.iterate(marker=args.marker, **filters))


class OrderedListColumn(format_columns.ListColumn):
    """A list shown in the server's order (osc-lib's ListColumn sorts it)."""

    def human_readable(self) -> str:
        return ", ".join(str(item) for item in self._value)


def formatted(value: Any) -> Any:
    """Dicts and lists as OSC columns, so ``-f json`` keeps their structure."""
    if isinstance(value, dict):
        return format_columns.DictColumn(value)
    if isinstance(value, list):
        return OrderedListColumn(value)
    return value


def rows(items: Iterable[dict], fields: Sequence[str]) -> list[tuple]:
    return [tuple(formatted(item.get(field)) for field in fields) for item in items]


def show(item: dict) -> tuple[tuple, tuple]:
    """ShowOne output: every field of ``item`` in alphabetical order."""
    names = tuple(sorted(item))
    return names, tuple(formatted(item[name]) for name in names)


def list_output(items: Iterable[dict], columns: Sequence[tuple[str, str, bool]],
                long: bool) -> tuple[tuple, list[tuple]]:
    """Lister output; ``columns`` are (header, field, only_with_long)."""
    chosen = [(header, field) for header, field, long_only in columns if long or not long_only]
    return (tuple(h for h, _ in chosen), rows(items, [f for _, f in chosen]))


def delete_each(what: str, ids: Sequence[str], delete: Callable[[str], None]) -> None:
    """Delete every id; report all failures at the end instead of stopping at the first."""
    failures = []
    for object_id in ids:
        try:
            delete(object_id)
        except exceptions.TricircleClientError as exc:
            LOG.error("Failed to delete %s %s: %s", what, object_id, exc)
            failures.append(object_id)
    if failures:
        if len(ids) == 1:
            raise osc_exceptions.CommandError(f"Failed to delete {what} {failures[0]}")
        raise osc_exceptions.CommandError(
            f"{len(failures)} of {len(ids)} {what}s failed to delete: {', '.join(failures)}")


def add_current_flags(parser: argparse.ArgumentParser, help_on: str, help_off: str) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--current", dest="is_binding", action="store_true", default=None,
                       help=help_on)
    group.add_argument("--not-current", dest="is_binding", action="store_false",
                       help=help_off)
