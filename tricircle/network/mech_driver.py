"""Central Neutron's ML2 mechanism driver: a port's binding is the one its region made.

Central Neutron programs no backend: a VM's port is bound in the VM's region,
by that region's mechanism drivers (Open vSwitch, OVN, ...). Binding it again
centrally with a backend's own driver would fail there (no agent of that host
reports to central) or program the wrong backend. So central's
``mechanism_drivers`` is ``tricircle`` alone, and this driver binds a top port
with exactly the binding its region reported (tricircle.network.region_binding):
the region's VIF type, whatever it is, and its VIF details (but for
``bound_drivers``, which ML2 fills with the drivers that bound it centrally:
``tricircle``), on the host the region bound it for, status ACTIVE.
``openstack port show`` at central then shows what the region made.

A port no region has bound yet has no host, and ML2 never asks to bind it.
One given a host without a report (a host set centrally by hand, or a report
for another host) is not bound: ML2 then records ``binding_failed``, as for
any host no driver can serve.

It also brings central's QoS and trunk drivers (tricircle.network.qos_driver,
trunk_driver): they accept what its ports carry, since the regions enforce it.
"""

from neutron_lib import constants
from neutron_lib.api.definitions import portbindings
from neutron_lib.plugins.ml2 import api
from oslo_log import log as logging

from tricircle.network import qos_driver, region_binding, trunk_driver

LOG = logging.getLogger(__name__)


class TricircleMechanismDriver(api.MechanismDriver):
    """Records each port's binding as its region reported it; programs nothing."""

    def initialize(self) -> None:
        # Before the service plugins start: they collect their drivers on AFTER_INIT.
        qos_driver.register()
        trunk_driver.register()

    @property
    def connectivity(self) -> str:
        # The region binds ports without IPs too (L2 only): so may central.
        return portbindings.CONNECTIVITY_L2

    def bind_port(self, context) -> None:
        port = context.current
        binding = region_binding.reported(port.get(region_binding.PROFILE), context.host)
        if binding is None:
            LOG.debug("Port %s: no region reported a binding on host %s; left unbound",
                      port["id"], context.host)
            return
        if not context.segments_to_bind:
            LOG.warning("Port %s: its network has no segment to record %s's binding on",
                        port["id"], context.host)
            return
        vif_type, vif_details = binding
        # ML2 names the drivers that bound a port in its details itself: here,
        # this one (the region's names stay in the profile's report).
        vif_details.pop(portbindings.VIF_DETAILS_BOUND_DRIVERS, None)
        # The region's copy of the network has central's segment (same type and
        # id), so the first one is the segment the region bound too.
        segment = context.segments_to_bind[0]
        context.set_binding(segment[api.ID], vif_type, vif_details,
                            status=constants.PORT_STATUS_ACTIVE)
