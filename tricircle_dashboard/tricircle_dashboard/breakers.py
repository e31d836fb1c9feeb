"""The gateway's circuit breakers of a region as the Regions panel shows them.

The admin API (GET /v1.0/pods/{pod_id}/health) gives the last state each
breaker was recorded in, by the gateway's service type (compute, volumev3);
the panel names services as the catalog probe does (compute, network,
volume). An open breaker makes an answering region degraded: the gateway
fails its calls fast until a trial call gets an answer.

Plain functions without Horizon, so they are tested without it.
"""

import datetime

from tricircleclient import catalog

OPEN = "open"

# The gateway's service type -> the panel's service name (volumev3 -> volume).
_NAMES = {service_type: name for name, types in catalog.SERVICE_TYPES.items()
          for service_type in types}


def by_service(services: dict[str, dict]) -> dict[str, dict]:
    """The breakers of the admin API's answer by the panel's service names."""
    return {_NAMES.get(service_type, service_type): breaker
            for service_type, breaker in sorted(services.items())}


def open_ones(breakers: dict[str, dict] | None) -> dict[str, dict]:
    return {name: b for name, b in (breakers or {}).items() if b.get("state") == OPEN}


def when(iso: str, now: datetime.datetime) -> str:
    """A recorded time (naive UTC) as HH:MM UTC, with its date unless it is today's."""
    at = datetime.datetime.fromisoformat(iso)
    if at.date() == now.date():
        return at.strftime("%H:%M UTC")
    return at.strftime("%Y-%m-%d %H:%M UTC")


def describe(name: str, breaker: dict, now: datetime.datetime) -> str:
    """'compute breaker open since 20:01 UTC (3 failures: ConnectFailure)'."""
    failures = breaker.get("failures", 0)
    cause = f"{failures} failure{'' if failures == 1 else 's'}"
    if breaker.get("last_error"):
        cause += f": {breaker['last_error']}"
    return f"{name} breaker {breaker['state']} since {when(breaker['since'], now)} ({cause})"


def summary(breakers: dict[str, dict] | None, now: datetime.datetime) -> str:
    """The Gateway column: every open breaker described, else that none is open
    ('unknown' when the admin API could not say)."""
    if breakers is None:
        return "unknown"
    opened = open_ones(breakers)
    if not opened:
        return "no breaker open"
    return "; ".join(describe(name, b, now) for name, b in opened.items())


def state(probed: str, breakers: dict[str, dict] | None) -> str:
    """The region's state from the catalog probe's (up, degraded, down, unknown)
    and the breakers: any open breaker makes it at least degraded."""
    if open_ones(breakers) and probed != "down":
        return "degraded"
    return probed
