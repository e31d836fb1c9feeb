"""``openstack multiregion usage show``: a project's usage per region and in total."""

import argparse

from osc_lib.command import command

from tricircleclient.commands import common


class ShowUsage(command.ShowOne):
    """Show a project's resource usage per region and in total"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("project", metavar="<project>", help="Project ID")
        return parser

    def take_action(self, args: argparse.Namespace) -> tuple:
        return common.show(common.client(self).usages.get(args.project))
