"""The one schema of Tricircle: every table of both retired projects, redesigned together.

Column sizes follow the identifiers they hold: 36 for uuids we generate, 64 for
Keystone project ids, 127 for ids of resources in a region (routing ids are
not always uuids), 255 for names.
"""

import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only auto-increments an INTEGER PRIMARY KEY, not a BIGINT one.
BigIntId = BigInteger().with_variant(Integer(), "sqlite")
# MySQL/MariaDB keep whole seconds unless asked; jobs are ordered by time.
Timestamp = DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def utcnow() -> datetime.datetime:
    """Naive UTC now: every timestamp column stores UTC without a zone."""
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class TimestampMixin:
    created_at: Mapped[datetime.datetime] = mapped_column(Timestamp, default=utcnow,
                                                          nullable=False)
    updated_at: Mapped[datetime.datetime | None] = mapped_column(Timestamp, onupdate=utcnow)


class Pod(Base):
    """A region Tricircle manages; the pod with an empty az_name is the central one."""

    __tablename__ = "pods"

    pod_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region_name: Mapped[str] = mapped_column(String(255), nullable=False, unique=True)
    az_name: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    pod_az_name: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    dc_name: Mapped[str] = mapped_column(String(255), nullable=False, default="")


class CachedEndpoint(Base):
    """A service endpoint of a pod, refreshed from the Keystone catalog."""

    __tablename__ = "cached_endpoints"

    service_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    pod_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("pods.pod_id", ondelete="CASCADE"), nullable=False)
    service_type: Mapped[str] = mapped_column(String(64), nullable=False)
    service_url: Mapped[str] = mapped_column(String(512), nullable=False)


