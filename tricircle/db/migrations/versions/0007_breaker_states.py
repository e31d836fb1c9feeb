"""Add breaker_states: the gateway's circuit breaker of each pod and service, as last seen.

The breakers live in each tricircle-api process; a process records in this
table when one of its breakers opens or closes (transitions only, never per
call), so the admin API (GET /v1.0/pods/{pod_id}/health) and the Regions panel
show what the gateway learnt, whichever process learnt it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# As in 0001: MySQL/MariaDB keep whole seconds unless asked.
Timestamp = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade() -> None:
    op.create_table(
        "breaker_states",
        sa.Column("pod_id", sa.String(36), sa.ForeignKey("pods.pod_id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("service_type", sa.String(64), primary_key=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("since", Timestamp, nullable=False),
        sa.Column("reported_at", Timestamp, nullable=False),
        sa.Column("last_error", sa.String(255)),
        sa.Column("reported_by", sa.String(255), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("breaker_states")
