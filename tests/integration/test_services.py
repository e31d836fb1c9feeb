"""QoS, trunks and service function chains across regions (#13), proven in the lab.

Each check asks the Neutron concerned (central, RegionOne, RegionTwo) through
its own API.
"""

import pytest

from tricircle.lab.layout import CENTRAL_REGION, REGIONS

ALL_NEUTRONS = [CENTRAL_REGION] + [region.name for region in REGIONS]
EXTENSIONS = ("qos", "qos-bw-limit-direction", "trunk", "sfc", "flow_classifier")


@pytest.mark.parametrize("region_name", ALL_NEUTRONS)
def test_every_neutron_offers_qos_trunks_and_sfc(lab, region_name):
    network = lab.sdk("admin", region_name).network
    aliases = {extension.alias for extension in network.extensions()}
    assert set(EXTENSIONS) <= aliases, f"{region_name} lacks {set(EXTENSIONS) - aliases}"
    # The lab's bind-all ports take the rules a VM's port needs.
    rule_types = {rule_type.type for rule_type in network.qos_rule_types()}
    assert {"bandwidth_limit", "dscp_marking", "minimum_bandwidth"} <= rule_types
