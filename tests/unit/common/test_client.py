"""The [client] service account's session: every call through it is bounded."""

import pytest

from tricircle.common import client, config


@pytest.fixture
def conf():
    conf = config.CONF
    conf.reset()
    conf([], project="tricircle", default_config_files=[])
    yield conf
    conf.reset()


def test_the_service_session_is_bounded_by_the_client_timeouts(conf):
    conf.set_override("connect_timeout", 2.5, "client")
    conf.set_override("request_timeout", 12.0, "client")
    assert client.get_session().timeout == (2.5, 12.0)


def test_keystoneauths_own_timeout_wins_when_an_operator_sets_it(conf):
    conf.set_override("timeout", 7, "client")
    assert client.get_session().timeout == 7.0


def test_one_shared_session_per_process(monkeypatch):
    made = []
    monkeypatch.setattr(client, "_shared", None)
    monkeypatch.setattr(client, "get_session", lambda: made.append(object()) or made[-1])
    first = client.shared_session()
    assert client.shared_session() is first
    assert len(made) == 1  # one login; keystoneauth renews its token
