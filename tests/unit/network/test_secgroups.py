"""The pure rules of security groups across regions (tricircle.network.secgroups)."""

from tests.unit.network.groups import (
    C_DEFAULT,
    CENTRAL_DB,
    CENTRAL_DEFAULT,
    CENTRAL_WEB,
    DB,
    EGRESS,
    FROM_DEFAULT,
    R_DEFAULT,
    SSH,
    WEB,
)
from tricircle.network import secgroups


def test_rules_compare_by_content_not_by_id():
    local = dict(SSH, id="another-id", protocol="TCP", description="")
    assert secgroups.diff_rules([SSH, EGRESS], [local, dict(EGRESS, id="x")]) == ([], [])


def test_diff_names_missing_and_extra_rules():
    stale = dict(SSH, id="old", port_range_min=80, port_range_max=80)
    missing, extra = secgroups.diff_rules([SSH, EGRESS], [EGRESS, stale])
    assert [r["id"] for r in missing] == ["r-1"] and [r["id"] for r in extra] == ["old"]


def test_a_remote_group_compares_through_the_map():
    local = dict(FROM_DEFAULT, id="x", remote_group_id=R_DEFAULT)
    assert secgroups.diff_rules([FROM_DEFAULT], [local], {C_DEFAULT: R_DEFAULT}) == ([], [])
    assert secgroups.diff_rules([FROM_DEFAULT], [local])[0]  # unmapped: not the same rule


def test_rule_body_targets_the_copy_and_maps_the_remote_group():
    body = secgroups.rule_body(FROM_DEFAULT, WEB, "p1", {C_DEFAULT: R_DEFAULT})
    assert body["remote_group_id"] == R_DEFAULT and body["security_group_id"] == WEB
    assert body["project_id"] == "p1" and "id" not in body


def test_group_body_keeps_id_and_name_and_leaves_rules_out():
    body = secgroups.group_body(dict(CENTRAL_WEB, description=None))
    assert body == {"id": WEB, "name": "web", "description": "", "project_id": "p1",
                    "stateful": True}


def test_remote_groups_leave_out_the_group_itself():
    assert secgroups.remote_groups(CENTRAL_DB["security_group_rules"], WEB) == []
    assert secgroups.remote_groups(CENTRAL_WEB["security_group_rules"], WEB) == [C_DEFAULT, DB]


def test_only_the_name_default_makes_a_default_group():
    assert secgroups.is_default(CENTRAL_DEFAULT) and not secgroups.is_default(CENTRAL_WEB)
