"""`tricircle-manage db import`: move a retired Tricircle or Trio2o database into this schema.

The source is only read. Every row is matched on what identifies it (a pod by
id, a routing by top id + pod + type, a binding by tenant + pod, a job or a
job log by id, a shadow agent by host + type), so a second import adds
nothing and changes nothing. What has no place here is counted with the
reason, never dropped silently: the caller prints the report.
"""

import dataclasses
from collections import Counter
from collections.abc import Iterable, Iterator

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tricircle.common import constants
from tricircle.db import api, models
from tricircle.objects.job import SINGLETON_EXTRA_ID

# Tables that say which retired project a database comes from.
TRICIRCLE_MARK, TRIO2O_MARK = "resource_routings", "cascaded_pods"

# Retired tables with no place in this schema, and why (the report says it).
NOT_MAPPED = {
    "cached_endpoints": "refreshed from the Keystone catalog",
    "cascaded_pod_service_configuration": "refreshed from the Keystone catalog",
    "recycle_resources": "xjob's resource_recycle job finds leftovers itself",
    "deleting_resources": "central Neutron queues bottom_delete jobs instead",
    "job": "Trio2o's job rows were locks of requests long finished",
    "instance_types": "flavors live in the regions (the gateway writes one to every region)",
    "instance_type_projects": "flavors live in the regions",
    "instance_type_extra_specs": "flavors live in the regions",
    "quotas": "central quota is Keystone unified limits: `openstack limit create`",
    "quota_classes": "central quota is Keystone unified limits: "
                     "`openstack registered limit create`",
    "quota_usages": "usage is counted live in the regions",
    "reservations": "usage is counted live in the regions",
    "volume_types": "volume types live in the regions",
    "volume_type_extra_specs": "volume types live in the regions",
    "volume_type_projects": "volume types live in the regions",
    "quality_of_service_specs": "QoS specs live in the regions",
    "aggregates": "each region's host aggregates are its own",
    "aggregate_metadata": "each region's host aggregates are its own",
    "key_pairs": "key pairs live in the regions (the gateway writes one to every region)",
}


@dataclasses.dataclass
class Report:
    """What an import did: per table, rows added, rows already there, rows left out."""

    source: str = ""
    added: Counter = dataclasses.field(default_factory=Counter)
    present: Counter = dataclasses.field(default_factory=Counter)
    skipped: list[str] = dataclasses.field(default_factory=list)

    def skip(self, what: str) -> None:
        self.skipped.append(what)

    def lines(self) -> list[str]:
        lines = [f"imported a retired {self.source} database"]
        for table in sorted(set(self.added) | set(self.present)):
            lines.append(f"  {table}: {self.added[table]} added, "
                         f"{self.present[table]} already present")
        if self.skipped:
            lines.append("not imported:")
            lines += [f"  {what}" for what in self.skipped]
        return lines


class UnknownSource(ValueError):
    """The database holds neither a retired Tricircle nor a Trio2o schema."""


