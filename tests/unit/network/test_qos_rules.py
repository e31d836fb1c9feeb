"""The pure rules of QoS policies across regions (tricircle.network.qos_rules)."""

from tricircle.network import qos_rules

LIMIT = {"id": "r1", "type": "bandwidth_limit", "max_kbps": 1000, "max_burst_kbps": 100,
         "direction": "egress"}
DSCP = {"id": "r2", "type": "dscp_marking", "dscp_mark": 26}


def test_rules_equal_by_content_need_nothing_whatever_their_ids():
    held = [dict(LIMIT, id="b1", qos_policy_id="bottom"), dict(DSCP, id="b2")]
    assert qos_rules.diff_rules([LIMIT, DSCP], held) == ([], [], [])


def test_a_changed_rule_is_updated_in_place_on_the_bottom_rule():
    changed = dict(LIMIT, max_kbps=2000)
    create, update, delete = qos_rules.diff_rules([changed, DSCP],
                                                  [dict(LIMIT, id="b1"), dict(DSCP, id="b2")])
    assert (create, delete) == ([], [])
    assert update == [("b1", changed)]


def test_missing_rules_are_created_and_extra_ones_deleted():
    ingress = dict(LIMIT, id="r3", direction="ingress")
    create, update, delete = qos_rules.diff_rules([LIMIT, ingress], [dict(DSCP, id="b2"),
                                                                     dict(LIMIT, id="b1")])
    assert create == [ingress] and update == []
    assert [rule["id"] for rule in delete] == ["b2"]


def test_a_rule_body_holds_its_content_only():
    assert qos_rules.rule_body(LIMIT) == {"max_kbps": 1000, "max_burst_kbps": 100,
                                          "direction": "egress"}
    assert qos_rules.rule_body({"type": "minimum_bandwidth", "min_kbps": 10,
                                "direction": None}) == {"min_kbps": 10}


def test_a_policy_body_and_its_changes_leave_the_id_and_rules_out():
    top = {"id": "p", "name": "gold", "description": "", "shared": False,
           "project_id": "demo", "rules": [LIMIT]}
    assert qos_rules.policy_body(top) == {"name": "gold", "description": "",
                                          "shared": False, "project_id": "demo"}
    assert qos_rules.policy_changes(dict(top, name="silver"), top) == {"name": "silver"}


def test_a_port_concerns_its_old_and_new_policies_and_its_network_policy_when_bound():
    before = {"qos_policy_id": "a", "binding:host_id": ""}
    assert qos_rules.changed_policies(before, dict(before, qos_policy_id="b")) == {"a", "b"}
    assert qos_rules.changed_policies(before, dict(before, qos_policy_id=None)) == {"a"}
    unbound = {"qos_network_policy_id": "n", "binding:host_id": ""}
    assert qos_rules.changed_policies(unbound, dict(unbound, **{"binding:host_id": "h"})) \
        == {"n"}
    assert qos_rules.changed_policies(unbound, dict(unbound, name="x")) == set()
    assert qos_rules.changed_policies(before, None) == {"a"}


def test_unknown_rule_types_are_named():
    assert qos_rules.unknown_types([LIMIT, {"type": "future_rule"}]) == ["future_rule"]
