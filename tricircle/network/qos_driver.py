"""Central Neutron's QoS driver: accepts the rules, leaves enforcing them to the regions.

Neutron's QoS plugin refuses a rule on a bound port unless a registered QoS
driver takes the port's VIF type and VNIC type. Central's ports carry the
binding their region made (tricircle.network.mech_driver), so any VIF type
may show up here; the region's own QoS driver is what enforces the rule, and
xjob's ``qos_sync`` takes the policy there (tricircle.xjob.qos). So this
driver takes every VIF and VNIC type and does nothing with a policy.

It offers the rule types that both Open vSwitch and OVN enforce (bandwidth
limit, DSCP marking, minimum bandwidth) over the whole range Neutron's API
accepts: a region whose backend cannot take a rule says so in the job.
"""

from neutron_lib import constants
from neutron_lib.db import constants as db_constants
from neutron_lib.services.qos import base
from neutron_lib.services.qos import constants as qos_constants
from oslo_config import cfg

NAME = "tricircle"

_KBPS = {"type:range": [0, db_constants.DB_INTEGER_MAX_VALUE]}
_DIRECTION = {"type:values": list(constants.VALID_DIRECTIONS)}

SUPPORTED_RULES = {
    qos_constants.RULE_TYPE_BANDWIDTH_LIMIT: {
        qos_constants.MAX_KBPS: _KBPS,
        qos_constants.MAX_BURST: _KBPS,
        qos_constants.DIRECTION: _DIRECTION,
    },
    qos_constants.RULE_TYPE_DSCP_MARKING: {
        qos_constants.DSCP_MARK: {"type:values": list(constants.VALID_DSCP_MARKS)},
    },
    qos_constants.RULE_TYPE_MINIMUM_BANDWIDTH: {
        qos_constants.MIN_KBPS: _KBPS,
        qos_constants.DIRECTION: _DIRECTION,
    },
}


class TricircleQosDriver(base.DriverBase):
    """Every port's binding is its region's: the region's driver judges and enforces."""

    def __init__(self) -> None:
        super().__init__(name=NAME, vif_types=[], vnic_types=[],
                         supported_rules=SUPPORTED_RULES)

    @property
    def is_loaded(self) -> bool:
        return NAME in cfg.CONF.ml2.mechanism_drivers

    def is_vif_type_compatible(self, vif_type: str) -> bool:
        return True

    def is_vnic_compatible(self, vnic_type: str) -> bool:
        return True


_driver: TricircleQosDriver | None = None


def register() -> TricircleQosDriver:
    """Create the driver once; it registers itself when the QoS plugin starts."""
    global _driver
    if _driver is None:
        _driver = TricircleQosDriver()
    return _driver
