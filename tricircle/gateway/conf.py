"""Options of the [gateway] group: region time-outs, the circuit breaker, defaults.

TLS of the calls to the regions is configured once for every call Tricircle
makes: [client] cafile, insecure, certfile and keyfile (tricircle.gateway.proxy).
"""

from oslo_config import cfg

from tricircle.common.config import CONF

gateway_group = cfg.OptGroup(
    "gateway", title="compute and volume gateway options",
    help="The gateway's calls to the regions' Nova and Cinder verify TLS with the "
    "[client] options cafile, insecure, certfile and keyfile.")

gateway_opts = [
    cfg.StrOpt("default_region",
               help="Region (pods.region_name) that serves flavors, limits, keypairs, "
               "volume types and every path the gateway has no rule for, and that takes "
               "creates without an availability zone from projects without a binding. "
               "Unset: the first region pod by name."),
    cfg.URIOpt("public_url",
               help="Base URL clients reach tricircle-api at (e.g. "
               "https://cloud.example.com:19999), used in rewritten links. Unset: the "
               "URL of each request."),
    cfg.FloatOpt("connect_timeout", default=3.0, min=0.05,
                 help="Seconds to wait for a region's Nova or Cinder to accept a "
                 "connection."),
    cfg.FloatOpt("read_timeout", default=60.0, min=0.05,
                 help="Seconds to wait for a region to answer a routed call."),
    cfg.FloatOpt("list_timeout", default=20.0, min=0.05,
                 help="Seconds to wait for each region in a list fan-out; a region "
                 "slower than this is left out of the answer (X-Tricircle-Partial)."),
    cfg.IntOpt("failure_threshold", default=3, min=1,
               help="Consecutive connection failures or time-outs after which a region "
               "is considered down and calls to it fail at once (circuit breaker)."),
    cfg.FloatOpt("retry_after", default=15.0, min=0.0,
                 help="Seconds a down region is left alone before one call tries it "
                 "again."),
    cfg.IntOpt("fanout_workers", default=32, min=1,
               help="Threads per process that talk to regions concurrently (list "
               "fan-out, lookup of unknown ids, version discovery)."),
    cfg.IntOpt("pool_connections", default=128, min=1,
               help="Region endpoints (host and port) whose keep-alive connection pools "
               "are kept; beyond that the least recently used pool is dropped and its "
               "next call connects anew. Keep it at least the number of regions times "
               "their services."),
    cfg.BoolOpt("central_quota", default=False,
                help="Enforce the Keystone unified limits of CentralRegion (read with "
                "oslo.limit, see [oslo_limit]) before forwarding a create, against usage "
                "counted across every region; /limits and os-quota-sets then report them. "
                "Off: only each region's own quota applies."),
    cfg.ListOpt("compute_limit_service_types", default=["compute"],
                help="Catalog types tried in order for the service (and its endpoint in "
                "[oslo_limit]/endpoint_region_name) the compute limits are registered "
                "on: servers, class:VCPU, class:MEMORY_MB."),
    cfg.ListOpt("volume_limit_service_types", default=["block-storage", "volumev3"],
                help="Catalog types tried in order for the service the volume limits "
                "are registered on: volumes, gigabytes, snapshots."),
    cfg.IntOpt("endpoint_cache_seconds", default=30, min=0,
               help="Seconds the pod and endpoint table is kept in memory before it is "
               "read from the database again."),
    cfg.IntOpt("max_calls_per_region", default=8, min=1,
               help="Calls per process that may be in flight to one region's Nova (or "
               "Cinder) at once; one more is refused at once with 503 'region ... is "
               "busy', so a hanging region cannot hold every thread of tricircle-api. "
               "Keep it below [api]/threads divided by the services a region has."),
    cfg.FloatOpt("slot_wait", default=2.0, min=0.0,
                 help="Seconds a call waits for one of max_calls_per_region's slots "
                 "before it is refused as busy: long enough to ride out a burst to a slow "
                 "region, short enough that callers of a hanging one give their threads "
                 "back soon."),
    cfg.FloatOpt("call_deadline", default=90.0, min=0.1,
                 help="Seconds a routed call to a region may take in all (connecting, "
                 "waiting, reading the answer); a region still answering then is cut "
                 "off and the call answered with 503. Each call of a list fan-out has "
                 "list_timeout as its deadline."),
    cfg.IntOpt("fanout_queue_size", default=256, min=0,
               help="Region calls of fan-outs that may wait for a free fan-out thread "
               "(fanout_workers); a region's part of a fan-out beyond that is refused "
               "at once (the list is partial)."),
    cfg.IntOpt("version_cache_seconds", default=60, min=0,
               help="Seconds the regions' version documents (GET /compute/, "
               "/compute/v2.1, /volume/, /volume/v3, answered without a token) are "
               "kept; the gateway asks the regions for them at most once per period."),
]

