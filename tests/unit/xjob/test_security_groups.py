"""seg_rule_setup: the bottom security groups follow their central groups' rules."""

import itertools

import pytest

from tests.unit.xjob.conftest import FakeNeutron
from tricircle.common.neutron import RemoteConflict
from tricircle.db import api as db_api
from tricircle.db import models
from tricircle.network import secgroups
from tricircle.xjob import handlers, regions, security_groups
from tricircle.xjob.registry import Incomplete, Job

CENTRAL, R1, R2 = "central", "pod-1", "pod-2"
SSH = {"direction": "ingress", "ethertype": "IPv4", "protocol": "tcp", "port_range_min": 22,
       "port_range_max": 22, "remote_ip_prefix": "0.0.0.0/0"}
EGRESS = {"direction": "egress", "ethertype": "IPv4"}


class GroupsNeutron(FakeNeutron):
    """One pod's security groups and rules. A region asked for a central group
    it lacks makes a bottom group of it, as the local plugin does."""

    def __init__(self, pod_id: str, everyone: "FakeNeutrons") -> None:
        super().__init__(pod_id)
        self.everyone = everyone

    def get(self, resource_type: str, resource_id: str) -> dict | None:
        if resource_type == "port":
            assert self.pod_id == CENTRAL, "a lookup by id would make the region copy it"
            return super().get(resource_type, resource_id)
        assert resource_type == "security_group"
        groups, central = self.everyone.groups, self.everyone.groups[CENTRAL]
        if resource_id not in groups[self.pod_id] and resource_id in central:
            self.everyone.make_bottom(self.pod_id, resource_id)
        return groups[self.pod_id].get(resource_id)

    def find(self, resource_type: str, **filters: str) -> list[dict]:
        if resource_type == "subnet":
            assert self.pod_id == CENTRAL and filters == {"project_id": "demo"}
            return [{"cidr": cidr} for cidr in self.everyone.cidrs]
        if resource_type == "security_group":
            return [self.everyone.listed(self.pod_id, group)
                    for group in self.everyone.groups[self.pod_id].values()
                    if group["project_id"] == filters["project_id"]]
        assert resource_type in ("security_group_rule", "port")
        return super().find(resource_type, **filters)

    def create(self, resource_type: str, body: dict) -> dict:
        assert resource_type == "security_group_rule"
        if secgroups.rule_key(body) in self.everyone.rules_of(self.pod_id,
                                                               body["security_group_id"]):
            raise RemoteConflict(f"{self.pod_id} Neutron", 409, "SecurityGroupRuleExists")
        self.everyone.rule(self.pod_id, body["security_group_id"], **body)
        return body


class FakeNeutrons:
    """Security groups and rules of central and two region Neutrons."""

    def __init__(self, fakes: dict) -> None:
        for pod in (CENTRAL, R1, R2):
            fakes[pod] = GroupsNeutron(pod, self)
        self.groups: dict[str, dict[str, dict]] = {
            pod: fake.objects["security_group"] for pod, fake in fakes.items()}
        self.rules: dict[str, dict[str, dict]] = {
            pod: fake.objects["security_group_rule"] for pod, fake in fakes.items()}
        self.cidrs: list[str] = []  # of the project's central subnets
        self._ids = itertools.count()

    def group(self, pod: str, id_: str, name: str | None = None, project: str = "demo") -> str:
        self.groups[pod][id_] = {"id": id_, "name": name or id_, "project_id": project}
        return id_

    def rule(self, pod: str, group_id: str, **content) -> str:
        id_ = f"rule-{next(self._ids)}"
        self.rules[pod][id_] = dict(content, id=id_, security_group_id=group_id)
        return id_

    def rules_of(self, pod: str, group_id: str) -> set[tuple]:
        return {secgroups.rule_key(rule) for rule in self.rules[pod].values()
                if rule["security_group_id"] == group_id}

    def listed(self, pod: str, group: dict) -> dict:
        return dict(group, security_group_rules=[
            r for r in self.rules[pod].values() if r["security_group_id"] == group["id"]])

    def make_bottom(self, pod: str, id_: str) -> None:
        self.groups[pod][id_] = dict(self.groups[CENTRAL][id_])
        for rule in list(self.rules[CENTRAL].values()):
            if rule["security_group_id"] == id_:
                self.rule(pod, id_, **{k: v for k, v in rule.items() if k != "id"})


