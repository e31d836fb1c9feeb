"""No request waits on itself: the requests that make central and regional Neutron
call each other, run at once, with every Neutron of the lab at one API worker.

Before central stopped calling the regions, each of these waited on itself:
a port deleted in a region made central delete the region's copy in the same
request (the region's only worker was the one waiting), a group change made
in a region came back from central to that region, a central delete of a
copied network called the regions, whose cleanup called central back. Each
such knot was broken only by ``[client] request_timeout`` (30 s), which the
lab's logs then showed as a timeout. Here they run together, from several
clients, and the logs written meanwhile must hold no timeout at all.
"""

import concurrent.futures

import pytest

from tests.integration.conftest import poll
from tricircle.lab import tempest_results
from tricircle.lab.layout import CENTRAL_REGION, REGIONS, Layout

ROUNDS = 3


@pytest.fixture
def log_marks(lab):
    """The size of every lab log before the test: what is written after it is ours."""
    logs = Layout.default().logs
    return logs, tempest_results.log_sizes(logs)


def _network(lab, name: str, cidr: str):
    api = lab.sdk("demo", CENTRAL_REGION).network
    network = api.create_network(name=name)
    api.create_subnet(network_id=network.id, ip_version=4, cidr=cidr, name=name)
    for region in REGIONS:  # what Nova's boot does first: the region copies it
        assert [n.id for n in lab.sdk("demo", region.name).network.networks(
            id=network.id)] == [network.id]
    return network


def _port_made_and_deleted_in_a_region(lab, network_id: str, region_name: str) -> None:
    api = lab.sdk("demo", region_name).network
    port = api.create_port(network_id=network_id)  # MAC and IP from central IPAM
    api.delete_port(port)  # the central port goes too, and central must not call back


def _group_changed_in_a_region(lab, network_id: str, group_id: str, region_name: str) -> None:
    api = lab.sdk("demo", region_name).network
    port = api.create_port(network_id=network_id)
    try:
        # Nova's add-security-group: forwarded to central, never pushed back here.
        api.update_port(port, security_groups=[group_id])
    finally:
        api.delete_port(port)


def _group_changed_centrally(lab, network_id: str, group_id: str, region_name: str) -> None:
    central = lab.sdk("demo", CENTRAL_REGION).network
    port = central.create_port(network_id=network_id)
    try:
        lab.sdk("demo", region_name).network.get_port(port.id)  # copied there
        central.update_port(port, security_groups=[group_id])  # queued for the copy
    finally:
        central.delete_port(port)


def _copied_network_deleted_centrally(lab, name: str, cidr: str) -> None:
    network = _network(lab, name, cidr)
    lab.sdk("demo", CENTRAL_REGION).network.delete_network(network)


def test_requests_that_cross_between_central_and_regions_never_time_out(
        lab, unique_name, log_marks):
    network = _network(lab, unique_name, "10.198.0.0/24")
    central = lab.sdk("demo", CENTRAL_REGION).network
    group = central.create_security_group(name=unique_name)
    one, two = REGIONS
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            futures = []
            for i in range(ROUNDS):
                futures += [
                    pool.submit(_port_made_and_deleted_in_a_region, lab, network.id, one.name),
                    pool.submit(_group_changed_in_a_region, lab, network.id, group.id,
                                two.name),
                    pool.submit(_group_changed_centrally, lab, network.id, group.id,
                                one.name),
                    pool.submit(_copied_network_deleted_centrally, lab,
                                f"{unique_name}-{i}", f"10.198.{i + 1}.0/24"),
                ]
            for future in futures:
                future.result()  # any request that failed fails the test with its error
    finally:
        central.delete_network(network, ignore_missing=True)

    # What was queued still completes: no copy of the deleted networks is left.
    def bottoms_gone() -> bool:
        return all(not list(lab.sdk("admin", region.name).network.networks(
            name=f"{unique_name}-{i}")) for region in REGIONS for i in range(ROUNDS))
    assert poll(bottoms_gone, timeout=120, interval=2), "copies of deleted networks remain"
    central.delete_security_group(group, ignore_missing=True)

    logs, before = log_marks
    timeouts = tempest_results.count_timeouts(logs, before)
    assert not any(timeouts.values()), f"timeouts in the lab's logs: {timeouts}"
