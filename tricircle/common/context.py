"""The request context: who calls, for which project, with which roles."""

from oslo_context import context


class RequestContext(context.RequestContext):
    """oslo.context's context; kept as our own class so callers import one name."""

    @property
    def is_admin_role(self) -> bool:
        return "admin" in (self.roles or [])


def get_admin_context() -> RequestContext:
    """A context for the service's own work (xjob, manage commands)."""
    return RequestContext(is_admin=True, roles=["admin"], overwrite=False)
