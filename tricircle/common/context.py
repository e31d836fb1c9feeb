"""The request context: who calls, for which project, with which roles."""

from oslo_config import cfg
from oslo_context import context

from tricircle.common.config import CONF

# Scope fields only Keystone can vouch for. keystonemiddleware removes what a
# caller sends under these names; under noauth nothing does, and the token
# "user:project" always names a project, so they are ignored there.
_KEYSTONE_ONLY_SCOPE = ("system_scope", "domain_id", "domain_name")


class RequestContext(context.RequestContext):
    """oslo.context's context; kept as our own class so callers import one name."""

    @classmethod
    def from_environ(cls, environ: dict, **kwargs) -> "RequestContext":
        """The caller of a request, as keystonemiddleware (or noauth) described it."""
        if _noauth():
            for name in _KEYSTONE_ONLY_SCOPE:
                kwargs.setdefault(name, None)
        return super().from_environ(environ, **kwargs)

    @property
    def is_admin_role(self) -> bool:
        return "admin" in (self.roles or [])


def _noauth() -> bool:
    try:
        return CONF.auth_strategy == "noauth"
    except cfg.NoSuchOptError:  # options not registered: no API serves this request
        return False


def get_admin_context() -> RequestContext:
    """A context for the service's own work (xjob, manage commands)."""
    return RequestContext(is_admin=True, roles=["admin"], overwrite=False)
