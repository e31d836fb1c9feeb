"""sfc_sync: a central port chain, rebuilt in each region holding its port pairs' ports.

Central Neutron queues ``sfc_sync`` {port_chain_id} when a chain is created,
updated or deleted, and for every chain using a port pair, port pair group or
flow classifier that is updated (tricircle.network.sfc). ``sync`` then, in
every region pod holding a copy of an ingress or egress port of the chain's
pairs (their routings), builds bottom objects in order, each recorded as a
routing (tricircle.network.sfc_rules): the port pairs whose ports are there,
the chain's port pair groups with those pairs, its flow classifiers (their
logical ports copied there on the way), then the chain with the groups in the
chain's order. Existing bottom objects are brought in line (a group's pairs,
a chain's groups and classifiers, names).

Where central no longer has the chain, or no longer puts it in the pod, the
bottom chain goes, then every bottom group, pair and classifier of the pod
that no chain still living there uses, each with its routing. A delete that
fails leaves its routing, so ``resource_recycle`` of the project (which knows
these types) or the job's retry removes the leftover. Reconciling, the job
may run twice, late, or for several changes at once. A region without the
``sfc`` or ``flow_classifier`` extension fails the job naming both, before
anything is made there.
"""

from oslo_log import log as logging

from tricircle.common.neutron import Neutron, RemoteError
from tricircle.network import sfc_rules
from tricircle.network.sfc_rules import CHAIN, CLASSIFIER, GROUP, PAIR
from tricircle.objects import pod as pod_obj
from tricircle.objects import routing
from tricircle.xjob import regions
from tricircle.xjob.qos import central_neutron, require_extension
from tricircle.xjob.registry import Incomplete
from tricircle.xjob.trunks import copy_ports

LOG = logging.getLogger(__name__)


def _central_chain(central: Neutron, chain_id: str) -> dict | None:
    """The chain with its groups, pairs and classifiers, as central holds them."""
    chain = central.get(CHAIN, chain_id)
    if chain is None:
        return None
    groups = [central.get(GROUP, id_) for id_ in chain["port_pair_groups"]]
    if None in groups:
        return None  # being deleted: judged again by the job its delete queues
    pairs = {id_: central.get(PAIR, id_) for group in groups for id_ in group["port_pairs"]}
    classifiers = [central.get(CLASSIFIER, id_) for id_ in chain["flow_classifiers"]]
    return dict(chain, groups=groups, pairs=pairs,
                classifiers=[c for c in classifiers if c is not None])


def _pods_of(chain: dict) -> set[str]:
    ports = set().union(*(sfc_rules.pair_ports(p) for p in chain["pairs"].values() if p))
    return set().union(*(routing.pods_holding("port", port_id) for port_id in ports))


def sync(chain_id: str) -> None:
    """Reconcile the bottom objects of central port chain ``chain_id`` in every pod."""
    top = _central_chain(central_neutron(), chain_id)
    pods = _pods_of(top) if top else set()
    routed = {r["pod_id"] for r in routing.of_top(CHAIN, chain_id)}
    errors = []
    for pod in pod_obj.regional():
        try:
            if pod.pod_id in pods:
                build(pod.pod_id, top)
            if pod.pod_id in pods or pod.pod_id in routed:
                teardown(pod.pod_id)  # what an update or delete left unused
        except (RemoteError, Incomplete) as exc:
            errors.append(str(exc))
    if errors:
        raise Incomplete("; ".join(errors))


def _bottom(neutron: Neutron, kind: str, top_id: str, pod_id: str) -> dict | None:
    found = next((r for r in routing.of_top(kind, top_id) if r["pod_id"] == pod_id), None)
    if found is None:
        return None
    bottom = neutron.get(kind, found["bottom_id"])
    if bottom is None:
        routing.forget_id(found["id"])  # deleted in the region: made again
    return bottom


def _ensure(neutron: Neutron, pod_id: str, kind: str, top: dict, body: dict,
            keys: tuple[str, ...]) -> str:
    """The id of the pod's bottom ``kind`` of ``top``: made from ``body``, or brought
    in line with it."""
    bottom = _bottom(neutron, kind, top["id"], pod_id)
    if bottom is None:
        bottom = neutron.create(kind, body)
        routing.record(kind, top["id"], pod_id, top["project_id"], bottom["id"])
        LOG.info("bottom %s %s of %s made in pod %s", kind, bottom["id"], top["id"], pod_id)
        return bottom["id"]
    changed = sfc_rules.changes(body, bottom, keys)
    if changed:
        neutron.update(kind, bottom["id"], changed)
    return bottom["id"]


def build(pod_id: str, chain: dict) -> None:
    neutron = regions.neutron(pod_id)
    for alias in ("sfc", "flow_classifier"):
        require_extension(neutron, alias, f"port chain {chain['id']}")
    here = {pair_id: pair for pair_id, pair in chain["pairs"].items()
            if pair and all(pod_id in routing.pods_holding("port", port_id)
                            for port_id in sfc_rules.pair_ports(pair))}
    pairs = {pair_id: _ensure(neutron, pod_id, PAIR, pair, sfc_rules.pair_body(pair),
                              sfc_rules.PAIR_KEYS) for pair_id, pair in here.items()}
    groups = []
    for group in chain["groups"]:
        members = [pairs[id_] for id_ in group["port_pairs"] if id_ in pairs]
        if not members:
            raise Incomplete(f"port pair group {group['id']} has no port pair in "
                             f"{neutron.region_name}: port chain {chain['id']} is not built "
                             "there")
        groups.append(_ensure(neutron, pod_id, GROUP, group,
                              sfc_rules.group_body(group, members),
                              sfc_rules.GROUP_KEYS + ("port_pairs",)))
    classifiers = []
    for classifier in chain["classifiers"]:
        copy_ports(neutron, sfc_rules.classifier_ports(classifier))
        classifiers.append(_ensure(neutron, pod_id, CLASSIFIER, classifier,
                                   sfc_rules.classifier_body(classifier), ("name",
                                                                           "description")))
    _ensure(neutron, pod_id, CHAIN, chain, sfc_rules.chain_body(chain, groups, classifiers),
            ("name", "description", "port_pair_groups", "flow_classifiers"))


def teardown(pod_id: str) -> None:
    """Delete the pod's bottom chains that central no longer puts there, then the
    groups, pairs and classifiers no remaining chain of the pod uses."""
    central = central_neutron()
    neutron = regions.neutron(pod_id)
    kept: dict[str, set[str]] = {GROUP: set(), PAIR: set(), CLASSIFIER: set()}
    for found in routing.in_pod(CHAIN, pod_id):
        chain = _central_chain(central, found["top_id"])
        if chain is not None and pod_id in _pods_of(chain):
            kept[GROUP] |= {group["id"] for group in chain["groups"]}
            kept[PAIR] |= set(chain["pairs"])
            kept[CLASSIFIER] |= {c["id"] for c in chain["classifiers"]}
        else:
            _delete(neutron, found)
    for kind in sfc_rules.TEARDOWN_ORDER[1:]:
        for found in routing.in_pod(kind, pod_id):
            if found["top_id"] not in kept[kind]:
                _delete(neutron, found)


def _delete(neutron: Neutron, found: dict) -> None:
    """Delete the bottom object a routing names, then the routing."""
    neutron.delete(found["resource_type"], found["bottom_id"])
    routing.forget_id(found["id"])
    LOG.info("bottom %s %s of %s deleted in pod %s", found["resource_type"],
             found["bottom_id"], found["top_id"], found["pod_id"])
