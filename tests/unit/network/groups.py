"""Central security groups and rules the security-group tests share."""

WEB, DB, C_DEFAULT, R_DEFAULT = "sg-web", "sg-db", "sg-central-default", "sg-region-default"
SSH = {"id": "r-1", "direction": "ingress", "ethertype": "IPv4", "protocol": "tcp",
       "port_range_min": 22, "port_range_max": 22, "remote_ip_prefix": "0.0.0.0/0",
       "remote_group_id": None, "security_group_id": WEB, "description": "ssh"}
EGRESS = {"id": "r-2", "direction": "egress", "ethertype": "IPv4", "protocol": None,
          "port_range_min": None, "port_range_max": None, "remote_ip_prefix": None,
          "remote_group_id": None, "security_group_id": WEB}
FROM_DEFAULT = dict(SSH, id="r-3", remote_ip_prefix=None, remote_group_id=C_DEFAULT)
FROM_DB = dict(SSH, id="r-4", remote_ip_prefix=None, remote_group_id=DB)
CENTRAL_WEB = {"id": WEB, "name": "web", "description": "", "project_id": "p1",
               "stateful": True, "security_group_rules": [SSH, EGRESS, FROM_DEFAULT, FROM_DB]}
CENTRAL_DB = {"id": DB, "name": "db", "description": "", "project_id": "p1",
              "security_group_rules": [dict(SSH, id="r-5", security_group_id=DB,
                                            remote_group_id=WEB, remote_ip_prefix=None)]}
CENTRAL_DEFAULT = {"id": C_DEFAULT, "name": "default", "project_id": "p1"}
CENTRAL = {WEB: CENTRAL_WEB, DB: CENTRAL_DB, C_DEFAULT: CENTRAL_DEFAULT}
