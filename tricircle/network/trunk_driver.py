"""Central Neutron's trunk driver: accepts trunks, leaves wiring them to the regions.

Neutron's trunk plugin does not start without a loaded driver, and refuses a
trunk on a bound parent port unless a driver takes the port's VIF type and
may trunk bound ports. Central's ports carry the binding their region made
(tricircle.network.mech_driver), so any VIF type may show up here; the
region's trunk driver wires the VLANs, and xjob's ``trunk_sync`` takes the
trunk there (tricircle.xjob.trunks). So this driver takes every VIF type,
allows bound parents (a trunk added to a running VM) and does nothing.

Subports are VLAN-tagged: the segmentation type that both Open vSwitch and
OVN trunk.
"""

from neutron.services.trunk.drivers import base
from neutron_lib.services.trunk import constants as trunk_constants
from oslo_config import cfg

NAME = "tricircle"


class TricircleTrunkDriver(base.DriverBase):
    """Agentless: nothing in central Neutron carries a packet."""

    def __init__(self) -> None:
        super().__init__(NAME, (), (trunk_constants.SEGMENTATION_TYPE_VLAN,),
                         can_trunk_bound_port=True)

    @property
    def is_loaded(self) -> bool:
        return NAME in cfg.CONF.ml2.mechanism_drivers

    def is_interface_compatible(self, interface: str) -> bool:
        return True


_driver: TricircleTrunkDriver | None = None


def register() -> TricircleTrunkDriver:
    """Create the driver once; it registers itself when the trunk plugin starts."""
    global _driver
    if _driver is None:
        _driver = TricircleTrunkDriver()
    return _driver
