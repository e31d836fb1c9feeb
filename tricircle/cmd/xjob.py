"""tricircle-xjob: run the cross-region jobs queued in the database."""

import signal
import sys
import threading

from tricircle.common import config
from tricircle.xjob import handlers, service


def main() -> None:
    config.parse_args(sys.argv)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    worker = service.Worker(handlers.HANDLERS)
    worker.start()
    while not stop.wait(1.0):
        pass
    worker.stop()  # lets running jobs finish; queued ones wait for the next start
