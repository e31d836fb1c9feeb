"""``openstack multiregion networking job ...``: tricircle-xjob's asynchronous jobs."""

import argparse

from osc_lib.cli import parseractions
from osc_lib.command import command

from tricircleclient.commands import common

STATUSES = ("NEW", "RUNNING", "SUCCESS", "FAIL")

# Resource ids the retired client took as options; kept so old scripts work.
# Any other id the server's schema names can be given with --resource KEY=VALUE.
RESOURCE_OPTIONS = ("pod_id", "router_id", "network_id", "port_id", "trunk_id", "subnet_id",
                    "portchain_id", "net_id", "policy_id", "rule_id")

LIST_COLUMNS = (
    ("ID", "id", False),
    ("Project", "project_id", False),
    ("Status", "status", False),
    ("Timestamp", "timestamp", False),
    ("Type", "type", False),
    ("Resource", "resource", True),
    ("Attempts", "attempts", True),
    ("Error", "error", True),
)


def _status(value: str) -> str:
    # Accept any case, as the retired client did; the server stores upper case.
    if value.upper() not in STATUSES:
        raise argparse.ArgumentTypeError(
            f"invalid status {value!r} (choose from {', '.join(STATUSES)})")
    return value.upper()


class ListJobs(command.Lister):
    """List asynchronous jobs"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("--project-id", metavar="<project_id>",
                            help="Only jobs of this project")
        parser.add_argument("--type", metavar="<type>", help="Only jobs of this type")
        parser.add_argument("--status", metavar="<status>", type=_status,
                            help=f"Only jobs in this status: {', '.join(STATUSES)}")
        common.add_long(parser)
        common.add_paging(parser, "List jobs after this job ID")
        return parser

    def take_action(self, args: argparse.Namespace) -> tuple:
        jobs = common.collect(common.client(self).jobs, args, project_id=args.project_id,
                              type=args.type, status=args.status)
        return common.list_output(jobs, LIST_COLUMNS, args.long)


class CreateJob(command.ShowOne):
    """Create an asynchronous job"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("--type", metavar="<type>", required=True,
                            help="Job type ('job schemas' lists them)")
        parser.add_argument("--project-id", "--project_id", metavar="<project_id>",
                            dest="project_id", required=True, help="Project of the job")
        parser.add_argument("--resource", metavar="<key=value>", default={},
                            action=parseractions.KeyValueAction,
                            help="A resource id the job type needs (repeat for several)")
        for name in RESOURCE_OPTIONS:
            parser.add_argument("--" + name.replace("_", "-"), "--" + name, dest=name,
                                metavar=f"<{name}>", help=f"Same as --resource {name}=...")
        return parser

    def take_action(self, args: argparse.Namespace) -> tuple:
        resource = dict(args.resource)
        resource.update({name: getattr(args, name) for name in RESOURCE_OPTIONS
                         if getattr(args, name) is not None})
        job = common.client(self).jobs.create(args.type, args.project_id, resource)
        return common.show(job)


class ShowJob(command.ShowOne):
    """Show an asynchronous job's details"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("job", metavar="<job>", help="Job ID")
        return parser

    def take_action(self, args: argparse.Namespace) -> tuple:
        return common.show(common.client(self).jobs.get(args.job))


class RedoJob(command.ShowOne):
    """Queue a new or failed job again"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("job", metavar="<job>", help="Job ID")
        return parser

    def take_action(self, args: argparse.Namespace) -> tuple:
        return common.show(common.client(self).jobs.redo(args.job))


class DeleteJob(command.Command):
    """Delete asynchronous job(s) that are not running"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("jobs", metavar="<job>", nargs="+", help="Job ID(s)")
        return parser

    def take_action(self, args: argparse.Namespace) -> None:
        common.delete_each("job", args.jobs, common.client(self).jobs.delete)


class ListJobSchemas(command.Lister):
    """List job types, the resource ids each one needs and whether a worker runs it"""

    def take_action(self, args: argparse.Namespace) -> tuple:
        schemas = common.client(self).jobs.schemas()
        return (("Type", "Resource", "Handled"),
                common.rows(schemas, ("type", "resource", "handled")))
