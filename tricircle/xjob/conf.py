"""Options of the [xjob] group, and the messaging defaults of the embedded setup."""

import oslo_messaging
from oslo_config import cfg
from oslo_messaging import transport as messaging_transport

from tricircle.common.config import CONF

xjob_group = cfg.OptGroup("xjob", title="tricircle-xjob options")

xjob_opts = [
    cfg.IntOpt("threads", default=4, min=1,
               help="Jobs one tricircle-xjob process runs at once. To spread the work "
               "over several hosts or processes, start more tricircle-xjob processes: "
               "the database decides which one runs a job."),
    cfg.FloatOpt("poll_interval", default=5.0, min=0.05,
                 help="Seconds between two scans of the database for due jobs. A cast "
                 "from tricircle-api wakes the worker at once; this scan is what finds "
                 "jobs when no cast arrives (fake:// transport, lost messages)."),
    cfg.IntOpt("max_attempts", default=5, min=1,
               help="Attempts a job gets before it is marked FAIL. A job redone "
               "(through the admin API or by failed_job_redo_after) gets this many "
               "attempts again."),
    cfg.FloatOpt("retry_backoff", default=2.0, min=0.0,
                 help="Seconds before the first retry of a failed attempt; the wait "
                 "doubles after every further failed attempt."),
    cfg.FloatOpt("max_backoff", default=300.0, min=0.0,
                 help="Longest wait, in seconds, between two attempts of a job."),
    cfg.IntOpt("job_run_expire", default=180, min=1,
               help="Seconds after which a RUNNING job whose timestamp was not "
               "refreshed is taken as abandoned by a dead worker and queued again. "
               "Live workers refresh the timestamp of their running jobs every "
               "third of this time."),
    cfg.IntOpt("failed_job_redo_after", default=3600, min=0,
               help="Seconds after which a FAIL job is queued again automatically "
               "(the jobs are idempotent, so a redo is always safe); 0 leaves failed "
               "jobs to an operator's redo through the admin API."),
    cfg.FloatOpt("housekeeping_interval", default=60.0, min=0.05,
                 help="Seconds between two runs of the periodic task that requeues "
                 "abandoned RUNNING jobs and old FAIL jobs. It also runs at start."),
    cfg.DictOpt("tunnel_ips", default={},
                help="Tunnel endpoint IP of each region's hosts, as region:IP pairs, "
                "recorded with the shadow agents when a port's binding profile carries "
                "no tunnel_ip. Default: the address of the region's Neutron endpoint."),
]

CONF.register_group(xjob_group)
CONF.register_opts(xjob_opts, group=xjob_group)

# The embedded setup needs no message bus: fake:// is oslo.messaging's
# in-process transport. Set on the option objects themselves (oslo.messaging
# offers no public call for transport_url) so the generated sample shows it too.
cfg.set_defaults(messaging_transport._transport_opts, transport_url="fake://")
oslo_messaging.set_transport_defaults(control_exchange="tricircle")
# Registered here too (oslo.messaging would on first use) so that API and
# tests can read and override transport_url before any transport exists.
CONF.register_opts(messaging_transport._transport_opts)


def list_opts() -> list:
    return xjob_opts
