"""The breakers' transitions, recorded once each in the database for every process
to read, without the user's call ever waiting for the database."""

import datetime
import threading
import time

import pytest

from tricircle.common import config
from tricircle.gateway import breaker as breaker_mod
from tricircle.gateway import breaker_states
from tricircle.objects import breaker_state
from tricircle.objects import pod as pod_obj

KEY = ("pod-1", "compute")


@pytest.fixture
def threshold():
    config.CONF.set_override("failure_threshold", 3, "gateway")
    config.CONF.set_override("retry_after", 60, "gateway")
    yield
    config.CONF.clear_override("failure_threshold", "gateway")
    config.CONF.clear_override("retry_after", "gateway")


def _recording_breaker() -> tuple[breaker_mod.Breaker, list]:
    seen = []
    return breaker_mod.Breaker(on_change=lambda *change: seen.append(change)), seen


def test_the_breaker_reports_each_transition_once_and_no_call(threshold):
    breaker, seen = _recording_breaker()
    breaker.succeeded(KEY)  # the process's first answer: its view, closed, once
    breaker.succeeded(KEY)
    assert seen == [(KEY, "closed", 0, None)]
    seen.clear()
    breaker.failed(KEY, error="ConnectFailure")
    breaker.failed(KEY, error="ConnectFailure")
    breaker.succeeded(KEY)  # two failures and an answer: it never opened
    assert seen == []
    for _ in range(3):
        breaker.failed(KEY, error="ConnectTimeout")
    assert seen == [(KEY, "open", 3, "ConnectTimeout")]
    breaker.failed(KEY, error="ConnectFailure")  # a call in flight when it opened
    assert len(seen) == 1
    breaker.failed(KEY, trial=True, error="DeadlinePassed")  # the trial fails: re-opened
    assert seen[-1] == (KEY, "open", 5, "DeadlinePassed")
    breaker.succeeded(KEY)
    breaker.succeeded(KEY)
    assert seen[2:] == [(KEY, "closed", 0, None)]


def test_a_process_that_first_fails_reports_its_close_only_after_opening(threshold):
    breaker, seen = _recording_breaker()
    for _ in range(3):
        breaker.failed(KEY, error="ConnectFailure")
    breaker.succeeded(KEY)
    breaker.succeeded(KEY)
    assert seen == [(KEY, "open", 3, "ConnectFailure"), (KEY, "closed", 0, None)]


def test_an_open_state_left_by_a_process_that_died_is_closed_by_the_next_answer(pod):
    # The row another process (since restarted) left open, then this process's
    # first answer from the region.
    breaker_state.record(_report(pod, "open", datetime.datetime(2026, 12, 2, 20, 1)))
    recorder = breaker_states.Recorder()
    breaker_mod.Breaker(on_change=recorder).succeeded((pod, "compute"))
    assert recorder.flush(10)
    assert breaker_state.of_pod(pod)["compute"]["state"] == "closed"


@pytest.fixture
def pod(db) -> str:
    return pod_obj.create({"region_name": "RegionTwo", "az_name": "az2"})["pod_id"]


def _report(pod_id: str, state: str, at: datetime.datetime, failures: int = 3,
            error: str | None = "ConnectFailure") -> breaker_state.Report:
    return breaker_state.Report(pod_id, "compute", state, failures, error, at, "host:1")


def test_an_open_then_closed_breaker_is_read_as_the_last_state_with_its_since(pod):
    opened = datetime.datetime(2026, 12, 2, 20, 1)
    breaker_state.record(_report(pod, "open", opened))
    breaker_state.record(_report(pod, "open", opened + datetime.timedelta(seconds=15),
                                 failures=4, error="ConnectTimeout"))  # a failed trial
    shown = breaker_state.of_pod(pod)["compute"]
    assert shown["state"] == "open" and shown["failures"] == 4
    assert shown["since"] == opened.isoformat()  # open since it first opened
    assert shown["last_error"] == "ConnectTimeout" and shown["reported_by"] == "host:1"
    closed = opened + datetime.timedelta(minutes=1)
    breaker_state.record(_report(pod, "closed", closed, failures=0, error=None))
    # Another process's open arriving late does not undo the newer close.
    breaker_state.record(_report(pod, "open", opened + datetime.timedelta(seconds=30)))
    shown = breaker_state.of_pod(pod)["compute"]
    assert (shown["state"], shown["since"]) == ("closed", closed.isoformat())
    assert shown["last_error"] == "ConnectTimeout"  # what the outage it ended was


def test_a_deleted_pod_takes_its_breaker_states_along(pod):
    breaker_state.record(_report(pod, "open", datetime.datetime(2026, 12, 2, 20, 1)))
    pod_obj.delete(pod)
    breaker_state.record(_report(pod, "closed", datetime.datetime(2026, 12, 2, 20, 2)))
    assert breaker_state.of_pod(pod) == {}


def test_the_recorder_writes_in_the_background_to_the_database(pod, threshold):
    recorder = breaker_states.Recorder()
    breaker = breaker_mod.Breaker(on_change=recorder)
    for _ in range(3):
        breaker.failed((pod, "compute"), error="ConnectFailure")
    assert recorder.flush(10)
    shown = breaker_state.of_pod(pod)["compute"]
    assert shown["state"] == "open" and shown["failures"] == 3
    assert shown["reported_by"] == breaker_states.reporter()


def test_a_failing_database_neither_raises_nor_stops_the_recording(threshold):
    written = []

    def write(report):
        if not written:
            written.append(None)
            raise RuntimeError("database is gone")
        written.append(report.state)

    recorder = breaker_states.Recorder(write=write)
    breaker = breaker_mod.Breaker(on_change=recorder)
    for _ in range(3):
        breaker.failed(KEY)  # the first write fails: logged, the caller goes on
    breaker.succeeded(KEY)
    assert recorder.flush(10)
    assert written == [None, "closed"]


def test_a_hanging_database_never_holds_the_caller(threshold):
    release = threading.Event()
    recorder = breaker_states.Recorder(write=lambda report: release.wait(30), queue_size=2)
    breaker = breaker_mod.Breaker(on_change=recorder)
    started = time.monotonic()
    for _ in range(10):  # ten transitions, with room for two: the rest are dropped
        for _ in range(3):
            breaker.failed(KEY)
        breaker.succeeded(KEY)
    assert time.monotonic() - started < 0.5
    assert not recorder.flush(0.1)
    release.set()
    assert recorder.flush(10)
