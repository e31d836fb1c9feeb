"""The RPC interface of tricircle-xjob: callers cast ``run_job`` after queueing.

The cast only makes the worker look at the job table now instead of at its
next scan; the job itself is in the database already. So a lost cast delays a
job by at most ``[xjob] poll_interval`` and never loses it.

With the embedded default ``transport_url = fake://``, messages only travel
inside one process: a cast is then sent only when a worker serves in this same
process (tests, embedded runs) and is otherwise skipped, because the fake
transport would keep every undelivered message in memory.
"""

import threading

import oslo_messaging
from oslo_log import log as logging

from tricircle.common.config import CONF
from tricircle.xjob import conf  # noqa: F401  (registers the messaging defaults)

LOG = logging.getLogger(__name__)

TOPIC = "tricircle-xjob"
VERSION = "1.0"

_lock = threading.Lock()
_transport: oslo_messaging.Transport | None = None
_client: oslo_messaging.RPCClient | None = None
# How many workers serve RPC in this process (see the module docstring).
local_servers = 0


def get_transport() -> oslo_messaging.Transport:
    """The process's one RPC transport, made from [DEFAULT] transport_url."""
    global _transport
    with _lock:
        if _transport is None:
            _transport = oslo_messaging.get_rpc_transport(CONF)
        return _transport


def reset() -> None:
    """Forget the transport (tests switch between fake:// and RabbitMQ)."""
    global _transport, _client
    with _lock:
        if _transport is not None:
            _transport.cleanup()
        _transport = _client = None


def _get_client() -> oslo_messaging.RPCClient:
    global _client
    transport = get_transport()
    with _lock:
        if _client is None:
            target = oslo_messaging.Target(topic=TOPIC, version=VERSION)
            # retry=1: a caller must not hang on a broker that is down; the
            # periodic scan finds the job anyway.
            _client = oslo_messaging.get_rpc_client(transport, target, retry=1)
        return _client


def run_job(job_id: str) -> bool:
    """Cast ``run_job(job_id)`` to the workers; True if a message was sent."""
    if CONF.transport_url.startswith("fake:") and not local_servers:
        LOG.debug("no worker in this process for fake://; job %s waits for a scan", job_id)
        return False
    _get_client().cast({}, "run_job", job_id=job_id)
    return True
