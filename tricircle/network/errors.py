"""What a region's Neutron answers when central Neutron (or Tricircle) fails it.

The local plugin calls central Neutron inside its callers' requests. A
failure there must reach the caller as a Neutron error with central's reason
and the matching status, not as a 500: central's 400, 404 and 409 keep their
status (the caller asked for something central refuses, e.g. an IP already
allocated); an unreachable or failing central Neutron, or one that refuses
our service account, is a 503 naming the region. The central plugin uses
the same errors when Keystone cannot tell it the regions.
"""

import functools
from collections.abc import Callable

from neutron_lib import exceptions as n_exc

from tricircle.common import neutron


class CentralBadRequest(n_exc.BadRequest):
    message = "%(service)s refused the request: %(reason)s"


class CentralNotFound(n_exc.NotFound):
    message = "%(service)s has no such object: %(reason)s"


class CentralConflict(n_exc.Conflict):
    message = "%(service)s refused the request: %(reason)s"


class CentralUnavailable(n_exc.ServiceUnavailable):
    message = "%(service)s is unavailable: %(reason)s"


BY_STATUS = {400: CentralBadRequest, 404: CentralNotFound, 409: CentralConflict}


def translate(exc: neutron.RemoteError) -> n_exc.NeutronException:
    """The Neutron error a caller gets for ``exc``, with the remote's own reason."""
    error = BY_STATUS.get(exc.status, CentralUnavailable)
    status = "" if exc.status in BY_STATUS else f" (HTTP {exc.status or 'unreachable'})"
    return error(service=exc.service, reason=neutron.reason(exc.detail) + status)


def central_errors(method: Callable) -> Callable:
    """Turn a RemoteError escaping ``method`` into the Neutron error it means."""
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except neutron.RemoteError as exc:
            raise translate(exc) from exc
    return wrapper
