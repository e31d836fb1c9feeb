"""qos_sync: a central QoS policy reconciled in the regions whose copies use it."""

import pytest

from tests.unit.xjob import servicefakes
from tests.unit.xjob.servicefakes import CENTRAL, R1, R2
from tricircle.network import qos_rules
from tricircle.objects import routing
from tricircle.xjob import handlers
from tricircle.xjob.registry import Incomplete, Job

LIMIT = {"type": "bandwidth_limit", "max_kbps": 1000, "max_burst_kbps": 100,
         "direction": "egress"}
DSCP = {"type": "dscp_marking", "dscp_mark": 26}


class QosNeutron(servicefakes.ServiceNeutron):
    """Policies with their rules (inside the policy, as GET shows them), ports and
    networks; lookups by id of anything but policies are refused in regions."""

    def __init__(self, pod_id: str, everyone: dict, extensions: tuple[str, ...]) -> None:
        super().__init__(pod_id, everyone, extensions)
        self.rule_calls: list[tuple[str, str]] = []

    def get(self, resource_type, resource_id):
        assert resource_type == "qos_policy" or self.pod_id == CENTRAL
        return super().get(resource_type, resource_id)

    def request(self, method, path, body=None, missing_ok=False):
        if path == "extensions":
            return super().request(method, path, body, missing_ok)
        _, _, policy_id, collection, *rest = path.split("/")
        rules = self.objects["qos_policy"][policy_id].setdefault("rules", [])
        rule_type = collection.removesuffix("_rules")
        self.rule_calls.append((method, rule_type))
        if method == "POST":
            rules.append(dict(body[f"{rule_type}_rule"], type=rule_type,
                              id=f"rule-{next(self._ids)}"))
        elif method == "PUT":
            next(r for r in rules if r["id"] == rest[0]).update(body[f"{rule_type}_rule"])
        else:
            rules[:] = [r for r in rules if r["id"] != rest[0]]
        return {}


@pytest.fixture
def neutrons(db, fake_neutrons):
    return servicefakes.make(fake_neutrons, QosNeutron, ("qos",))


def _policy(neutrons, *rules, **fields) -> dict:
    policy = dict({"id": "gold", "name": "gold", "description": "", "shared": False,
                   "project_id": "demo"}, **fields)
    policy["rules"] = [dict(rule, id=f"top-{i}") for i, rule in enumerate(rules)]
    neutrons[CENTRAL].objects["qos_policy"]["gold"] = policy
    return policy


def _port(neutrons, port_id: str, policy: str | None, *pods: str) -> None:
    neutrons[CENTRAL].objects["port"][port_id] = {"id": port_id, "qos_policy_id": policy,
                                                  "project_id": "demo"}
    for pod in pods:
        neutrons[pod].objects["port"][port_id] = {"id": port_id, "qos_policy_id": None,
                                                  "project_id": "demo"}
        routing.record("port", port_id, pod, "demo")


def _run(policy_id: str = "gold") -> None:
    handlers.qos_sync(Job(id="j", type="qos_sync", project_id="demo",
                          resource={"policy_id": policy_id}))


def _bottom(neutrons, pod: str) -> dict | None:
    found = [r for r in routing.of_top("qos_policy", "gold") if r["pod_id"] == pod]
    return neutrons[pod].get("qos_policy", found[0]["bottom_id"]) if found else None


def _contents(policy: dict) -> list[dict]:
    return sorted((qos_rules.content(r) | {"type": r["type"]} for r in policy["rules"]),
                  key=str)


def test_a_policy_on_a_port_reaches_only_the_region_holding_the_port(neutrons):
    _policy(neutrons, LIMIT, DSCP)
    _port(neutrons, "vm", "gold", R2)
    _run()
    bottom = _bottom(neutrons, R2)
    assert bottom["name"] == "gold" and bottom["project_id"] == "demo"
    assert _contents(bottom) == _contents(neutrons[CENTRAL].get("qos_policy", "gold"))
    assert neutrons[R2].objects["port"]["vm"]["qos_policy_id"] == bottom["id"]
    assert _bottom(neutrons, R1) is None and not neutrons[R1].objects["qos_policy"]


def test_running_again_changes_nothing(neutrons):
    _policy(neutrons, LIMIT, DSCP)
    _port(neutrons, "vm", "gold", R2)
    _run()
    calls, updates = list(neutrons[R2].rule_calls), list(neutrons[R2].updated)
    _run()
    assert neutrons[R2].rule_calls == calls and neutrons[R2].updated == updates
    assert len(neutrons[R2].objects["qos_policy"]) == 1


def test_a_changed_rule_is_updated_in_place_and_a_removed_one_deleted(neutrons):
    policy = _policy(neutrons, LIMIT, DSCP)
    _port(neutrons, "vm", "gold", R2)
    _run()
    policy["rules"] = [dict(policy["rules"][0], max_kbps=5000)]
    neutrons[R2].rule_calls.clear()
    _run()
    assert sorted(neutrons[R2].rule_calls) == [("DELETE", "dscp_marking"),
                                               ("PUT", "bandwidth_limit")]
    assert _contents(_bottom(neutrons, R2)) == [dict(LIMIT, max_kbps=5000)]


def test_a_detached_policy_leaves_the_port_and_the_region(neutrons):
    _policy(neutrons, LIMIT)
    _port(neutrons, "vm", "gold", R2)
    _run()
    neutrons[CENTRAL].objects["port"]["vm"]["qos_policy_id"] = None
    _run()
    assert neutrons[R2].objects["port"]["vm"]["qos_policy_id"] is None
    assert not neutrons[R2].objects["qos_policy"]
    assert routing.of_top("qos_policy", "gold") == []


def test_a_policy_deleted_centrally_goes_from_the_region_with_its_routing(neutrons):
    _policy(neutrons, LIMIT)
    _port(neutrons, "vm", "gold", R2)
    _run()
    del neutrons[CENTRAL].objects["qos_policy"]["gold"]
    neutrons[CENTRAL].objects["port"]["vm"]["qos_policy_id"] = None
    _run()
    assert not neutrons[R2].objects["qos_policy"]
    assert routing.of_top("qos_policy", "gold") == []


def test_a_network_policy_reaches_the_network_copies(neutrons):
    _policy(neutrons, DSCP)
    neutrons[CENTRAL].objects["network"]["net"] = {"id": "net", "qos_policy_id": "gold",
                                                   "project_id": "demo"}
    for pod in (R1, R2):
        neutrons[pod].objects["network"]["net"] = {"id": "net", "qos_policy_id": None,
                                                   "project_id": "demo"}
        routing.record("network", "net", pod, "demo")
    _run()
    for pod in (R1, R2):
        assert neutrons[pod].objects["network"]["net"]["qos_policy_id"] == \
            _bottom(neutrons, pod)["id"]


def test_a_region_without_the_extension_fails_naming_it_and_makes_nothing(neutrons):
    neutrons[R2].extensions = ("trunk",)
    _policy(neutrons, LIMIT)
    _port(neutrons, "vm", "gold", R2)
    with pytest.raises(Incomplete, match="RegionTwo Neutron has no 'qos' extension"):
        _run()
    assert not neutrons[R2].objects["qos_policy"]


def test_a_shared_policy_reaches_another_projects_port(neutrons):
    _policy(neutrons, DSCP, shared=True)
    _port(neutrons, "vm", "gold", R1)
    for pod in (CENTRAL, R1):
        neutrons[pod].objects["port"]["vm"]["project_id"] = "other"
    _run()
    assert neutrons[R1].objects["port"]["vm"]["qos_policy_id"] == _bottom(neutrons, R1)["id"]