class ResourceRouting(TimestampMixin, Base):
    """Maps the id a user sees (top) to the id inside one pod (bottom)."""

    __tablename__ = "resource_routings"
    __table_args__ = (
        UniqueConstraint("top_id", "pod_id", "resource_type",
                         name="uniq_resource_routings0top_id0pod_id0resource_type"),
        Index("resource_routings_bottom_id_idx", "bottom_id"),
        Index("resource_routings_project_id_resource_type_idx",
              "project_id", "resource_type"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    top_id: Mapped[str] = mapped_column(String(127), nullable=False)
    # Null while the bottom resource is being created.
    bottom_id: Mapped[str | None] = mapped_column(String(127))
    pod_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("pods.pod_id", ondelete="CASCADE"), nullable=False)
    project_id: Mapped[str | None] = mapped_column(String(64))
    resource_type: Mapped[str] = mapped_column(String(64), nullable=False)


class AsyncJob(Base):
    """A job not finished yet (NEW, RUNNING or FAIL).

    ``resource_id`` joins the job's resource values with '#', in the order its
    type declares. The unique key makes de-duplication and locking a matter of
    one insert: NEW and RUNNING jobs carry a fixed ``extra_id`` so there is at
    most one queued and one running job per (type, resource); failed jobs carry
    their own id and can pile up as history until redone.
    """

    __tablename__ = "async_jobs"
    __table_args__ = (
        UniqueConstraint("type", "status", "resource_id", "extra_id",
                         name="uniq_async_jobs0type0status0resource_id0extra_id"),
        Index("async_jobs_project_id_idx", "project_id"),
        Index("async_jobs_timestamp_idx", "timestamp"),
        # The order workers claim in (see tricircle.xjob.jobs.claim_due).
        Index("async_jobs_status_timestamp_idx", "status", "timestamp"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    project_id: Mapped[str] = mapped_column(String(64), nullable=False)
    type: Mapped[str] = mapped_column(String(64), nullable=False)
    timestamp: Mapped[datetime.datetime] = mapped_column(Timestamp, default=utcnow,
                                                         nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    resource_id: Mapped[str] = mapped_column(String(255), nullable=False)
    extra_id: Mapped[str] = mapped_column(String(36), nullable=False)
    # Not in the retired schema: how often the job ran and why it last failed,
    # so an operator can see what went wrong without reading worker logs.
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    error: Mapped[str | None] = mapped_column(Text)


class AsyncJobLog(Base):
    """A job that finished successfully."""

    __tablename__ = "async_job_logs"
    __table_args__ = (
        Index("async_job_logs_project_id_idx", "project_id"),
        Index("async_job_logs_timestamp_idx", "timestamp"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    project_id: Mapped[str] = mapped_column(String(64), nullable=False)
    resource_id: Mapped[str] = mapped_column(String(255), nullable=False)
    type: Mapped[str] = mapped_column(String(64), nullable=False)
    timestamp: Mapped[datetime.datetime] = mapped_column(Timestamp, default=utcnow,
                                                         nullable=False)


class ShadowAgent(Base):
    """An agent of one pod, mirrored into other pods so L2 population finds it."""

    __tablename__ = "shadow_agents"
    __table_args__ = (
        UniqueConstraint("host", "type", name="uniq_shadow_agents0host0type"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    pod_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("pods.pod_id", ondelete="CASCADE"), nullable=False)
    host: Mapped[str] = mapped_column(String(255), nullable=False)
    type: Mapped[str] = mapped_column(String(36), nullable=False)
    tunnel_ip: Mapped[str] = mapped_column(String(48), nullable=False)


class PodBinding(TimestampMixin, Base):
    """Binds a project to one pod of an AZ, so its creates in that AZ land there.

    The column keeps the retired Trio2o API's name for the project, tenant_id,
    which the admin API still speaks (tricircle.objects.binding).
    """

    __tablename__ = "pod_bindings"
    __table_args__ = (
        Index("pod_bindings_tenant_id_idx", "tenant_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(64), nullable=False)
    pod_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("pods.pod_id", ondelete="CASCADE"), nullable=False)
    is_binding: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class QuotaLock(Base):
    """A lease on one project's creates of one service, so that central quota's
    check and the create it lets through happen as one step across processes
    and hosts (tricircle.objects.quota_lock)."""

    __tablename__ = "quota_locks"

    project_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    service_type: Mapped[str] = mapped_column(String(64), primary_key=True)
    # The request holding the lease, None when free; a lease past expires_at is free
    # too (its holder died or hung).
    holder: Mapped[str | None] = mapped_column(String(36))
    expires_at: Mapped[datetime.datetime | None] = mapped_column(Timestamp)
    # One more on every take: a usage count made under generation g is still the
    # project's usage at g + 1 (no other create came in between).
    generation: Mapped[int] = mapped_column(Integer, nullable=False, default=0,
                                            server_default="0")
    # The usage the last holder left for the next one (JSON written and read by
    # tricircle.gateway.quota_lease, which checks its generation); None: none.
    usage: Mapped[str | None] = mapped_column(Text)


class BreakerState(Base):
    """The last transition of the gateway's circuit breaker of one service of a pod,
    as the tricircle-api process that saw it recorded it (tricircle.gateway.breaker_states),
    so every process and the admin API see what one process learnt."""

    __tablename__ = "breaker_states"

    pod_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("pods.pod_id", ondelete="CASCADE"), primary_key=True)
    service_type: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), nullable=False)  # open or closed
    # Consecutive failures counted when the state was recorded.
    failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # When the breaker came to this state; a re-opening after a failed trial keeps it.
    since: Mapped[datetime.datetime] = mapped_column(Timestamp, nullable=False)
    # When a process last recorded anything for it (a failed trial, a state).
    reported_at: Mapped[datetime.datetime] = mapped_column(Timestamp, nullable=False)
    # The kind of the last failure (an exception class), never a URL or a body.
    last_error: Mapped[str | None] = mapped_column(String(255))
    # host:pid of the tricircle-api process that reported last.
    reported_by: Mapped[str] = mapped_column(String(255), nullable=False)
