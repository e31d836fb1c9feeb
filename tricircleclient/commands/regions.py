"""``openstack multiregion region status``: one line per pod, for a quick health look."""

import argparse
import concurrent.futures
from collections import Counter

from osc_lib.command import command

from tricircleclient import catalog, exceptions
from tricircleclient.commands import common

# Shown when the session has no catalog (token + endpoint auth): unknown, not "no".
UNKNOWN = "-"


class RegionStatus(command.Lister):
    """Show each pod's region, AZ, catalog endpoints, the gateway's breakers and
    failed/new job counts"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        common.add_long(parser)
        return parser

    def take_action(self, args: argparse.Namespace) -> tuple:
        tricircle = common.client(self)
        pods = list(tricircle.pods.iterate())
        failed = _jobs_per_pod(tricircle, "FAIL")
        new = _jobs_per_pod(tricircle, "NEW")
        services = catalog.service_catalog(tricircle.session)
        gateway = _breakers_per_pod(tricircle, [pod["pod_id"] for pod in pods])

        headers = ["Region", "Availability Zone", "Compute", "Network", "Volume",
                   "Gateway", "Failed Jobs", "New Jobs"]
        if args.long:
            headers += ["Pod ID", "Data Center"]
        lines = []
        for pod in pods:
            found = (catalog.region_services(services, pod["region_name"])
                     if services is not None else None)
            line = [pod["region_name"], pod.get("az_name") or "",
                    *(_yes_no(found, name) for name in catalog.SERVICE_TYPES),
                    gateway[pod["pod_id"]], failed[pod["pod_id"]], new[pod["pod_id"]]]
            if args.long:
                line += [pod["pod_id"], pod.get("dc_name") or ""]
            lines.append(tuple(line))
        return tuple(headers), lines


def _jobs_per_pod(tricircle, status: str) -> Counter:
    """Jobs in ``status`` counted by the pod their resource names (if it names one)."""
    return Counter(job["resource"].get("pod_id")
                   for job in tricircle.jobs.iterate(status=status)
                   if isinstance(job.get("resource"), dict))


def _breakers_per_pod(tricircle, pod_ids: list[str]) -> dict[str, str]:
    """What the gateway's breakers last saw of each pod, read a few pods at a time."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        return dict(zip(pod_ids, pool.map(lambda pod_id: _breakers(tricircle, pod_id),
                                          pod_ids), strict=True))


def _breakers(tricircle, pod_id: str) -> str:
    """The services of the pod whose breaker is open; else closed, or not called
    when the gateway has not called the pod; unknown when the health cannot be
    read (a service token, an older API)."""
    try:
        services = tricircle.pods.health(pod_id).get("services") or {}
    except exceptions.TricircleClientError:
        return UNKNOWN
    opened = [f"{name} open ({state.get('failures')} failures)"
              for name, state in sorted(services.items()) if state.get("state") != "closed"]
    if opened:
        return "; ".join(opened)
    return "closed" if services else "not called"


def _yes_no(found: dict[str, bool] | None, service: str) -> str:
    if found is None:
        return UNKNOWN
    return "yes" if found[service] else "no"
