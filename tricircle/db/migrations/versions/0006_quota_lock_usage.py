"""Add quota_locks.usage: the usage a project's last create left for the next one.

With ``[gateway] usage_cache_seconds`` a create starts from the usage the
project's previous create counted, when no other create came in between (the
generation). That count was kept in the process that made the create, so a
next create served by another tricircle-api process counted every region
again; kept on the lease row, it is found by any process.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("quota_locks", sa.Column("usage", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("quota_locks") as batch:
        batch.drop_column("usage")
