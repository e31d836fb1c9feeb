"""Fixtures of the adversarial suite: the functional tier's in-process app on every
database, the fake regions, and a tally of what was tried.

Each test feeds the service input a hostile or careless client could send and
checks the answer with ``expect_refused`` (a 4xx, never a 5xx) or, where no
answer may mention another tenant, ``expect_no_leak``. The terminal summary
prints the totals: bad inputs tried, server errors seen, cross-tenant leaks.
"""

import dataclasses

from tests.functional.conftest import api, clean_database, database, pods  # noqa: F401
from tests.functional.test_gateway import fakes, gw  # noqa: F401
from tests.functional.test_quota import keystone  # noqa: F401


@dataclasses.dataclass
class Tally:
    tried: int = 0
    server_errors: list[str] = dataclasses.field(default_factory=list)
    leaks: list[str] = dataclasses.field(default_factory=list)


TALLY = Tally()


def expect_refused(response, what: str, allowed: tuple[int, ...] = ()) -> None:
    """Count one bad input; its answer must be a 4xx (or one of ``allowed``)."""
    TALLY.tried += 1
    status = response.status_int if hasattr(response, "status_int") else response.status
    if status >= 500 and status not in allowed:  # e.g. a named 503 is the answer asked
        TALLY.server_errors.append(f"{what}: {status}")
    assert status in allowed or 400 <= status < 500, f"{what}: {status}"


def expect_no_leak(text: str, secrets: list[str], what: str) -> None:
    """Count one cross-tenant probe; ``text`` must not contain any of ``secrets``."""
    TALLY.tried += 1
    found = [secret for secret in secrets if secret in text]
    if found:
        TALLY.leaks.append(f"{what}: {', '.join(found)}")
    assert not found, f"{what} shows another tenant's {found}"


def pytest_terminal_summary(terminalreporter) -> None:
    if TALLY.tried:
        terminalreporter.write_line(
            f"adversarial suite: {TALLY.tried} bad inputs tried, "
            f"{len(TALLY.server_errors)} server errors, {len(TALLY.leaks)} cross-tenant "
            "leaks")
