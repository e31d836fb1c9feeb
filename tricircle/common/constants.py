"""Names shared by the API, the gateway and the networking half."""

# Resource types a routing may record.
RESOURCE_TYPES = (
    # networking (central Neutron and its regions)
    "network", "subnet", "port", "router", "security_group", "trunk", "port_pair",
    "port_pair_group", "flow_classifier", "port_chain", "qos_policy", "floatingip",
    # compute and block storage (gateway)
    "server", "volume", "snapshot", "backup", "keypair", "server_group",
    "group", "group_snapshot", "transfer", "attachment", "message",
)

# Job types and, in order, the resource fields each one needs. The order is
# part of the stored key (async_jobs.resource_id joins the values with '#').
JOB_TYPES: dict[str, tuple[str, ...]] = {
    "router_setup": ("pod_id", "router_id", "network_id"),
    "configure_route": ("router_id",),
    "port_delete": ("pod_id", "port_id"),
    "seg_rule_setup": ("project_id",),
    "update_network": ("pod_id", "network_id"),
    "subnet_update": ("pod_id", "subnet_id"),
    "shadow_port_setup": ("pod_id", "network_id"),
    # A central trunk rebuilt in its parent port's region (tricircle.xjob.trunks).
    "trunk_sync": ("trunk_id",),
    # A central port chain rebuilt where its port pairs' ports live (tricircle.xjob.sfc).
    "sfc_sync": ("port_chain_id",),
    "resource_recycle": ("project_id",),
    "bottom_delete": ("resource_type", "top_id"),
    "port_update": ("port_id",),
    # A central QoS policy reconciled in every region using it (tricircle.xjob.qos).
    "qos_sync": ("policy_id",),
    # A global resource of the gateway (volume_type, group_type, qos_spec,
    # default_type) made alike, by name, in every region (tricircle.xjob.global_sync).
    "global_sync": ("resource_type", "name"),
}

# device_owner of a shadow port: a region's stand-in for a VM port bound in
# another region (tricircle.xjob.shadow), which the local plugin keeps local.
DEVICE_OWNER_SHADOW = "compute:shadow"

JOB_NEW = "NEW"
JOB_RUNNING = "RUNNING"
JOB_SUCCESS = "SUCCESS"
JOB_FAIL = "FAIL"
JOB_STATUSES = (JOB_NEW, JOB_RUNNING, JOB_SUCCESS, JOB_FAIL)
