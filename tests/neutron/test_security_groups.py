"""Security groups follow central: both plugins with ML2 mocked (the pure rules are
tested in tests/unit/network/test_secgroups.py)."""

from unittest import mock

import pytest
from neutron.extensions import securitygroup as ext_sg
from neutron.plugins.ml2 import plugin as ml2_plugin

from tests.neutron import fakes
from tests.unit.network.groups import (
    C_DEFAULT,
    CENTRAL,
    CENTRAL_DB,
    CENTRAL_DEFAULT,
    CENTRAL_WEB,
    DB,
    EGRESS,
    R_DEFAULT,
    SSH,
    WEB,
)
from tricircle.network import central_plugin as cp
from tricircle.network import helper
from tricircle.network import local_plugin as lp


def test_the_top_port_of_a_port_asks_for_the_groups_given():
    body = lp.central_port_body({"network_id": "n", "project_id": "p1"}, "RegionOne", [WEB])
    assert body["security_groups"] == [WEB]
    assert "security_groups" not in lp.central_port_body({"network_id": "n"}, "RegionOne")


# --- the local plugin ---------------------------------------------------------------

@pytest.fixture
def local(neutrons):
    instance = lp.TricirclePlugin.__new__(lp.TricirclePlugin)
    instance._central_networks = {}
    held: dict[str, dict] = {R_DEFAULT: {"id": R_DEFAULT, "name": "default"}}

    def listed(self, context, filters=None, fields=None, *args, **kwargs):
        return [held[id_] for id_ in (filters or {}).get("id", []) if id_ in held]

    def created(context, body):
        held[body["security_group"]["id"]] = body["security_group"]

    with mock.patch.object(helper, "central_region", return_value="CentralRegion"), \
            mock.patch.object(helper, "local_region", return_value="RegionOne"), \
            mock.patch.object(neutrons, "get", side_effect=lambda r, k, id_: CENTRAL.get(id_)), \
            mock.patch.object(lp.TricirclePlugin, "_admin", return_value="admin"), \
            mock.patch.object(lp.TricirclePlugin, "_may_fetch", return_value=True), \
            mock.patch.object(ml2_plugin.Ml2Plugin, "get_security_groups", listed), \
            mock.patch.object(instance, "create_security_group", side_effect=created), \
            mock.patch.object(instance, "_ensure_default_security_group",
                              return_value=R_DEFAULT), \
            mock.patch.object(ml2_plugin.Ml2Plugin, "get_security_group_rules",
                              return_value=[dict(EGRESS, id="template")]), \
            mock.patch.object(ml2_plugin.Ml2Plugin, "delete_security_group_rule") as delete, \
            mock.patch.object(ml2_plugin.Ml2Plugin, "create_security_group_rule") as create:
        instance.held, instance.deleted, instance.created = held, delete, create
        yield instance


def _created_rules(plugin) -> dict[str, list]:
    result: dict[str, list] = {}
    for call in plugin.created.call_args_list:
        rule = call.args[1]["security_group_rule"]
        result.setdefault(rule["security_group_id"], []).append(rule["remote_group_id"])
    return result


def test_copying_a_group_copies_the_groups_its_rules_name(local):
    assert local._bottom_group(WEB) == WEB
    assert set(local.held) == {R_DEFAULT, WEB, DB}  # never central's default
    rules = _created_rules(local)
    # web: ssh, from default (the region's), from db; its template egress rule is kept.
    assert sorted(rules[WEB], key=str) == sorted([None, R_DEFAULT, DB], key=str)
    assert rules[DB] == [WEB]  # a cycle ends at the group being copied
    # Each new copy got the template egress rule: web keeps it, db (without it) not.
    local.deleted.assert_called_once_with("admin", "template")


def test_template_rules_central_does_not_have_are_removed(local, neutrons):
    with mock.patch.object(neutrons, "get", return_value=dict(CENTRAL_WEB,
                                                            security_group_rules=[SSH])):
        local._bottom_group(WEB)
    local.deleted.assert_called_once_with("admin", "template")


