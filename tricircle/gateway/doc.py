"""The routing rule table of doc/gateway.md, generated from compute.py and volume.py.

``python -m tricircle.gateway.doc`` prints it; a unit test keeps the document current.
"""

from tricircle.gateway.app import SERVICES

# How each service's paths begin (Nova still accepts a project id; Cinder wants one).
_PREFIXES = {"compute": "/compute/v2.1[/{project_id}]", "volume": "/volume/v3/{project_id}"}


def routing_table() -> str:
    """A Markdown table: service, methods, path, what the gateway does."""
    lines = ["| service | method | path | routing |", "|---|---|---|---|"]
    for service in SERVICES.values():
        prefix = _PREFIXES[service.name]
        for rule in service.rules:
            methods = " ".join(sorted(rule.methods)) if rule.methods else "any"
            lines.append(f"| {service.name} | {methods} | `{prefix}{rule.template}` "
                         f"| {rule.note} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(routing_table(), end="")
