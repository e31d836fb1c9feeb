"""The gateway's breakers as every process sees them: each tricircle-api process
records its breakers' transitions (tricircle.objects.breaker_state) so the admin
API and the Regions panel show them, whichever process saw the region fail.

Only transitions are written (a breaker opens, re-opens after a failed trial,
closes) and a process's first answer from each service (so an "open" left by a
process that restarted or died is corrected by the next answer), never a call.
The breaker hands a transition over under its lock without waiting: one thread
per process writes them in order. A database that is slow or down delays only
that thread; when its queue is full, transitions are dropped and logged, and
the user's call never waits for the database.
"""

import logging
import os
import queue
import socket
import threading
from collections.abc import Callable

from tricircle.db import models
from tricircle.objects import breaker_state

LOG = logging.getLogger(__name__)

QUEUE_SIZE = 256  # transitions waiting for the writer; more are dropped


def reporter() -> str:
    """host:pid, the process a report comes from."""
    return f"{socket.gethostname()}:{os.getpid()}"


class Recorder:
    """Queues breaker transitions and writes them with one thread per process."""

    def __init__(self, write: Callable[[breaker_state.Report], None] = breaker_state.record,
                 queue_size: int = QUEUE_SIZE):
        self._write, self._queue_size = write, queue_size
        self._lock = threading.Lock()
        self._queue: queue.Queue | None = None
        self._pid: int | None = None

    def _started(self) -> queue.Queue:
        # Started on first use in each process: uWSGI forks its workers after
        # loading the application, and a thread does not survive the fork.
        with self._lock:
            if self._queue is None or self._pid != os.getpid():
                self._queue, self._pid = queue.Queue(self._queue_size), os.getpid()
                threading.Thread(target=self._run, args=(self._queue,), daemon=True,
                                 name="breaker-states").start()
            return self._queue

    def __call__(self, key: tuple[str, str], state: str, failures: int,
                 error: str | None) -> None:
        """A transition of the breaker of ``key`` (pod id, service type); never
        blocks and never raises."""
        report = breaker_state.Report(key[0], key[1], state, failures, error,
                                      models.utcnow(), reporter())
        try:
            self._started().put_nowait(report)
        except queue.Full:
            LOG.warning("Breaker of %s (%s) is %s: not recorded, %d transitions wait "
                        "for the database already", key[0], key[1], state, self._queue_size)
        except RuntimeError as exc:  # no thread could be started
            LOG.warning("Breaker of %s (%s) is %s: not recorded: %s", key[0], key[1],
                        state, exc)

    def _run(self, transitions: queue.Queue) -> None:
        while True:
            report = transitions.get()
            try:
                self._write(report)
            except Exception as exc:  # any database error: the writer must go on
                LOG.warning("Breaker of %s (%s) is %s: not recorded: %s", report.pod_id,
                            report.service_type, report.state, type(exc).__name__)
            finally:
                transitions.task_done()

    def flush(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the queued transitions to be written;
        whether they were."""
        transitions = self._queue
        if transitions is None:
            return True
        with transitions.all_tasks_done:
            return transitions.all_tasks_done.wait_for(
                lambda: transitions.unfinished_tasks == 0, timeout)


RECORDER = Recorder()
