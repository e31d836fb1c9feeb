"""How long a central change of a QoS rule, a trunk or a port chain takes to reach
the region holding it (#13): median and p95 over ``--runs`` changes.

    .venv/bin/tricircle-lab up
    .venv/bin/python benchmarks/network_services.py [--runs 20] [--only qos|trunk|chain]

- ``qos``: a server in RegionTwo whose port has a policy with a bandwidth-limit
  rule; each run sets a new ``max_kbps`` centrally and times until RegionTwo's
  copy of the policy shows it (polled every 50 ms).
- ``trunk``: a server in RegionOne whose port is a trunk's parent; each run adds
  a subport centrally and times until RegionOne's trunk lists it, then removes
  it again (not timed) and waits for that too.
- ``chain``: two port pairs of RegionOne ports, a group each and a classifier;
  each run creates a port chain over them centrally and times until RegionOne
  lists its bottom chain, then deletes it (not timed) and waits until it goes.

The path measured: central Neutron's plugin posting the job to the admin API,
the RabbitMQ cast to xjob, the job's REST calls to central and the region.
Prints figures only; everything it makes is deleted at the end, also when a
part fails (a failed clean-up step is printed).
"""

import argparse
import os
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, __file__.rsplit("/benchmarks/", 1)[0])

from network import Undo, boot, connect, network_with_subnet, percentiles, wait_for  # noqa: E402

from tricircle.lab.layout import CENTRAL_REGION, REGIONS  # noqa: E402


def _server_port(region, network_id: str, name: str, undo: Undo):
    compute = connect(region.name).compute
    server = boot(region, network_id, name)
    undo(compute.wait_for_delete, server, wait=240)
    undo(compute.delete_server, server, ignore_missing=True)
    compute.wait_for_server(server, status="ACTIVE", failures=["ERROR"], wait=240)
    return next(iter(connect(CENTRAL_REGION).network.ports(device_id=server.id)))


def _setup(region, undo: Undo):
    """(central's and the region's network API, a bench- name, a central network)."""
    central, local = connect(CENTRAL_REGION).network, connect(region.name).network
    name = f"bench-{uuid.uuid4().hex[:6]}"
    network = network_with_subnet(central, name)
    undo(central.delete_network, network)
    return central, local, name, network


def _report(label: str, delays: list[float]) -> None:
    p50, p95 = percentiles(delays)
    print(f"{label}: {len(delays)} runs, median {p50:.0f} ms, p95 {p95:.0f} ms")


def qos_delays(runs: int) -> None:
    region = REGIONS[1]
    with Undo() as undo:
        central, local, name, network = _setup(region, undo)
        port = _server_port(region, network.id, name, undo)
        policy = central.create_qos_policy(name=name, project_id=network.project_id)
        undo(central.delete_qos_policy, policy)
        rule = central.create_qos_bandwidth_limit_rule(policy, max_kbps=1000)
        central.update_port(port, qos_policy_id=policy.id)
        undo(central.update_port, port, qos_policy_id=None)
        bottom_id = wait_for(lambda: next(iter(local.ports(id=port.id))).qos_policy_id)

        def holds(kbps: int) -> bool:
            return kbps in [r.get("max_kbps") for r in local.get_qos_policy(bottom_id).rules]

        delays = []
        for run in range(runs):
            kbps = 2000 + run
            start = time.perf_counter()
            central.update_qos_bandwidth_limit_rule(rule, policy, max_kbps=kbps)
            wait_for(lambda kbps=kbps: holds(kbps))
            delays.append(time.perf_counter() - start)
    _report(f"QoS rule update, central to {region.name}", delays)


def trunk_delays(runs: int) -> None:
    region = REGIONS[0]
    with Undo() as undo:
        central, local, name, network = _setup(region, undo)
        parent = _server_port(region, network.id, name, undo)
        subport = central.create_port(network_id=network.id, name=name,
                                      project_id=network.project_id)
        undo(central.delete_port, subport)
        trunk = central.create_trunk(port_id=parent.id, name=name)
        undo(central.delete_trunk, trunk)

        def listed() -> list[str]:
            trunks = list(local.trunks(port_id=parent.id))
            return [sub["port_id"] for sub in trunks[0].sub_ports] if trunks else []

        wait_for(lambda: list(local.trunks(port_id=parent.id)))
        delays = []
        for run in range(runs):
            start = time.perf_counter()
            central.add_trunk_subports(trunk, [{"port_id": subport.id,
                                                "segmentation_type": "vlan",
                                                "segmentation_id": 100 + run}])
            wait_for(lambda: subport.id in listed())
            delays.append(time.perf_counter() - start)
            central.delete_trunk_subports(trunk, [{"port_id": subport.id}])
            wait_for(lambda: subport.id not in listed())
    _report(f"trunk subport add, central to {region.name}", delays)


def chain_delays(runs: int) -> None:
    region = REGIONS[0]
    with Undo() as undo:
        central, local, name, network = _setup(region, undo)
        ports = []
        devices = [str(uuid.uuid4()) for _ in range(3)]  # a pair's ports share one
        for i in range(5):
            ports.append(local.create_port(network_id=network.id, name=name,
                                           device_id=devices[i // 2]))
            undo(local.delete_port, ports[-1])
        groups = []
        for i in range(2):
            pair = central.create_sfc_port_pair(name=name, ingress=ports[2 * i].id,
                                                egress=ports[2 * i + 1].id)
            undo(central.delete_sfc_port_pair, pair)
            groups.append(central.create_sfc_port_pair_group(name=name, port_pairs=[pair.id]))
            undo(central.delete_sfc_port_pair_group, groups[-1])
        classifier = central.create_sfc_flow_classifier(
            name=name, ethertype="IPv4", protocol="tcp", logical_source_port=ports[4].id)
        undo(central.delete_sfc_flow_classifier, classifier)

        def listed() -> bool:
            return any(chain.name == name for chain in local.sfc_port_chains())

        delays = []
        for _ in range(runs):
            start = time.perf_counter()
            chain = central.create_sfc_port_chain(
                name=name, port_pair_groups=[group.id for group in groups],
                flow_classifiers=[classifier.id])
            wait_for(listed)
            delays.append(time.perf_counter() - start)
            central.delete_sfc_port_chain(chain)
            wait_for(lambda: not listed())
    _report(f"port chain create, central to {region.name}", delays)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--only", choices=("qos", "trunk", "chain"))
    args = parser.parse_args()
    if args.only in (None, "qos"):
        qos_delays(args.runs)
    if args.only in (None, "trunk"):
        trunk_delays(args.runs)
    if args.only in (None, "chain"):
        chain_delays(args.runs)


if __name__ == "__main__":
    main()