def import_database(url: str) -> Report:
    """Import the retired database at ``url`` into the configured one."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as source:
            tables = set(sa.inspect(source).get_table_names())
            kind = _kind(tables)
            report = Report(source=kind)
            _run(source, tables, kind, report)
    finally:
        engine.dispose()
    return report


def _kind(tables: set[str]) -> str:
    if TRICIRCLE_MARK in tables and "pods" in tables:
        return "Tricircle"
    if TRIO2O_MARK in tables:
        return "Trio2o"
    raise UnknownSource("the database holds neither a retired Tricircle schema (pods, "
                        "resource_routings) nor a Trio2o one (cascaded_pods)")


@api.writer
def _run(session: Session, source: sa.Connection, tables: set[str], kind: str,
         report: Report) -> None:
    def rows(name: str) -> Iterator[dict]:
        if name not in tables:
            return iter(())
        table = sa.Table(name, sa.MetaData(), autoload_with=source)
        return (dict(row._mapping) for row in source.execute(sa.select(table)))

    if kind == "Tricircle":
        _pods(session, rows("pods"), "region_name", report)
        _routings(session, rows("resource_routings"), report)
        _jobs(session, rows("async_jobs"), report)
        _job_logs(session, rows("async_job_logs"), report)
        _shadow_agents(session, rows("shadow_agents"), report)
    else:
        _pods(session, rows("cascaded_pods"), "pod_name", report)
        _routings(session, rows("cascaded_pods_resource_routing"), report)
        _bindings(session, rows("pod_binding"), report)
    for name in sorted(tables & set(NOT_MAPPED)):
        count = sum(1 for _ in rows(name))
        if count:
            report.skip(f"{name}: {count} rows ({NOT_MAPPED[name]})")


def _exists(session: Session, model: type, **match) -> bool:
    query = sa.select(sa.func.count()).select_from(model).filter_by(**match)
    return session.execute(query).scalar_one() > 0


def _add(session: Session, model: type, report: Report, match: dict, values: dict) -> None:
    table = model.__tablename__
    if _exists(session, model, **match):
        report.present[table] += 1
        return
    session.execute(sa.insert(model).values(**values))
    report.added[table] += 1


def _pods(session: Session, rows: Iterable[dict], name_column: str, report: Report) -> None:
    for row in rows:
        region = row[name_column]
        taken = session.execute(sa.select(models.Pod.pod_id).filter_by(
            region_name=region)).scalar_one_or_none()
        if taken is not None and taken != row["pod_id"]:
            report.skip(f"pod {row['pod_id']}: region {region} is already pod {taken}")
            continue
        _add(session, models.Pod, report, {"pod_id": row["pod_id"]}, {
            "pod_id": row["pod_id"], "region_name": region,
            "az_name": row.get("az_name") or "", "pod_az_name": row.get("pod_az_name") or "",
            "dc_name": row.get("dc_name") or ""})


def _pod_known(session: Session, pod_id: str) -> bool:
    return _exists(session, models.Pod, pod_id=pod_id)


def _routings(session: Session, rows: Iterable[dict], report: Report) -> None:
    for row in rows:
        what = f"routing {row['id']} ({row['resource_type']} {row['top_id']})"
        if row["resource_type"] not in constants.RESOURCE_TYPES:
            report.skip(f"{what}: resource type {row['resource_type']!r} is not routed here")
            continue
        if not _pod_known(session, row["pod_id"]):
            report.skip(f"{what}: its pod {row['pod_id']} was not imported")
            continue
        match = {"top_id": row["top_id"], "pod_id": row["pod_id"],
                 "resource_type": row["resource_type"]}
        _add(session, models.ResourceRouting, report, match, {
            **match, "bottom_id": row["bottom_id"], "project_id": row["project_id"],
            "created_at": row.get("created_at") or models.utcnow(),
            "updated_at": row.get("updated_at")})


def _jobs(session: Session, rows: Iterable[dict], report: Report) -> None:
    for row in rows:
        if row["type"] not in constants.JOB_TYPES:
            report.skip(f"job {row['id']}: type {row['type']!r} has no handler here")
            continue
        status = row["status"]
        if status == constants.JOB_SUCCESS:
            report.skip(f"job {row['id']}: finished (SUCCESS) yet still queued; left out")
            continue
        if status == constants.JOB_FAIL:
            extra_id = row["id"]
        else:
            # The retired worker that held a RUNNING job is gone: queue it again
            # (jobs are idempotent), with the extra id every queued job carries.
            status, extra_id = constants.JOB_NEW, SINGLETON_EXTRA_ID
        values = {"id": row["id"], "project_id": row["project_id"], "type": row["type"],
                  "timestamp": row["timestamp"], "status": status,
                  "resource_id": row["resource_id"], "extra_id": extra_id, "attempts": 0}
        # A queued job is one per (type, resource): the same work queued here
        # already (by an earlier import or by central Neutron) counts as present.
        match = ({"id": row["id"]} if status == constants.JOB_FAIL else
                 {"type": row["type"], "status": status, "resource_id": row["resource_id"],
                  "extra_id": extra_id})
        _add(session, models.AsyncJob, report, match, values)


def _job_logs(session: Session, rows: Iterable[dict], report: Report) -> None:
    for row in rows:
        _add(session, models.AsyncJobLog, report, {"id": row["id"]}, {
            "id": row["id"], "project_id": row["project_id"],
            "resource_id": row["resource_id"], "type": row["type"],
            "timestamp": row["timestamp"]})


def _shadow_agents(session: Session, rows: Iterable[dict], report: Report) -> None:
    for row in rows:
        if not _pod_known(session, row["pod_id"]):
            report.skip(f"shadow agent {row['host']}: its pod {row['pod_id']} was not imported")
            continue
        _add(session, models.ShadowAgent, report, {"host": row["host"], "type": row["type"]},
             {key: row[key] for key in ("id", "pod_id", "host", "type", "tunnel_ip")})


def _bindings(session: Session, rows: Iterable[dict], report: Report) -> None:
    for row in rows:
        if not _pod_known(session, row["pod_id"]):
            report.skip(f"binding {row['id']}: its pod {row['pod_id']} was not imported")
            continue
        _add(session, models.PodBinding, report,
             {"tenant_id": row["tenant_id"], "pod_id": row["pod_id"]}, {
                 "id": row["id"], "tenant_id": row["tenant_id"], "pod_id": row["pod_id"],
                 "is_binding": bool(row["is_binding"]),
                 "created_at": row.get("created_at") or models.utcnow(),
                 "updated_at": row.get("updated_at")})