@pytest.fixture
def neutrons(db, fake_neutrons):
    fake = FakeNeutrons(fake_neutrons)
    fake.fakes = fake_neutrons
    _add_pods()
    return fake


@db_api.writer
def _add_pods(session):
    session.add(models.Pod(pod_id=CENTRAL, region_name="CentralRegion", az_name=""))
    for pod_id, region in ((R1, "RegionOne"), (R2, "RegionTwo")):
        session.add(models.Pod(pod_id=pod_id, region_name=region, az_name=f"az-{region}"))


def _run(project: str = "demo") -> None:
    handlers.seg_rule_setup(Job(id="j", type="seg_rule_setup", project_id=project,
                                resource={"project_id": project}, attempts=0))


def test_a_rule_added_centrally_reaches_each_bottom_group_and_only_those(neutrons):
    for pod in (CENTRAL, R1):
        neutrons.group(pod, "web")
        neutrons.rule(pod, "web", **EGRESS)
    neutrons.rule(CENTRAL, "web", **SSH)
    _run()
    _run()  # again, as after a crash: nothing doubles
    assert neutrons.rules_of(R1, "web") == neutrons.rules_of(CENTRAL, "web")
    assert len(neutrons.rules_of(R1, "web")) == 2
    assert not neutrons.groups[R2] and not neutrons.rules[R2]  # R2 never used it


def test_a_rule_deleted_centrally_goes_from_the_bottom_groups(neutrons):
    for pod in (CENTRAL, R1, R2):
        neutrons.group(pod, "web")
        neutrons.rule(pod, "web", **EGRESS)
    neutrons.rule(R1, "web", **SSH)  # central's rule, deleted there since
    neutrons.rule(R2, "web", **SSH)
    _run()
    for pod in (R1, R2):
        assert neutrons.rules_of(pod, "web") == {secgroups.rule_key(EGRESS)}


def test_the_regions_own_groups_and_other_projects_are_left_alone(neutrons):
    neutrons.group(CENTRAL, "c-default", name="default")
    neutrons.group(R1, "r-default", name="default")
    neutrons.rule(R1, "r-default", **SSH)
    neutrons.group(R1, "local-only")
    neutrons.rule(R1, "local-only", **SSH)
    for pod in (CENTRAL, R1):
        neutrons.group(pod, "theirs", project="alt")
    neutrons.rule(CENTRAL, "theirs", **SSH)
    _run()
    assert neutrons.rules_of(R1, "r-default") == {secgroups.rule_key(SSH)}
    assert neutrons.rules_of(R1, "local-only") == {secgroups.rule_key(SSH)}
    assert not neutrons.rules_of(R1, "theirs")


def test_remote_group_rules_keep_the_group_and_map_central_default(neutrons):
    neutrons.group(CENTRAL, "c-default", name="default")
    neutrons.group(R1, "r-default", name="default")
    for pod in (CENTRAL, R1):
        neutrons.group(pod, "web")
    neutrons.group(CENTRAL, "db")  # not in R1 yet
    neutrons.rule(CENTRAL, "web", direction="ingress", ethertype="IPv4",
                  remote_group_id="c-default")
    neutrons.rule(CENTRAL, "web", direction="ingress", ethertype="IPv4", remote_group_id="db")
    neutrons.rule(CENTRAL, "web", direction="ingress", ethertype="IPv4", remote_group_id="web")
    _run()
    remotes = {rule[6] for rule in neutrons.rules_of(R1, "web")}
    assert remotes == {"r-default", "db", "web"}
    assert "db" in neutrons.groups[R1]  # made by the lookup, same id


def test_no_central_pod_means_nothing_to_do(db, monkeypatch):
    monkeypatch.setattr(regions, "neutron", pytest.fail)
    security_groups.setup("demo")


def _expansion(cidr: str, **content) -> tuple:
    return secgroups.rule_key(dict(content, remote_ip_prefix=cidr))


