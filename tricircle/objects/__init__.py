"""The object layer: one module per resource, plain functions over the database.

Handlers call these; they return dicts shaped as the API shows them and raise
domain errors (tricircle.common.exceptions) the API maps to HTTP statuses.
"""
