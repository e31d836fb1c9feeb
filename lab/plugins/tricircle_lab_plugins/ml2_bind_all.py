"""An ML2 mechanism driver that binds every port, on any host, at once.

The lab has no Open vSwitch or OVN agents, and every driver Neutron ships needs
one of them to bind a port; Nova refuses to boot on an unbound port. This
driver claims the first segment offered and reports the port ACTIVE, which is
all the control plane needs. No packet ever flows.

It also brings the QoS and trunk drivers of its ports (qos_driver,
trunk_driver), as Neutron's own mechanism drivers do.
"""

from neutron_lib import constants
from neutron_lib.api.definitions import portbindings
from neutron_lib.plugins.ml2 import api

from tricircle_lab_plugins import qos_driver, trunk_driver


class BindAllMechanismDriver(api.MechanismDriver):
    def initialize(self) -> None:
        # Made before the service plugins start: they collect drivers on AFTER_INIT.
        qos_driver.register()
        trunk_driver.register()

    @property
    def connectivity(self) -> str:
        return portbindings.CONNECTIVITY_L2

    def bind_port(self, context) -> None:
        if not context.segments_to_bind:
            return
        segment = context.segments_to_bind[0]
        vif_details = {portbindings.CAP_PORT_FILTER: True,
                       portbindings.OVS_HYBRID_PLUG: False}
        context.set_binding(segment[api.ID], portbindings.VIF_TYPE_OVS, vif_details,
                            status=constants.PORT_STATUS_ACTIVE)
