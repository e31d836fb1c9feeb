"""``openstack multiregion networking pod ...``: the regions Tricircle manages."""

import argparse

from osc_lib.command import command

from tricircleclient.commands import common

LIST_COLUMNS = (
    ("ID", "pod_id", False),
    ("Region Name", "region_name", False),
    ("Availability Zone", "az_name", True),
    ("Pod Availability Zone", "pod_az_name", True),
    ("Data Center", "dc_name", True),
)


def _add_fields(parser: argparse.ArgumentParser, region_required: bool) -> None:
    parser.add_argument("--region-name", metavar="<region_name>", required=region_required,
                        help="Region name registered in Keystone")
    parser.add_argument("--availability-zone", metavar="<az_name>", dest="az_name",
                        help="Availability zone the pod belongs to; omit for the central pod")
    parser.add_argument("--pod-availability-zone", metavar="<pod_az_name>",
                        dest="pod_az_name",
                        help="Availability zone used inside the region when forwarding")
    parser.add_argument("--data-center", metavar="<dc_name>", dest="dc_name",
                        help="Data center the region runs in")


def _fields(args: argparse.Namespace) -> dict:
    return {"region_name": args.region_name, "az_name": args.az_name,
            "pod_az_name": args.pod_az_name, "dc_name": args.dc_name}


class ListPods(command.Lister):
    """List pods"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("--region-name", metavar="<region_name>",
                            help="Only the pod of this region")
        parser.add_argument("--availability-zone", metavar="<az_name>", dest="az_name",
                            help="Only pods of this availability zone")
        common.add_long(parser)
        common.add_paging(parser, "List pods after this pod ID")
        return parser

    def take_action(self, args: argparse.Namespace) -> tuple:
        pods = common.collect(common.client(self).pods, args, region_name=args.region_name,
                              az_name=args.az_name)
        return common.list_output(pods, LIST_COLUMNS, args.long)


class CreatePod(command.ShowOne):
    """Create a pod"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_fields(parser, region_required=True)
        return parser

    def take_action(self, args: argparse.Namespace) -> tuple:
        return common.show(common.client(self).pods.create(**_fields(args)))


class ShowPod(command.ShowOne):
    """Show a pod's details"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("pod", metavar="<pod>", help="Pod ID")
        return parser

    def take_action(self, args: argparse.Namespace) -> tuple:
        return common.show(common.client(self).pods.get(args.pod))


HEALTH_COLUMNS = (
    ("Service", "service_type", False),
    ("State", "state", False),
    ("Failures", "failures", False),
    ("Since", "since", False),
    ("Last Error", "last_error", False),
    ("Reported By", "reported_by", True),
    ("Reported At", "reported_at", True),
)


class ShowPodHealth(command.Lister):
    """Show the gateway's circuit breaker of each service of a pod (as last recorded)"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("pod", metavar="<pod>", help="Pod ID")
        common.add_long(parser)
        return parser

    def take_action(self, args: argparse.Namespace) -> tuple:
        services = common.client(self).pods.health(args.pod)["services"]
        rows = [{"service_type": name, **state} for name, state in sorted(services.items())]
        return common.list_output(rows, HEALTH_COLUMNS, args.long)


class SetPod(command.Command):
    """Change a pod's fields"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("pod", metavar="<pod>", help="Pod ID")
        _add_fields(parser, region_required=False)
        return parser

    def take_action(self, args: argparse.Namespace) -> None:
        common.client(self).pods.update(args.pod, **_fields(args))


class DeletePod(command.Command):
    """Delete pod(s)"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("pods", metavar="<pod>", nargs="+", help="Pod ID(s)")
        parser.add_argument("--force", action="store_true", default=False,
                            help="Also delete the routings that still point at the pod")
        return parser

    def take_action(self, args: argparse.Namespace) -> None:
        pods = common.client(self).pods
        common.delete_each("pod", args.pods, lambda pod: pods.delete(pod, force=args.force))
