"""Alembic environment: runs migrations on the connection tricircle-manage hands over."""

from alembic import context

from tricircle.db import models

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through tricircle-manage db sync")

context.configure(connection=connection, target_metadata=models.Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
