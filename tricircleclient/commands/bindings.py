"""``openstack multiregion binding ...``: which pod of an AZ a tenant is bound to."""

import argparse

from osc_lib.command import command

from tricircleclient.commands import common

LIST_COLUMNS = (
    ("ID", "id", False),
    ("Tenant", "tenant_id", False),
    ("Pod", "pod_id", False),
    ("Availability Zone", "az_name", False),
    ("Current", "is_binding", False),
    ("Created At", "created_at", True),
    ("Updated At", "updated_at", True),
)


class ListBindings(command.Lister):
    """List tenant to pod bindings"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("--tenant-id", metavar="<tenant_id>",
                            help="Only bindings of this tenant (project)")
        parser.add_argument("--pod-id", metavar="<pod_id>", help="Only bindings to this pod")
        parser.add_argument("--availability-zone", metavar="<az_name>", dest="az_name",
                            help="Only bindings in this availability zone")
        common.add_current_flags(parser, "Only current bindings",
                                 "Only bindings that are not current")
        common.add_long(parser)
        common.add_paging(parser, "List bindings after this binding ID")
        return parser

    def take_action(self, args: argparse.Namespace) -> tuple:
        bindings = common.collect(common.client(self).bindings, args,
                                  tenant_id=args.tenant_id, pod_id=args.pod_id,
                                  az_name=args.az_name, is_binding=args.is_binding)
        return common.list_output(bindings, LIST_COLUMNS, args.long)


class CreateBinding(command.ShowOne):
    """Bind a tenant to a pod of an availability zone"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("--tenant-id", metavar="<tenant_id>", required=True,
                            help="Tenant (project) to bind")
        parser.add_argument("--pod-id", metavar="<pod_id>", required=True,
                            help="Pod to bind it to (the pod's AZ is the binding's AZ)")
        common.add_current_flags(
            parser, "Make it the tenant's current binding in that AZ (default)",
            "Record the binding without making it current")
        return parser

    def take_action(self, args: argparse.Namespace) -> tuple:
        binding = common.client(self).bindings.create(args.tenant_id, args.pod_id,
                                                      is_binding=args.is_binding)
        return common.show(binding)


class ShowBinding(command.ShowOne):
    """Show a binding's details"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("binding", metavar="<binding>", help="Binding ID")
        return parser

    def take_action(self, args: argparse.Namespace) -> tuple:
        return common.show(common.client(self).bindings.get(args.binding))


class SetBinding(command.Command):
    """Move a binding to another pod of its AZ, or make it (not) current"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("binding", metavar="<binding>", help="Binding ID")
        parser.add_argument("--pod-id", metavar="<pod_id>", help="New pod of the same AZ")
        common.add_current_flags(parser, "Make it the tenant's current binding",
                                 "Make it not current")
        return parser

    def take_action(self, args: argparse.Namespace) -> None:
        common.client(self).bindings.update(args.binding, pod_id=args.pod_id,
                                            is_binding=args.is_binding)


class DeleteBinding(command.Command):
    """Delete binding(s)"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("bindings", metavar="<binding>", nargs="+",
                            help="Binding ID(s)")
        return parser

    def take_action(self, args: argparse.Namespace) -> None:
        common.delete_each("binding", args.bindings, common.client(self).bindings.delete)
