"""Tricircle's Horizon plugin: the operator's and tenant's view of what only
Tricircle knows (regions, resource routings, jobs, tenant-to-pod bindings)."""
