"""A trunk driver that accepts every trunk on the lab's bind-all ports and does nothing.

Neutron's trunk plugin refuses to start without a loaded driver, and refuses a
trunk on a bound parent port unless a driver handles the port's VIF type and
may trunk bound ports. Nothing carries VLAN-tagged packets in the lab, so a
trunk here is its API objects only.
"""

from neutron.services.trunk.drivers import base
from neutron_lib.api.definitions import portbindings
from neutron_lib.services.trunk import constants as trunk_constants
from oslo_config import cfg

NAME = "lab_bind_all"


class NoopTrunkDriver(base.DriverBase):
    @property
    def is_loaded(self) -> bool:
        return NAME in cfg.CONF.ml2.mechanism_drivers


_driver: NoopTrunkDriver | None = None


def register() -> NoopTrunkDriver:
    """Create the driver once; it registers itself when the trunk plugin starts."""
    global _driver
    if _driver is None:
        _driver = NoopTrunkDriver(NAME, (portbindings.VIF_TYPE_OVS,),
                                  (trunk_constants.SEGMENTATION_TYPE_VLAN,),
                                  can_trunk_bound_port=True)
    return _driver
