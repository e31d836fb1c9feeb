"""Managers of the admin API v1.0, one module per resource."""
