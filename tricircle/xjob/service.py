"""The worker: a loop that claims due jobs and runs them on a pool of threads,
a periodic housekeeping task, and the RPC endpoint that wakes the loop.

How a job moves (see tricircle.xjob.jobs for the locking):

    NEW --claim--> RUNNING --handler returns--> async_job_logs (SUCCESS)
                      |
                      +--handler raises--> NEW, due after a back-off
                      |                    (FAIL after max_attempts tries;
                      |                    see tricircle.xjob.retry)
                      +--worker dies-----> NEW again, by housekeeping, once its
                                           timestamp is older than job_run_expire
"""

import concurrent.futures
import os
import socket
import threading
import time

import oslo_messaging
from oslo_config import cfg
from oslo_db import exception as db_exc
from oslo_log import log as logging

from tricircle.common import constants
from tricircle.common.config import CONF
from tricircle.xjob import conf as xjob_conf  # noqa: F401  (registers [xjob])
from tricircle.xjob import jobs, registry, retry, rpcapi

LOG = logging.getLogger(__name__)


class Endpoint:
    """What tricircle-xjob answers over RPC (topic ``tricircle-xjob``)."""

    target = oslo_messaging.Target(version=rpcapi.VERSION)

    def __init__(self, worker: "Worker"):
        self._worker = worker

    def run_job(self, ctxt: dict, job_id: str) -> None:
        """A job was queued or redone: scan now rather than at the next poll."""
        LOG.debug("cast run_job(%s) received", job_id)
        self._worker.wake()


