"""``openstack multiregion resource locate``: where does this resource live?"""

import argparse

from osc_lib import exceptions as osc_exceptions
from osc_lib.command import command

from tricircleclient import exceptions
from tricircleclient.commands import common

COLUMNS = ("Routing ID", "Region", "Pod ID", "Resource Type", "Top ID", "Bottom ID",
           "Project")


class LocateResource(command.Lister):
    """Find the routings whose top or bottom ID is the given ID"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("resource", metavar="<id>",
                            help="Resource ID as seen centrally (top) or inside a region "
                                 "(bottom)")
        return parser

    def take_action(self, args: argparse.Namespace) -> tuple:
        tricircle = common.client(self)
        found: dict[int, dict] = {}
        for field in ("top_id", "bottom_id"):
            for routing in tricircle.routings.iterate(**{field: args.resource}):
                found[routing["id"]] = routing
        if not found:
            # A lookup, like 'show': finding nothing is an error scripts can test for.
            raise osc_exceptions.CommandError(
                f"No routing has {args.resource} as its top or bottom ID")
        regions: dict[str, str] = {}
        lines = []
        for routing in sorted(found.values(), key=lambda r: r["id"]):
            pod_id = routing["pod_id"]
            if pod_id not in regions:
                regions[pod_id] = _region_of(tricircle, pod_id)
            lines.append((routing["id"], regions[pod_id], pod_id, routing["resource_type"],
                          routing["top_id"], routing.get("bottom_id"),
                          routing.get("project_id")))
        return COLUMNS, lines


def _region_of(tricircle, pod_id: str) -> str:
    try:
        return tricircle.pods.get(pod_id)["region_name"]
    except exceptions.NotFound:
        # Routings of a pod deleted with --force are gone too, so this is a race.
        return ""
