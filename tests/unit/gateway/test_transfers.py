"""The service account's credentials a counted transfer accept reads its size with."""

import pytest
from keystoneauth1 import exceptions as ks_exc

from tricircle.common import client
from tricircle.gateway import transfers


class FakeSession:
    def __init__(self, fail: bool = False) -> None:
        self.fail, self.tokens = fail, 0

    def get_token(self) -> str:
        if self.fail:
            raise ks_exc.ConnectFailure("Keystone is down")
        self.tokens += 1
        return f"token-{self.tokens}"

    def get_project_id(self) -> str:
        return "service-project"


@pytest.fixture
def account(monkeypatch):
    """A configured [client] account whose sessions are counted."""
    made: list[FakeSession] = []

    def get_session(fail: bool = False) -> FakeSession:
        made.append(FakeSession())
        return made[-1]

    monkeypatch.setattr(client, "is_configured", lambda: True)
    monkeypatch.setattr(client, "get_session", get_session)
    monkeypatch.setattr(client, "_shared", None)
    return made


def test_no_account_means_no_credentials(monkeypatch):
    monkeypatch.setattr(client, "is_configured", lambda: False)
    assert transfers.service_credentials() is None


def test_one_session_is_made_and_asked_for_each_token(account):
    assert transfers.service_credentials() == ("token-1", "service-project")
    assert transfers.service_credentials() == ("token-2", "service-project")
    assert len(account) == 1  # keystoneauth renews the token; no new login per accept


def test_keystone_failing_gives_no_credentials_rather_than_an_error(account, monkeypatch):
    monkeypatch.setattr(client, "_shared", FakeSession(fail=True))
    assert transfers.service_credentials() is None
