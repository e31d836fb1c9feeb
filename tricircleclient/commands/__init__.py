"""OpenStackClient commands, one module per resource."""
