"""Index async_jobs by (status, timestamp): the order the worker claims in.

A worker claims the oldest due NEW jobs ``FOR UPDATE SKIP LOCKED``. Without an
index in that order, MariaDB reads and sorts every NEW job and locks all it
read, so a second worker's scan finds everything locked and claims nothing.
With it, a scan stops after the jobs it takes and locks only those.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("async_jobs_status_timestamp_idx", "async_jobs", ["status", "timestamp"])


def downgrade() -> None:
    op.drop_index("async_jobs_status_timestamp_idx", "async_jobs")
