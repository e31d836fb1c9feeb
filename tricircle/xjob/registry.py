"""Which function does the work of each job type.

A handler is one small function per job type, registered with a decorator::

    @registry.handler("port_delete")
    def port_delete(job: Job) -> None: ...

It raises to report a failure (the worker retries the job) and returns to
report success. Handlers must be idempotent: a job runs again after a crash
or a redo, so doing the work twice must leave the same result as once.
"""

import dataclasses
from collections.abc import Callable

from tricircle.common import constants


@dataclasses.dataclass(frozen=True)
class Job:
    """What a handler gets: the job's identity and the resource it works on."""

    id: str
    type: str
    project_id: str
    resource: dict
    attempts: int = 0


Handler = Callable[[Job], None]


class Incomplete(Exception):
    """A handler tried every part of its work and some parts failed; the message
    names each and why. The worker retries the job like any failure."""


class Registry:
    """A mapping of job type to handler; the worker only claims types it holds."""

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}

    def handler(self, job_type: str) -> Callable[[Handler], Handler]:
        """Decorator registering the decorated function for ``job_type``."""
        if job_type not in constants.JOB_TYPES:
            raise ValueError(f"unknown job type {job_type!r}")

        def register(func: Handler) -> Handler:
            if job_type in self._handlers:
                raise ValueError(f"job type {job_type!r} has a handler already: "
                                 f"{self._handlers[job_type].__qualname__}")
            self._handlers[job_type] = func
            return func
        return register

    def get(self, job_type: str) -> Handler | None:
        return self._handlers.get(job_type)

    def types(self) -> tuple[str, ...]:
        return tuple(sorted(self._handlers))


# The registry of the real handlers (tricircle.xjob.handlers fills it).
HANDLERS = Registry()
handler = HANDLERS.handler