def test_central_default_stands_for_the_regions_default(local):
    assert local._bottom_group(C_DEFAULT) == R_DEFAULT
    assert C_DEFAULT not in local.held


def test_get_security_group_miss_copies_from_central(local):
    found = {"id": WEB}
    with mock.patch.object(ml2_plugin.Ml2Plugin, "get_security_group",
                           side_effect=[ext_sg.SecurityGroupNotFound(id=WEB), found]):
        assert local.get_security_group(mock.Mock(), WEB) == found
    assert WEB in local.held


def test_get_security_group_of_central_default_stays_not_found(local):
    with mock.patch.object(ml2_plugin.Ml2Plugin, "get_security_group",
                           side_effect=ext_sg.SecurityGroupNotFound(id=C_DEFAULT)):
        with pytest.raises(ext_sg.SecurityGroupNotFound):
            local.get_security_group(mock.Mock(), C_DEFAULT)


def test_a_list_by_name_copies_the_projects_central_group(local, neutrons):
    with mock.patch.object(neutrons, "find", return_value=[CENTRAL_DB]) as find:
        local.get_security_groups(mock.Mock(), {"name": ["db"], "project_id": ["p1"]})
        local.get_security_groups(mock.Mock(), {"name": ["default"], "project_id": ["p1"]})
        local.get_security_groups(mock.Mock(), {"project_id": ["p1"]})
    find.assert_called_once_with("CentralRegion", "security_group", name="db",
                                 project_id="p1")
    assert DB in local.held


def test_a_port_copy_carries_centrals_groups(local):
    central = {"id": "port-1", "network_id": "n", "fixed_ips": [],
               "security_groups": [WEB, C_DEFAULT]}
    with mock.patch.object(local, "_ensure_subnets"), \
            mock.patch.object(local, "_create_bottom") as copy:
        local._bottom_port(central)
    assert copy.call_args.args[1]["security_groups"] == [WEB, R_DEFAULT]


def test_a_port_made_here_names_central_ids_centrally(local, neutrons):
    local.held["local-only"] = {"id": "local-only", "name": "mine"}
    port = {"project_id": "p1", "security_groups": [WEB, R_DEFAULT, "local-only"]}
    with mock.patch.object(neutrons, "find", return_value=[CENTRAL_DEFAULT]):
        assert local._port_groups(port) == ([WEB, R_DEFAULT, "local-only"], [WEB, C_DEFAULT])
    assert local._port_groups({"project_id": "p1"}) == (None, None)
    assert local._port_groups({"security_groups": [C_DEFAULT]}) == ([R_DEFAULT], [C_DEFAULT])


# --- the central plugin -------------------------------------------------------------

@pytest.fixture
def central():
    with mock.patch.object(helper, "network_regions", return_value=["RegionOne", "RegionTwo"]):
        yield cp.TricirclePlugin.__new__(cp.TricirclePlugin)


def test_a_rule_created_or_deleted_centrally_queues_the_sync(central):
    job = ("seg_rule_setup", "p1", {"project_id": "p1"})
    with mock.patch.object(ml2_plugin.Ml2Plugin, "create_security_group_rule",
                           return_value=dict(SSH, project_id="p1")), \
            mock.patch.object(ml2_plugin.Ml2Plugin, "get_security_group_rule",
                              return_value=dict(SSH, project_id="p1")), \
            mock.patch.object(ml2_plugin.Ml2Plugin, "delete_security_group_rule"), \
            mock.patch.object(helper, "queue_job") as queue:
        central.create_security_group_rule(mock.Mock(), {"security_group_rule": SSH})
        central.delete_security_group_rule(mock.Mock(), "r-1")
    assert [c.args for c in queue.call_args_list] == [job, job]


def test_a_failed_queue_does_not_fail_the_rule(central):
    with mock.patch.object(ml2_plugin.Ml2Plugin, "create_security_group_rule",
                           return_value=dict(SSH, project_id="p1")), \
            mock.patch.object(helper, "queue_job",
                              side_effect=fakes.failure("CentralRegion", 503, "down")):
        assert central.create_security_group_rule(mock.Mock(), {})["id"] == "r-1"
