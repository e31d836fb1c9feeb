"""Retries wait twice as long each time, up to a ceiling, for max_attempts per round."""

from tricircle.common.config import CONF
from tricircle.xjob import retry


def test_backoff_doubles_up_to_the_ceiling():
    assert [retry.backoff(n, 2.0, 30.0) for n in range(1, 7)] == [2, 4, 8, 16, 30, 30]
    assert retry.backoff(1, 0.0, 30.0) == 0


def test_a_round_has_max_attempts_tries():
    assert [retry.gets_another_try(n, 3) for n in range(1, 7)] == [
        True, True, False,   # first round: FAIL after the third try
        True, True, False]   # after a redo: three more
    assert retry.gets_another_try(1, 1) is False


def test_the_policy_starts_each_round_at_the_first_backoff():
    policy = retry.RetryPolicy(max_attempts=3, retry_backoff=2.0, max_backoff=5.0)
    assert [policy.retry_in(n) for n in range(1, 7)] == [2.0, 4.0, None, 2.0, 4.0, None]
    assert retry.RetryPolicy(1, 2.0, 5.0).retry_in(1) is None


def test_the_policy_reads_the_xjob_options():
    assert retry.RetryPolicy.from_conf(CONF) == retry.RetryPolicy(
        CONF.xjob.max_attempts, CONF.xjob.retry_backoff, CONF.xjob.max_backoff)
