"""A central network, subnet and port, and the zones the network tests share."""

NET, SUBNET, PORT = "net-1", "subnet-1", "port-1"
ZONES = {"RegionOne": {"RegionOne"}, "RegionTwo": {"RegionTwo"}, "RegionThree": {"RegionThree"},
         "az1": {"RegionOne"}, "az23": {"RegionTwo", "RegionThree"}}
CENTRAL_NET = {"id": NET, "name": "net1", "project_id": "p1", "admin_state_up": True,
               "shared": False, "availability_zone_hints": [],
               "provider:network_type": "vxlan", "provider:physical_network": None,
               "provider:segmentation_id": 5001}
CENTRAL_SUBNET = {"id": SUBNET, "network_id": NET, "cidr": "10.0.0.0/24", "ip_version": 4,
                  "gateway_ip": "10.0.0.1", "project_id": "p1", "enable_dhcp": True,
                  "allocation_pools": [{"start": "10.0.0.2", "end": "10.0.0.254"}],
                  "subnetpool_id": None}
CENTRAL_PORT = {"id": PORT, "network_id": NET, "project_id": "p1",
                "mac_address": "fa:16:3e:00:00:01", "device_owner": "", "device_id": "",
                "fixed_ips": [{"subnet_id": SUBNET, "ip_address": "10.0.0.7"}],
                "binding:profile": {"region": "RegionOne", "origin": "local"}}
