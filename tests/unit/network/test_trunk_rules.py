"""The pure rules of trunks across regions (tricircle.network.trunk_rules)."""

from tricircle.network import trunk_rules


def _sub(port_id: str, vlan: int) -> dict:
    return {"port_id": port_id, "segmentation_type": "vlan", "segmentation_id": vlan}


def test_a_bottom_trunk_keeps_the_parent_and_subports_with_their_segmentation():
    top = {"id": "t", "name": "t1", "description": "d", "admin_state_up": True,
           "port_id": "parent", "project_id": "demo", "status": "ACTIVE",
           "sub_ports": [dict(_sub("s1", 10), mac_address="fa:16:3e:00:00:01")]}
    assert trunk_rules.trunk_body(top) == {
        "name": "t1", "description": "d", "admin_state_up": True, "port_id": "parent",
        "project_id": "demo", "sub_ports": [_sub("s1", 10)]}


def test_a_subport_whose_vlan_changed_is_removed_and_added_again():
    add, remove = trunk_rules.diff_subports([_sub("s1", 11), _sub("s2", 20)],
                                            [_sub("s1", 10), _sub("s3", 30)])
    assert add == [_sub("s1", 11), _sub("s2", 20)]
    assert remove == [_sub("s1", 10), _sub("s3", 30)]
    assert trunk_rules.diff_subports([_sub("s1", 10)], [_sub("s1", 10)]) == ([], [])


def test_the_trunk_of_a_parent_port_comes_from_its_trunk_details():
    assert trunk_rules.trunk_of_port({"trunk_details": {"trunk_id": "t"}}) == "t"
    assert trunk_rules.trunk_of_port({"id": "p"}) is None
