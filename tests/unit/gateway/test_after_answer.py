"""Work left for after the answer runs when the server closes the body, once."""

import logging

import pytest

from tricircle.gateway import after_answer


class Body(list):
    closed = 0

    def close(self):
        self.closed += 1


def test_the_work_runs_when_the_server_closes_the_body_not_before():
    environ, done = {}, []
    after_answer.later(environ, done.append, "routing")
    body = after_answer.wrapped(environ, Body([b"answer"]))
    assert b"".join(body) == b"answer"
    assert done == []  # the client has the whole answer before it runs
    body.close()
    assert done == ["routing"]
    assert body._body.closed == 1  # the body's own close still runs


def test_the_work_runs_once_even_if_the_body_is_closed_twice():
    environ, done = {}, []
    after_answer.later(environ, done.append, 1)
    body = after_answer.wrapped(environ, [b""])
    body.close()
    body.close()
    assert done == [1]


def test_a_request_that_left_nothing_gets_its_body_unchanged():
    body = [b"x"]
    assert after_answer.wrapped({}, body) is body


def test_failing_work_is_logged_and_the_rest_still_runs(caplog):
    environ, done = {}, []

    def broken():
        raise RuntimeError("database gone")
    after_answer.later(environ, broken)
    after_answer.later(environ, done.append, "settle")
    with caplog.at_level(logging.ERROR):
        after_answer.wrapped(environ, [b""]).close()
    assert done == ["settle"]
    assert "database gone" in caplog.text


def test_work_left_by_a_request_that_then_failed_runs_at_once():
    environ, done = {}, []
    after_answer.later(environ, done.append, "routing")
    after_answer.run_now(environ)
    assert done == ["routing"]
    assert after_answer.wrapped(environ, [b""]) == [b""]  # not run a second time


def test_the_gateway_runs_it_when_a_handler_fails_unexpectedly(monkeypatch):
    from tricircle.gateway import app as gateway_app

    done = []

    def dispatch(self, environ, service):
        after_answer.later(environ, done.append, "routing")
        raise KeyError("a bug after the region made the resource")
    monkeypatch.setattr(gateway_app.GatewayApp, "_dispatch", dispatch)
    with pytest.raises(KeyError):
        gateway_app.GatewayApp()({"PATH_INFO": "/compute/v2.1/servers"}, None)
    assert done == ["routing"]
