"""Add quota_locks.generation: bumped by every take of a project's quota lease.

A tricircle-api process that counted a project's usage for its own create
keeps that count for ``[gateway] usage_cache_seconds``. The count is still
right for the project's next create only when no other create of the
project, in any process, took the lease in between: the generation tells.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("quota_locks", sa.Column("generation", sa.Integer(), nullable=False,
                                           server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("quota_locks") as batch:
        batch.drop_column("generation")
