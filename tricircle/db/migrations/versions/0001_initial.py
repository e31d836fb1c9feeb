"""Initial schema: pods, endpoints, routings, jobs, bindings, networking bookkeeping.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BigIntId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Timestamp = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade() -> None:
    op.create_table(
        "pods",
        sa.Column("pod_id", sa.String(36), primary_key=True),
        sa.Column("region_name", sa.String(255), nullable=False),
        sa.Column("az_name", sa.String(255), nullable=False),
        sa.Column("pod_az_name", sa.String(255), nullable=False),
        sa.Column("dc_name", sa.String(255), nullable=False),
        sa.UniqueConstraint("region_name"),
    )
    op.create_table(
        "cached_endpoints",
        sa.Column("service_id", sa.String(64), primary_key=True),
        sa.Column("pod_id", sa.String(36),
                  sa.ForeignKey("pods.pod_id", ondelete="CASCADE"), nullable=False),
        sa.Column("service_type", sa.String(64), nullable=False),
        sa.Column("service_url", sa.String(512), nullable=False),
    )
    op.create_table(
        "resource_routings",
        sa.Column("id", BigIntId, primary_key=True, autoincrement=True),
        sa.Column("top_id", sa.String(127), nullable=False),
        sa.Column("bottom_id", sa.String(127)),
        sa.Column("pod_id", sa.String(36),
                  sa.ForeignKey("pods.pod_id", ondelete="CASCADE"), nullable=False),
        sa.Column("project_id", sa.String(64)),
        sa.Column("resource_type", sa.String(64), nullable=False),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.Column("updated_at", Timestamp),
        sa.UniqueConstraint("top_id", "pod_id", "resource_type",
                            name="uniq_resource_routings0top_id0pod_id0resource_type"),
    )
    op.create_index("resource_routings_bottom_id_idx", "resource_routings", ["bottom_id"])
    op.create_index("resource_routings_project_id_resource_type_idx", "resource_routings",
                    ["project_id", "resource_type"])
    op.create_table(
        "async_jobs",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("project_id", sa.String(64), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("timestamp", Timestamp, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("resource_id", sa.String(255), nullable=False),
        sa.Column("extra_id", sa.String(36), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("error", sa.Text),
        sa.UniqueConstraint("type", "status", "resource_id", "extra_id",
                            name="uniq_async_jobs0type0status0resource_id0extra_id"),
    )
    op.create_index("async_jobs_project_id_idx", "async_jobs", ["project_id"])
    op.create_index("async_jobs_timestamp_idx", "async_jobs", ["timestamp"])
    op.create_table(
        "async_job_logs",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("project_id", sa.String(64), nullable=False),
        sa.Column("resource_id", sa.String(255), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("timestamp", Timestamp, nullable=False),
    )
    op.create_index("async_job_logs_project_id_idx", "async_job_logs", ["project_id"])
    op.create_index("async_job_logs_timestamp_idx", "async_job_logs", ["timestamp"])
    op.create_table(
        "shadow_agents",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("pod_id", sa.String(36),
                  sa.ForeignKey("pods.pod_id", ondelete="CASCADE"), nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("type", sa.String(36), nullable=False),
        sa.Column("tunnel_ip", sa.String(48), nullable=False),
        sa.UniqueConstraint("host", "type", name="uniq_shadow_agents0host0type"),
    )
    op.create_table(
        "recycle_resources",
        sa.Column("resource_id", sa.String(127), primary_key=True),
        sa.Column("resource_type", sa.String(64), nullable=False),
        sa.Column("project_id", sa.String(64), nullable=False),
    )
    op.create_table(
        "deleting_resources",
        sa.Column("resource_id", sa.String(127), primary_key=True),
        sa.Column("resource_type", sa.String(64), nullable=False),
        sa.Column("deleted_at", Timestamp, nullable=False),
    )
    op.create_table(
        "pod_bindings",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("pod_id", sa.String(36),
                  sa.ForeignKey("pods.pod_id", ondelete="CASCADE"), nullable=False),
        sa.Column("is_binding", sa.Boolean, nullable=False),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.Column("updated_at", Timestamp),
    )
    op.create_index("pod_bindings_tenant_id_idx", "pod_bindings", ["tenant_id"])
