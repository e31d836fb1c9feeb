"""Retries wait twice as long each time, up to a ceiling, for max_attempts per round."""

from tricircle.xjob import jobs


def test_backoff_doubles_up_to_the_ceiling():
    assert [jobs.backoff(n, 2.0, 30.0) for n in range(1, 7)] == [2, 4, 8, 16, 30, 30]
    assert jobs.backoff(1, 0.0, 30.0) == 0


def test_a_round_has_max_attempts_tries():
    assert [jobs.retry_or_fail(n, 3) for n in range(1, 7)] == [
        True, True, False,   # first round: FAIL after the third try
        True, True, False]   # after a redo: three more
    assert jobs.retry_or_fail(1, 1) is False