class Worker:
    """One tricircle-xjob process's worth of job running (``threads`` at a time)."""

    def __init__(self, handlers: registry.Registry = registry.HANDLERS,
                 conf: cfg.ConfigOpts = CONF, name: str | None = None, rpc: bool = True):
        self.handlers = handlers
        self.conf = conf
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self._rpc = rpc
        self._server: oslo_messaging.MessageHandlingServer | None = None
        self._executor = concurrent.futures.ThreadPoolExecutor(
            conf.xjob.threads, thread_name_prefix="xjob-job")
        self._running: dict[str, jobs.Claimed] = {}
        self._lock = threading.Lock()
        self._wakeup = threading.Event()
        self._stopping = threading.Event()
        self._loop: threading.Thread | None = None
        self._reported_unhandled: set[str] = set()

    # -- life cycle --------------------------------------------------------

    def start(self) -> None:
        types = ", ".join(self.handlers.types()) or "none"
        LOG.info("xjob worker %s starting: %d threads, handles %s", self.name,
                 self.conf.xjob.threads, types)
        if self._rpc:
            self._start_rpc()
        self._loop = threading.Thread(target=self._run_loop, name="xjob-loop", daemon=True)
        self._loop.start()
        LOG.info("xjob worker %s ready", self.name)

    def stop(self) -> None:
        """Stop taking jobs, let the running ones finish, then return."""
        LOG.info("xjob worker %s stopping", self.name)
        self._stopping.set()
        self._wakeup.set()
        if self._server is not None:
            self._server.stop()
            self._server.wait()
            self._server = None
            rpcapi.local_servers -= 1
        if self._loop is not None:
            self._loop.join()
        self._executor.shutdown(wait=True)
        LOG.info("xjob worker %s stopped", self.name)

    def wake(self) -> None:
        self._wakeup.set()

    def _start_rpc(self) -> None:
        target = oslo_messaging.Target(topic=rpcapi.TOPIC, server=self.name)
        self._server = oslo_messaging.get_rpc_server(
            rpcapi.get_transport(), target, [Endpoint(self)], executor="threading")
        self._server.start()
        rpcapi.local_servers += 1

    # -- the loop ----------------------------------------------------------

    def _run_loop(self) -> None:
        now = time.monotonic()
        next_housekeeping = next_heartbeat = now
        while not self._stopping.is_set():
            self._wakeup.clear()  # before the work: a wake-up during it is kept
            now = time.monotonic()
            try:
                if now >= next_heartbeat:
                    self._heartbeat()
                    next_heartbeat = now + self.conf.xjob.job_run_expire / 3
                if now >= next_housekeeping:
                    self.housekeeping()
                    next_housekeeping = now + self.conf.xjob.housekeeping_interval
                next_due = self._fill_and_look_ahead()
            except (db_exc.DBError, *jobs.BUSY_ERRORS):
                LOG.exception("database error in the xjob loop; trying again later")
                next_due = None
            wait = min(self.conf.xjob.poll_interval, next_heartbeat - now,
                       next_housekeeping - now, next_due if next_due is not None else 1e9)
            self._wakeup.wait(max(wait, 0.01))

    def _fill_and_look_ahead(self) -> float | None:
        """Start what is due; if threads stay free, the seconds until the next job
        waiting out its back-off is due, so the retry is not late by a poll."""
        self.fill()
        if len(self._running) >= self.conf.xjob.threads:
            return None
        return jobs.seconds_to_next_due(self.handlers.types())

    def fill(self) -> int:
        """Claim due jobs while threads are free; returns how many were started."""
        free = self.conf.xjob.threads - len(self._running)
        if free <= 0 or self._stopping.is_set():
            return 0
        # One transaction claims them all; jobs other workers are claiming
        # meanwhile are skipped rather than fought over (see jobs.claim_due).
        claimed_now = jobs.claim_due(self.handlers.types(), free)
        for claimed in claimed_now:
            with self._lock:
                self._running[claimed.job.id] = claimed
            self._executor.submit(self._run_job, claimed)
        return len(claimed_now)

    def _heartbeat(self) -> None:
        with self._lock:
            runs = list(self._running.values())
        if runs:
            jobs.heartbeat(runs)

    def housekeeping(self) -> None:
        """Requeue abandoned RUNNING jobs and old FAIL jobs; report unhandled types."""
        for job_id in jobs.requeue_abandoned(self.conf.xjob.job_run_expire):
            LOG.warning("job %s was RUNNING with no sign of life for %ss (its worker "
                        "died?): queued again", job_id, self.conf.xjob.job_run_expire)
        if self.conf.xjob.failed_job_redo_after:
            for job_id in jobs.redo_failed(self.conf.xjob.failed_job_redo_after):
                LOG.info("failed job %s queued again (failed_job_redo_after)", job_id)
        self._report_unhandled()

    def _report_unhandled(self) -> None:
        for job_id, job_type in jobs.unhandled(self.handlers.types()):
            if job_id not in self._reported_unhandled:
                self._reported_unhandled.add(job_id)
                LOG.warning("job %s of type %s stays NEW: this worker has no handler for "
                            "%s (it comes with the networking plugins)", job_id,
                            job_type, job_type)

    # -- one job -----------------------------------------------------------

    def _run_job(self, claimed: jobs.Claimed) -> None:
        try:
            self._run_handler(claimed)
        except (db_exc.DBError, *jobs.BUSY_ERRORS):
            # The outcome could not be recorded: the job stays RUNNING until
            # job_run_expire, then runs again (handlers are idempotent).
            LOG.exception("could not record the outcome of job %s", claimed.job.id)
        except Exception:  # a bug must show in the log, not vanish in the future
            LOG.exception("unexpected error running job %s", claimed.job.id)
        finally:
            with self._lock:
                self._running.pop(claimed.job.id, None)
            self._wakeup.set()

    def _run_handler(self, claimed: jobs.Claimed) -> None:
        job = claimed.job
        handler = self.handlers.get(job.type)
        LOG.debug("job %s (%s %s) attempt %d starts", job.id, job.type, job.resource,
                  claimed.attempts)
        try:
            handler(job)
        except Exception as exc:  # any failure of the work is recorded and retried
            self._record_failure(claimed, f"{type(exc).__name__}: {exc}")
            return
        if jobs.succeed(claimed):
            LOG.info("job %s (%s %s) succeeded", job.id, job.type, job.resource)
        else:
            LOG.warning("job %s finished after it was requeued as abandoned; the "
                        "next run will find the work done", job.id)

    def _record_failure(self, claimed: jobs.Claimed, error: str) -> None:
        attempts = claimed.attempts
        # Asked at each failure rather than fixed at start: the options may change.
        retry_in = retry.RetryPolicy.from_conf(self.conf).retry_in(attempts)
        status = jobs.fail(claimed, error, retry_in)
        if status == constants.JOB_FAIL:
            LOG.error("job %s (%s) FAILED after attempt %d: %s", claimed.job.id,
                      claimed.job.type, attempts, error)
        else:
            LOG.warning("job %s (%s) attempt %d failed (%s); retry in %ss: %s",
                        claimed.job.id, claimed.job.type, attempts, status, retry_in, error)
