"""Add quota_locks: one lease row per (project, service) for central quota.

The gateway holds a project's lease from the quota check of a create until the
region has counted what it made, so parallel creates through any number of
tricircle-api processes cannot all pass one check (tricircle.objects.quota_lock).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# As in 0001: MySQL/MariaDB keep whole seconds unless asked.
Timestamp = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade() -> None:
    op.create_table(
        "quota_locks",
        sa.Column("project_id", sa.String(64), primary_key=True),
        sa.Column("service_type", sa.String(64), primary_key=True),
        sa.Column("holder", sa.String(36)),
        sa.Column("expires_at", Timestamp),
    )


def downgrade() -> None:
    op.drop_table("quota_locks")
