"""Keystone-authenticated access to the regions, with one keystoneauth session.

The [client] group holds the service account Tricircle uses for its own calls
(status checks, xjob, the networking plugins): standard keystoneauth1 auth and
session options, so any auth plugin Keystone supports works.
"""

import threading

from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import loading as ks_loading
from keystoneauth1 import session as ks_session
from oslo_config import cfg

from tricircle.common import exceptions
from tricircle.common.config import CONF

CLIENT_GROUP = "client"

client_opts = [
    cfg.StrOpt("interface", default="public",
               help="Which catalog endpoint (public, internal, admin) to use for regions."),
    cfg.FloatOpt("connect_timeout", default=5.0, min=0.1,
                 help="Seconds to wait for a remote service (a region's Nova, Cinder "
                 "or Neutron, central Neutron, Keystone, Tricircle's admin API) to "
                 "accept a connection."),
    cfg.FloatOpt("request_timeout", default=30.0, min=0.1,
                 deprecated_opts=[cfg.DeprecatedOpt("central_timeout", group="tricircle")],
                 help="Seconds to wait for a remote service's answer once connected. "
                 "Every call Tricircle makes to another service uses this and "
                 "connect_timeout."),
]

ks_loading.register_auth_conf_options(CONF, CLIENT_GROUP)
ks_loading.register_session_conf_options(CONF, CLIENT_GROUP)
CONF.register_opts(client_opts, group=CLIENT_GROUP)


def list_opts() -> list:
    auth_opts = ks_loading.get_auth_common_conf_options()
    auth_opts += ks_loading.get_auth_plugin_conf_options("password")
    return client_opts + ks_loading.get_session_conf_options() + auth_opts


def timeouts() -> tuple[float, float]:
    """(connect, read) timeouts of every call to a remote service."""
    return CONF.client.connect_timeout, CONF.client.request_timeout


def is_configured() -> bool:
    return bool(CONF.client.auth_type)


def get_session() -> ks_session.Session:
    """A session authenticated as the service account of [client].

    Its calls (the catalog, Keystone, tricircleclient's) are bounded by
    :func:`timeouts` unless keystoneauth's own ``[client] timeout`` is set.
    """
    auth = ks_loading.load_auth_from_conf_options(CONF, CLIENT_GROUP)
    session = ks_loading.load_session_from_conf_options(CONF, CLIENT_GROUP, auth=auth)
    if session.timeout is None:
        session.timeout = timeouts()  # requests takes a (connect, read) pair
    return session


_shared_lock = threading.Lock()
_shared: ks_session.Session | None = None


def shared_session() -> ks_session.Session:
    """The process's one session of the [client] account, made on first use.

    Every caller in a process shares it, so the account's token (which the
    session renews before it expires) is fetched once, not once per caller.
    """
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = get_session()
        return _shared


def endpoint_for(session: ks_session.Session, region_name: str,
                 service_type: str) -> str | None:
    """The catalog URL of ``service_type`` in ``region_name``, None when there is none."""
    try:
        return session.get_endpoint(service_type=service_type, region_name=region_name,
                                    interface=CONF.client.interface)
    except ks_exc.EndpointNotFound:
        return None


def region_exists(session: ks_session.Session, region_name: str) -> bool:
    """Whether Keystone knows ``region_name`` (GET /v3/regions/{id})."""
    try:
        response = session.get(f"/regions/{region_name}", raise_exc=False,
                               endpoint_filter={"service_type": "identity",
                                                "interface": CONF.client.interface,
                                                "version": (3, 0)},
                               connect_retries=1, timeout=CONF.client.connect_timeout)
    except (ks_exc.ConnectFailure, ks_exc.ConnectTimeout, ks_exc.DiscoveryFailure) as exc:
        raise exceptions.RegionUnreachable("Keystone", str(exc)) from None
    return response.status_code == 200
