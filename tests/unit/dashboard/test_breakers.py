"""What the Regions panel says of a region's gateway breakers, and how an open
one changes the region's state (tricircle_dashboard.breakers; no Horizon needed)."""

import datetime
import importlib
import sys
from pathlib import Path

# The plugin's package sits one folder down in the repository, as Horizon
# plugins are laid out; its breakers module needs no Horizon.
sys.path.insert(0, str(Path(__file__).parents[3] / "tricircle_dashboard"))
breakers = importlib.import_module("tricircle_dashboard.breakers")

NOW = datetime.datetime(2026, 12, 2, 20, 30)
OPEN_COMPUTE = {"state": "open", "failures": 3, "since": "2026-12-02T20:01:07.123456",
                "reported_at": "2026-12-02T20:01:22", "last_error": "ConnectFailure",
                "reported_by": "api1:42"}
CLOSED_VOLUME = {"state": "closed", "failures": 0, "since": "2026-12-01T09:00:00",
                 "reported_at": "2026-12-01T09:00:00", "last_error": "ConnectTimeout",
                 "reported_by": "api1:43"}


def test_the_gateways_service_types_get_the_panels_service_names():
    assert breakers.by_service({"volumev3": CLOSED_VOLUME, "compute": OPEN_COMPUTE}) == {
        "compute": OPEN_COMPUTE, "volume": CLOSED_VOLUME}


def test_an_open_breaker_is_described_with_its_since_failures_and_error():
    shown = breakers.summary({"compute": OPEN_COMPUTE, "volume": CLOSED_VOLUME}, NOW)
    assert shown == "compute breaker open since 20:01 UTC (3 failures: ConnectFailure)"
    yesterday = dict(OPEN_COMPUTE, since="2026-12-01T23:59:00", failures=1, last_error=None)
    assert breakers.summary({"volume": yesterday}, NOW) == (
        "volume breaker open since 2026-12-01 23:59 UTC (1 failure)")


def test_without_an_open_breaker_the_column_says_so_or_that_it_could_not_ask():
    assert breakers.summary({"volume": CLOSED_VOLUME}, NOW) == "no breaker open"
    assert breakers.summary({}, NOW) == "no breaker open"
    assert breakers.summary(None, NOW) == "unknown"


def test_an_open_breaker_makes_an_answering_region_degraded():
    assert breakers.state("up", {"compute": OPEN_COMPUTE}) == "degraded"
    assert breakers.state("unknown", {"compute": OPEN_COMPUTE}) == "degraded"
    assert breakers.state("down", {"compute": OPEN_COMPUTE}) == "down"
    assert breakers.state("up", {"volume": CLOSED_VOLUME}) == "up"
    assert breakers.state("up", None) == "up"
