"""Drop recycle_resources and deleting_resources: nothing wrote either table.

resource_recycle finds the bottom resources left behind by the routings whose
top resource central Neutron no longer has, so a list of them of its own
(recycle_resources) only duplicated that, and no code ever wrote it.
deleting_resources was never used at all. Any rows are dropped with the
tables; the downgrade recreates them empty, as 0001 made them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# As in 0001: MySQL/MariaDB keep whole seconds unless asked.
Timestamp = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade() -> None:
    op.drop_table("recycle_resources")
    op.drop_table("deleting_resources")


def downgrade() -> None:
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
