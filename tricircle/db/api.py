"""Database access: one enginefacade context for every process, plus the
small query helpers the API handlers share (filters and keyset pagination).

Resource-specific queries live in the handler-facing object modules
(``tricircle.objects``); this module stays generic.
"""

import contextvars
import functools
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from oslo_db.sqlalchemy import enginefacade
from sqlalchemy import event
from sqlalchemy.orm import Session

from tricircle.common.config import CONF

context_manager = enginefacade.transaction_context()
_configured = False
# Whether the transaction being opened in this thread (or greenthread) writes.
_writing: contextvars.ContextVar[bool] = contextvars.ContextVar("writing", default=False)

F = TypeVar("F", bound=Callable[..., Any])


def configure() -> None:
    """Point the engine at [database]/connection; safe to call more than once."""
    global _configured
    if not _configured:
        # sqlite_fk makes SQLite enforce the foreign keys MariaDB and
        # PostgreSQL enforce anyway, so all three behave alike.
        options = dict(CONF.database.items())
        options["connection"] = with_full_utf8(options["connection"])
        context_manager.configure(sqlite_fk=True, **options)
        _configured = True
        engine = context_manager.writer.get_engine()
        if engine.dialect.name == "sqlite":
            _begin_writers_immediately(engine)


def with_full_utf8(url: str | None) -> str | None:
    """A MySQL/MariaDB URL that names no charset gets utf8mb4.

    oslo.db would otherwise connect with "utf8", MySQL's 3-byte subset, and
    every character outside the Basic Multilingual Plane (an emoji in a name)
    would fail the insert instead of being stored.
    """
    if not url:
        return url
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "mysql" or "charset" in parsed.query:
        return url
    return parsed.update_query_dict({"charset": "utf8mb4"}).render_as_string(
        hide_password=False)


def _begin_writers_immediately(engine: sa.engine.Engine) -> None:
    """Make a SQLite write transaction take the write lock when it begins.

    SQLite begins transactions deferred: two that read first and then both
    write deadlock, and SQLite answers the second "database is locked" at
    once instead of waiting. ``BEGIN IMMEDIATE`` makes a writer wait (up to
    the driver's busy timeout) for the other to finish instead; readers still
    begin deferred and never wait for writers.
    """
    # oslo.db turns pysqlite's own BEGIN off and emits a plain BEGIN itself;
    # a writer's becomes BEGIN IMMEDIATE on its way to the driver.
    @event.listens_for(engine, "before_cursor_execute", retval=True)
    def _immediate(connection, cursor, statement, parameters, context, executemany):
        if statement == "BEGIN" and _writing.get():
            statement = "BEGIN IMMEDIATE"
        return statement, parameters


def reset() -> None:
    """Forget the engine (tests point the same process at several databases).

    Its pooled connections are closed now: left to the garbage collector, the
    engines of many resets would hold the database's connections meanwhile
    (PostgreSQL refuses the 101st by default)."""
    global context_manager, _configured
    context_manager.dispose_pool()
    context_manager = enginefacade.transaction_context()
    _configured = False


def get_engine() -> sa.engine.Engine:
    configure()
    return context_manager.writer.get_engine()


class _Ctx:
    """The minimal object enginefacade wants to attach its session to."""


def _in_transaction(mode: str) -> Callable[[F], F]:
    def decorator(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            configure()
            token = _writing.set(mode == "writer")
            try:
                with getattr(context_manager, mode).using(_Ctx()) as session:
                    return func(session, *args, **kwargs)
            finally:
                _writing.reset(token)
        return wrapper  # type: ignore[return-value]
    return decorator


# ``@reader`` / ``@writer`` run ``func(session, ...)`` in a read transaction, or
# in a write transaction committed when the function returns.
reader = _in_transaction("reader")
writer = _in_transaction("writer")


def apply_filters(query: sa.Select, model: type, filters: dict[str, Any]) -> sa.Select:
    """Filter on columns of ``model``. A value is either a plain value (equality)
    or an ``(operator, value)`` pair, operator one of eq, gt, gte, lt, lte."""
    ops = {"eq": "__eq__", "gt": "__gt__", "gte": "__ge__", "lt": "__lt__", "lte": "__le__"}
    for name, value in filters.items():
        column = getattr(model, name)
        if isinstance(value, tuple):
            op, value = value
            query = query.where(getattr(column, ops[op])(value))
        else:
            query = query.where(column == value)
    return query


def after_marker(sort_columns: list[Any], marker_values: tuple,
                 descending: bool = False) -> sa.ColumnElement[bool]:
    """The keyset condition "row comes after the marker row" for ``sort_columns``.

    Spelled as (a > x) OR (a = x AND b > y) rather than a row-value comparison,
    which not every database turns into an index range scan.
    """
    clauses = []
    for i, column in enumerate(sort_columns):
        beyond = column < marker_values[i] if descending else column > marker_values[i]
        equal_before = [sort_columns[j] == marker_values[j] for j in range(i)]
        clauses.append(sa.and_(*equal_before, beyond))
    return sa.or_(*clauses)


def paginate(session: Session, query: sa.Select, sort_columns: list[Any],
             marker_values: tuple | None, limit: int, descending: bool = False) -> list:
    """Keyset pagination: the rows after the marker row, at most ``limit``.

    ``sort_columns`` must end in a unique column, so the order is total and no
    row is skipped or repeated between pages.
    """
    if marker_values is not None:
        query = query.where(after_marker(sort_columns, marker_values, descending))
    order = [c.desc() if descending else c.asc() for c in sort_columns]
    return list(session.scalars(query.order_by(*order).limit(limit)))
