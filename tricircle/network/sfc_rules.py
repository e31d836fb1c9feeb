"""Pure rules of service function chains across regions, shared by central Neutron
and xjob.

A port chain made centrally is rebuilt in each region that holds ports of its
port pairs: there, its port pairs (the same ingress and egress ports, copies
with the same ids), its port pair groups (in the chain's order, each with the
pairs of that region), its flow classifiers (the logical ports being copies
too) and the chain itself. Neutron gives each bottom object its own id, so
each is a routing (``port_pair``, ``port_pair_group``, ``flow_classifier``,
``port_chain``). No Neutron import: the tests run in the default tier.
"""

from collections.abc import Iterable, Mapping

CHAIN, GROUP, PAIR, CLASSIFIER = ("port_chain", "port_pair_group", "port_pair",
                                  "flow_classifier")
# What a region's bottom object repeats of its central one (ids apart).
PAIR_KEYS = ("name", "description", "ingress", "egress", "service_function_parameters")
GROUP_KEYS = ("name", "description", "port_pair_group_parameters", "tap_enabled")
CLASSIFIER_KEYS = ("name", "description", "ethertype", "protocol", "source_port_range_min",
                   "source_port_range_max", "destination_port_range_min",
                   "destination_port_range_max", "source_ip_prefix",
                   "destination_ip_prefix", "logical_source_port",
                   "logical_destination_port", "l7_parameters")
CHAIN_KEYS = ("name", "description", "chain_parameters")
# Bottom objects go in this order (a chain holds groups, a group holds pairs).
TEARDOWN_ORDER = (CHAIN, GROUP, PAIR, CLASSIFIER)


def _copy(top: Mapping, keys: Iterable[str]) -> dict:
    body = {key: top[key] for key in keys if top.get(key) is not None}
    body["project_id"] = top["project_id"]
    return body


def pair_body(top: Mapping) -> dict:
    return _copy(top, PAIR_KEYS)


def classifier_body(top: Mapping) -> dict:
    return _copy(top, CLASSIFIER_KEYS)


def group_body(top: Mapping, bottom_pairs: list[str]) -> dict:
    return dict(_copy(top, GROUP_KEYS), port_pairs=bottom_pairs)


def chain_body(top: Mapping, bottom_groups: list[str], bottom_classifiers: list[str]) -> dict:
    return dict(_copy(top, CHAIN_KEYS), port_pair_groups=bottom_groups,
                flow_classifiers=bottom_classifiers)


def pair_ports(pair: Mapping) -> set[str]:
    return {pair["ingress"], pair["egress"]}


def classifier_ports(classifier: Mapping) -> list[str]:
    return [classifier[key] for key in ("logical_source_port", "logical_destination_port")
            if classifier.get(key)]


def changes(wanted: Mapping, held: Mapping, keys: Iterable[str]) -> dict:
    """The fields of ``wanted`` among ``keys`` that ``held`` says otherwise."""
    return {key: wanted[key] for key in keys if key in wanted and wanted[key] != held.get(key)}


def chains_using(chains: Iterable[Mapping], kind: str, object_id: str,
                 groups: Iterable[Mapping] = ()) -> list[str]:
    """The ids of ``chains`` that use the ``kind`` object ``object_id``; a pair is
    used through the port pair ``groups`` holding it."""
    if kind == CHAIN:
        return [object_id]
    if kind == PAIR:
        holders = {group["id"] for group in groups if object_id in group.get("port_pairs", [])}
        return [chain["id"] for chain in chains
                if holders & set(chain.get("port_pair_groups", []))]
    field = "port_pair_groups" if kind == GROUP else "flow_classifiers"
    return [chain["id"] for chain in chains if object_id in chain.get(field, [])]
