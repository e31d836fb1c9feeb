"""Authentication in front of the API: keystonemiddleware, or noauth for development."""

import logging

from keystonemiddleware import auth_token

from tricircle.api import util
from tricircle.common.config import CONF

LOG = logging.getLogger(__name__)

# Identity headers a caller must never be able to set itself.
_IDENTITY_HEADERS = ("HTTP_X_USER_ID", "HTTP_X_USER_NAME", "HTTP_X_PROJECT_ID",
                     "HTTP_X_PROJECT_NAME", "HTTP_X_ROLES", "HTTP_X_ROLE",
                     "HTTP_X_TENANT_ID", "HTTP_X_TENANT", "HTTP_X_IDENTITY_STATUS",
                     "HTTP_X_SERVICE_ROLES", "HTTP_X_DOMAIN_ID", "HTTP_X_SYSTEM_SCOPE",
                     "HTTP_X_DOMAIN_NAME", "HTTP_X_USER_DOMAIN_ID",
                     "HTTP_X_PROJECT_DOMAIN_ID", "HTTP_X_IS_ADMIN_PROJECT",
                     "HTTP_OPENSTACK_SYSTEM_SCOPE")


class NoAuth:
    """Development-only auth: the token ``user:project[:roles]`` names the caller.

    Without roles, the user ``admin`` gets the admin role, everybody else member
    and reader; ``roles`` (comma-separated) gives exactly those, e.g.
    ``carol:demo:reader`` for a reader who is no member. A request without a
    token is refused with 401, as it would be with Keystone.
    """

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        for header in _IDENTITY_HEADERS:
            environ.pop(header, None)
        token = environ.get("HTTP_X_AUTH_TOKEN", "").strip()
        if not token:
            response = util.fault_response(401, "Authentication required: send "
                                           "X-Auth-Token: <user>:<project>.")
            return response(environ, start_response)
        user, _, rest = token.partition(":")
        project, _, named_roles = rest.partition(":")
        roles = [role for role in named_roles.split(",") if role] or _default_roles(user)
        environ.update({
            "HTTP_X_USER_ID": user,
            "HTTP_X_USER_NAME": user,
            "HTTP_X_PROJECT_ID": project or user,
            "HTTP_X_ROLES": ",".join(roles),
            "HTTP_X_IDENTITY_STATUS": "Confirmed",
        })
        return self.app(environ, start_response)


def _default_roles(user: str) -> list[str]:
    return ["admin", "member", "reader"] if user == "admin" else ["member", "reader"]


class PublicPaths:
    """Send the listed paths around the auth layer (version discovery needs no token)."""

    def __init__(self, app, authenticated_app, public_paths: frozenset[str]):
        self.app = app
        self.authenticated_app = authenticated_app
        self.public_paths = public_paths

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "").rstrip("/") or "/"
        if path in self.public_paths and environ["REQUEST_METHOD"] in ("GET", "HEAD"):
            return self.app(environ, start_response)
        return self.authenticated_app(environ, start_response)


def wrap(app, public_paths: frozenset[str]):
    """``app`` behind the configured auth strategy, except for ``public_paths``."""
    if CONF.auth_strategy == "noauth":
        LOG.warning("auth_strategy = noauth: every request is trusted; never use "
                    "this outside development and tests")
        authenticated = NoAuth(app)
    else:
        authenticated = auth_token.AuthProtocol(app, {"oslo_config_config": CONF})
    return PublicPaths(app, authenticated, public_paths)