def test_remote_group_rules_get_a_rule_per_project_subnet_of_their_ip_version(neutrons):
    for pod in (CENTRAL, R1):
        neutrons.group(pod, "web")
        neutrons.group(pod, "db")
    from_db = {"direction": "ingress", "ethertype": "IPv4", "protocol": "tcp",
               "port_range_min": 80, "port_range_max": 80}
    neutrons.rule(CENTRAL, "web", remote_group_id="db", **from_db)
    neutrons.cidrs = ["10.1.0.0/24", "10.2.0.0/24", "fd00:1::/64"]
    _run()
    _run()
    assert neutrons.rules_of(R1, "web") == {
        secgroups.rule_key(dict(from_db, remote_group_id="db")),
        _expansion("10.1.0.0/24", **from_db), _expansion("10.2.0.0/24", **from_db)}

    neutrons.cidrs = ["10.2.0.0/24"]  # a subnet deleted centrally
    _run()
    assert _expansion("10.1.0.0/24", **from_db) not in neutrons.rules_of(R1, "web")
    assert len(neutrons.rules_of(R1, "web")) == 2


def test_the_regions_default_gets_centrals_default_rules_and_expansions(neutrons):
    neutrons.group(CENTRAL, "c-default", name="default")
    neutrons.group(R1, "r-default", name="default")
    member = {"direction": "ingress", "ethertype": "IPv4"}
    for pod, group in ((CENTRAL, "c-default"), (R1, "r-default")):
        neutrons.rule(pod, group, remote_group_id=group, **member)  # Neutron's template
    neutrons.rule(CENTRAL, "c-default", **SSH)
    http = dict(SSH, port_range_min=80, port_range_max=80)
    neutrons.rule(R1, "r-default", **http)  # the region's own
    neutrons.cidrs = ["10.1.0.0/24"]
    _run()
    assert neutrons.rules_of(R1, "r-default") == {
        secgroups.rule_key(dict(member, remote_group_id="r-default")),
        _expansion("10.1.0.0/24", **member), secgroups.rule_key(SSH), secgroups.rule_key(http)}

    ssh_id = next(id_ for id_, rule in neutrons.rules[CENTRAL].items()
                  if rule.get("port_range_min") == 22)
    del neutrons.rules[CENTRAL][ssh_id]
    neutrons.cidrs = []
    _run()
    assert neutrons.rules_of(R1, "r-default") == {
        secgroups.rule_key(dict(member, remote_group_id="r-default")),
        secgroups.rule_key(http)}  # only what Tricircle added went


# --- port_update (tricircle.xjob.bottoms), on the same groups ----------------------------

@db_api.writer
def _route_port(session, *pods: str) -> None:
    for pod in pods:
        session.add(models.ResourceRouting(top_id="p1", bottom_id="p1", pod_id=pod,
                                           project_id="demo", resource_type="port"))


def _port(neutrons, pod: str, groups: list[str]) -> dict:
    port = {"id": "p1", "project_id": "demo", "security_groups": groups}
    neutrons.fakes[pod].objects["port"]["p1"] = port
    return port


def _push() -> None:
    handlers.port_update(Job(id="j", type="port_update", project_id="demo",
                             resource={"port_id": "p1"}, attempts=0))


def test_a_ports_groups_reach_its_bottom_ports_in_the_regions_ids(neutrons):
    neutrons.group(CENTRAL, "c-default", name="default")
    neutrons.group(CENTRAL, "web")
    neutrons.group(CENTRAL, "db")  # not in R1 yet
    neutrons.group(R1, "r-default", name="default")
    neutrons.group(R1, "web")
    _port(neutrons, CENTRAL, ["web", "db", "c-default"])
    bottom = _port(neutrons, R1, ["r-default"])
    _route_port(R1, R2)  # R2's bottom port is gone already
    _push()
    assert sorted(bottom["security_groups"]) == ["db", "r-default", "web"]
    assert "db" in neutrons.groups[R1]  # made by the lookup, same id
    _push()  # again, as after a crash: nothing to change
    assert len(neutrons.fakes[R1].updated) == 1
    assert not neutrons.fakes[R2].updated


def test_a_group_without_a_stand_in_keeps_the_bottom_port_as_it_is(neutrons):
    neutrons.group(CENTRAL, "c-default", name="default")  # R1 has no default group
    _port(neutrons, CENTRAL, ["c-default"])
    bottom = _port(neutrons, R1, ["old"])
    _route_port(R1)
    with pytest.raises(Incomplete, match="no group there stands for c-default"):
        _push()
    assert bottom["security_groups"] == ["old"]


def test_a_port_gone_from_central_is_left_to_bottom_delete(neutrons):
    bottom = _port(neutrons, R1, ["old"])
    _route_port(R1)
    _push()
    assert bottom["security_groups"] == ["old"]
