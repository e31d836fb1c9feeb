"""Python client and OpenStackClient plugin for the Tricircle admin API."""