CONF.register_group(gateway_group)
CONF.register_opts(gateway_opts, group=gateway_group)

# Central quota's lease per project (tricircle.gateway.quota, objects.quota_lock).
quota_lease_opts = [
    cfg.FloatOpt("quota_lease_seconds", default=180.0, min=1.0,
                 help="Seconds a create holds its project's central quota lease at most "
                 "(from the quota check until the region counts what it made); a lease "
                 "left by a process that died is free after this. Keep it above "
                 "read_timeout plus quota_settle_timeout."),
    cfg.FloatOpt("quota_lease_wait", default=60.0, min=0.0,
                 help="Seconds a create waits for its project's central quota lease "
                 "while other creates of the project are checked; then it is refused "
                 "with 503."),
    cfg.FloatOpt("quota_settle_timeout", default=10.0, min=0.0,
                 help="Seconds a create keeps its project's central quota lease after "
                 "the region accepted it, until the region's usage count shows it (Nova "
                 "counts a server once its cell has it, shortly after answering); the "
                 "next create of the project is checked after that."),
]
CONF.register_opts(quota_lease_opts, group=gateway_group)
gateway_opts.extend(quota_lease_opts)  # the sample generator lists gateway_opts

# The routing cache of the gateway (tricircle.gateway.store).
routing_cache_opts = [
    cfg.IntOpt("routing_cache_seconds", default=5, min=0,
               help="Seconds a routing the gateway looked up is kept in memory. A routing "
               "an admin changes or deletes (PUT or DELETE /v1.0/routings/{id}) is "
               "followed at once by the tricircle-api process that served that request "
               "and after at most this many seconds by every other process. 0: no "
               "cache, one query per routed call."),
]
CONF.register_opts(routing_cache_opts, group=gateway_group)
gateway_opts.extend(routing_cache_opts)  # the sample generator lists gateway_opts

# Central quota's cache of Keystone's unified limits (tricircle.gateway.unified_limits).
limits_cache_opts = [
    cfg.IntOpt("limits_cache_seconds", default=0, min=0,
               help="Seconds each tricircle-api process keeps the unified limits it read "
               "from Keystone (the registered limits of a service, the limits of a "
               "project) before reading them again. A limit changed in Keystone applies "
               "to creates after at most this many seconds: until then a process may "
               "admit creates up to the old limit. The vCPUs and RAM of the flavor a "
               "server create names are kept as long, per region and project: a flavor "
               "deleted and made again under the same id with a larger size is counted "
               "at its old size for at most this long (Nova cannot change a flavor's "
               "size otherwise). A value in the second half of this period is read "
               "again in the background, so a process that creates at least once per "
               "half period does not wait for these reads. Usage is counted in the "
               "regions for every create unless usage_cache_seconds says otherwise. "
               "0: read on every create."),
    cfg.IntOpt("usage_cache_seconds", default=0, min=0,
               help="Seconds a project's usage, counted in every region for one of its "
               "creates, may stand in for that count in its next creates served by the "
               "same tricircle-api process. Only while no create of the project ran in "
               "another process in between (the quota lease's generation tells), and "
               "with the region of each create counted again before the next one, so "
               "creates through the gateway are never missed. What is created in a "
               "region directly, behind the gateway, is seen after at most this long. "
               "0: count in every region for every create."),
]
CONF.register_opts(limits_cache_opts, group=gateway_group)
gateway_opts.extend(limits_cache_opts)  # the sample generator lists gateway_opts

# Server placement by the networks of a create (tricircle.gateway.placement).
placement_opts = [
    cfg.BoolOpt("place_by_network_hints", default=False,
                help="Place a new server by the availability_zone_hints of the networks "
                "its body names, read from central Neutron (the network endpoint of "
                "[tricircle]/central_region_name) with the [client] account. Turn it on "
                "where central Neutron runs with Tricircle's plugin; when central Neutron "
                "cannot be read, the hints are not used and the create goes on."),
]
CONF.register_opts(placement_opts, group=gateway_group)
gateway_opts.extend(placement_opts)  # the sample generator lists gateway_opts
