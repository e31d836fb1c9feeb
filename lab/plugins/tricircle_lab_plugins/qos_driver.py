"""The QoS driver of the lab's bind-all ports: which rules Neutron accepts on them.

Neutron's QoS plugin refuses a rule on a bound port unless a registered QoS
driver supports the port's VIF type and the rule. The bind-all driver binds
every port with VIF type ``ovs``, and nothing enforces a rule in the lab, so
this driver accepts the rule types the Open vSwitch backend offers, with the
same parameter ranges, and does nothing with them.
"""

from neutron_lib import constants
from neutron_lib.api.definitions import portbindings
from neutron_lib.db import constants as db_constants
from neutron_lib.services.qos import base
from neutron_lib.services.qos import constants as qos_constants

_ANY_KBPS = {"type:range": [0, db_constants.DB_INTEGER_MAX_VALUE]}
_DIRECTION = {"type:values": constants.VALID_DIRECTIONS}

SUPPORTED_RULES = {
    qos_constants.RULE_TYPE_BANDWIDTH_LIMIT: {
        qos_constants.MAX_KBPS: _ANY_KBPS,
        qos_constants.MAX_BURST: _ANY_KBPS,
        qos_constants.DIRECTION: _DIRECTION,
    },
    qos_constants.RULE_TYPE_DSCP_MARKING: {
        qos_constants.DSCP_MARK: {"type:values": constants.VALID_DSCP_MARKS},
    },
    qos_constants.RULE_TYPE_MINIMUM_BANDWIDTH: {
        qos_constants.MIN_KBPS: _ANY_KBPS,
        qos_constants.DIRECTION: _DIRECTION,
    },
}

_driver: base.DriverBase | None = None


def register() -> base.DriverBase:
    """Create the driver once; it registers itself when the QoS plugin starts."""
    global _driver
    if _driver is None:
        _driver = base.DriverBase(
            name="lab_bind_all", vif_types=[portbindings.VIF_TYPE_OVS],
            vnic_types=[portbindings.VNIC_NORMAL], supported_rules=SUPPORTED_RULES)
    return _driver
