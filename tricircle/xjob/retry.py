"""When a failed job runs again: the retry arithmetic in one place.

The worker asks a :class:`RetryPolicy` one question after a failed run: how
long until the next try, or None for "no more tries: FAIL". The answer rests
on three options of ``[xjob]``:

- ``max_attempts`` tries per round. ``attempts`` on a job counts every run it
  ever had; a redo starts a new round without resetting it, so the count
  stays a history and the round is ``attempts`` modulo ``max_attempts``.
- ``retry_backoff`` seconds before the first retry of a round, doubling after
  each further failed try,
- up to ``max_backoff``.
"""

import dataclasses

from oslo_config import cfg

from tricircle.common.config import CONF
from tricircle.xjob import conf as _conf  # noqa: F401  (registers [xjob])


def backoff(attempt: int, base: float, ceiling: float) -> float:
    """Seconds to wait after failed try number ``attempt`` (1, 2, ...) of a round."""
    return min(base * 2 ** max(attempt - 1, 0), ceiling)


def gets_another_try(attempts: int, max_attempts: int) -> bool:
    """Whether a job whose run number ``attempts`` failed is tried again in its round."""
    return attempts % max_attempts != 0


@dataclasses.dataclass(frozen=True)
class RetryPolicy:
    """How often and how soon a failed job is tried again."""

    max_attempts: int
    retry_backoff: float
    max_backoff: float

    @classmethod
    def from_conf(cls, conf: cfg.ConfigOpts = CONF) -> "RetryPolicy":
        xjob = conf.xjob
        return cls(xjob.max_attempts, xjob.retry_backoff, xjob.max_backoff)

    def retry_in(self, attempts: int) -> float | None:
        """Seconds until the next try of a job whose run number ``attempts``
        failed; None when that was the round's last try (the job becomes FAIL)."""
        if not gets_another_try(attempts, self.max_attempts):
            return None
        round_attempt = (attempts - 1) % self.max_attempts + 1
        return backoff(round_attempt, self.retry_backoff, self.max_backoff)
