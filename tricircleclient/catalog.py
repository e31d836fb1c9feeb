"""What the Keystone catalog of a session says about each region."""

from typing import Any

# The admin API's official service type (OpenStack's service-types authority)
# and the alias the retired devstack plugin registered. keystoneauth knows the
# alias from os-service-types, so an Adapter on the official type also finds a
# catalog entry of type 'tricircle'.
ADMIN_SERVICE_TYPE = "multi-region-network-automation"
ADMIN_SERVICE_TYPE_ALIASES: tuple[str, ...] = ("tricircle",)

# Block storage has been registered under several service types over the years.
SERVICE_TYPES: dict[str, tuple[str, ...]] = {
    "compute": ("compute",),
    "network": ("network",),
    "volume": ("block-storage", "volumev3", "volumev2", "volume"),
}


def service_catalog(session: Any) -> Any | None:
    """The session's service catalog, or None when the auth has none (token + endpoint)."""
    auth = getattr(session, "auth", None)
    get_access = getattr(auth, "get_access", None)
    if get_access is None:
        return None
    access = get_access(session)
    return getattr(access, "service_catalog", None)


def region_services(catalog: Any, region_name: str) -> dict[str, bool]:
    """For each of compute/network/volume: has ``region_name`` an endpoint for it."""
    found = {}
    for name, service_types in SERVICE_TYPES.items():
        found[name] = any(
            catalog.get_endpoints(service_type=service_type, region_name=region_name)
            .get(service_type)
            for service_type in service_types)
    return found
