"""``openstack multiregion networking routing ...``: top id -> pod and bottom id."""

import argparse

from osc_lib.command import command

from tricircleclient.commands import common

# The server's resource types; kept here because the client must not import
# the server package (the base install is client-only).
RESOURCE_TYPES = (
    "network", "subnet", "port", "router", "security_group", "trunk", "port_pair",
    "port_pair_group", "flow_classifier", "port_chain", "qos_policy", "floatingip",
    "server", "volume", "snapshot", "backup", "keypair", "server_group",
    "group", "group_snapshot", "transfer", "attachment", "message",
)

LIST_COLUMNS = (
    ("ID", "id", False),
    ("Pod", "pod_id", False),
    ("Resource Type", "resource_type", False),
    ("Top ID", "top_id", False),
    ("Bottom ID", "bottom_id", True),
    ("Project", "project_id", True),
    ("Created At", "created_at", True),
    ("Updated At", "updated_at", True),
)


def _add_fields(parser: argparse.ArgumentParser, required: bool) -> None:
    parser.add_argument("--top-id", metavar="<top_id>", required=required,
                        help="Resource ID the user sees in the central region")
    parser.add_argument("--bottom-id", metavar="<bottom_id>",
                        help="Resource ID inside the region (omit while it is being created)")
    parser.add_argument("--pod-id", metavar="<pod_id>", required=required,
                        help="Pod the resource lives in")
    parser.add_argument("--project-id", metavar="<project_id>", required=required,
                        help="Project owning the resource")
    parser.add_argument("--resource-type", metavar="<resource_type>", required=required,
                        choices=RESOURCE_TYPES,
                        help=f"Resource type, one of: {', '.join(RESOURCE_TYPES)}")


def _fields(args: argparse.Namespace) -> dict:
    return {"top_id": args.top_id, "bottom_id": args.bottom_id, "pod_id": args.pod_id,
            "project_id": args.project_id, "resource_type": args.resource_type}


class ListRoutings(command.Lister):
    """List resource routings"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("--routing", metavar="<id>", dest="id", type=int,
                            help="Only the routing with this ID")
        for field in ("top_id", "bottom_id", "pod_id", "project_id"):
            parser.add_argument("--" + field.replace("_", "-"), metavar=f"<{field}>",
                                help=f"Only routings with this {field}")
        parser.add_argument("--resource-type", metavar="<resource_type>",
                            choices=RESOURCE_TYPES, help="Only routings of this type")
        for field in ("created_at", "updated_at"):
            parser.add_argument("--" + field.replace("_", "-"), metavar="[op:]<time>",
                                help=f"Only routings with this {field}; an ISO 8601 time, "
                                     "optionally prefixed by eq:, gt:, gte:, lt: or lte:")
        common.add_long(parser)
        common.add_paging(parser, "List routings after this routing ID")
        return parser

    def take_action(self, args: argparse.Namespace) -> tuple:
        filters = {name: getattr(args, name) for name in (
            "id", "top_id", "bottom_id", "pod_id", "project_id", "resource_type",
            "created_at", "updated_at")}
        routings = common.collect(common.client(self).routings, args, **filters)
        return common.list_output(routings, LIST_COLUMNS, args.long)


class CreateRouting(command.ShowOne):
    """Create a resource routing"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_fields(parser, required=True)
        return parser

    def take_action(self, args: argparse.Namespace) -> tuple:
        return common.show(common.client(self).routings.create(**_fields(args)))


class ShowRouting(command.ShowOne):
    """Show a resource routing's details"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("routing", metavar="<routing>", help="Routing ID")
        return parser

    def take_action(self, args: argparse.Namespace) -> tuple:
        return common.show(common.client(self).routings.get(args.routing))


class SetRouting(command.Command):
    """Change a resource routing's fields (also available as 'routing update')"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("routing", metavar="<routing>", help="Routing ID")
        _add_fields(parser, required=False)
        return parser

    def take_action(self, args: argparse.Namespace) -> None:
        common.client(self).routings.update(args.routing, **_fields(args))


class DeleteRouting(command.Command):
    """Delete resource routing(s)"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("routings", metavar="<routing>", nargs="+",
                            help="Routing ID(s)")
        return parser

    def take_action(self, args: argparse.Namespace) -> None:
        common.delete_each("routing", args.routings, common.client(self).routings.delete)
