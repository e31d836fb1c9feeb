"""``openstack multiregion region status``: one line per pod, for a quick health look."""

import argparse
from collections import Counter

from osc_lib.command import command

from tricircleclient import catalog
from tricircleclient.commands import common

# Shown when the session has no catalog (token + endpoint auth): unknown, not "no".
UNKNOWN = "-"


class RegionStatus(command.Lister):
    """Show each pod's region, AZ, catalog endpoints and failed/new job counts"""

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

        headers = ["Region", "Availability Zone", "Compute", "Network", "Volume",
                   "Failed Jobs", "New Jobs"]
        if args.long:
            headers += ["Pod ID", "Data Center"]
        lines = []
        for pod in pods:
            found = (catalog.region_services(services, pod["region_name"])
                     if services is not None else None)
            line = [pod["region_name"], pod.get("az_name") or "",
                    *(_yes_no(found, name) for name in catalog.SERVICE_TYPES),
                    failed[pod["pod_id"]], new[pod["pod_id"]]]
            if args.long:
                line += [pod["pod_id"], pod.get("dc_name") or ""]
            lines.append(tuple(line))
        return tuple(headers), lines


def _jobs_per_pod(tricircle, status: str) -> Counter:
    """Jobs in ``status`` counted by the pod their resource names (if it names one)."""
    return Counter(job["resource"].get("pod_id")
                   for job in tricircle.jobs.iterate(status=status)
                   if isinstance(job.get("resource"), dict))


def _yes_no(found: dict[str, bool] | None, service: str) -> str:
    if found is None:
        return UNKNOWN
    return "yes" if found[service] else "no"
