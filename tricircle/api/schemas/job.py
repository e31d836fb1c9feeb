from tricircle.api.schemas.common import (
    CONTROL_CHARACTERS,
    LIMIT,
    PROJECT_ID,
    UUID,
    query_schema,
    text,
)
from tricircle.common.constants import JOB_STATUSES, JOB_TYPES

# The resource values are stored joined by '#' in async_jobs.resource_id,
# String(255); a value is an id of at most 127 characters like a routing's.
RESOURCE_ID_COLUMN = 255
MAX_RESOURCE_VALUE = 127


def resource_value(key_count: int) -> dict:
    """One value of a resource of ``key_count`` keys: no '#' (it joins them), and
    short enough that all of them joined fit the column."""
    room = (RESOURCE_ID_COLUMN - (key_count - 1)) // key_count
    return text(min(MAX_RESOURCE_VALUE, room), min_length=1,
                pattern=f"^[^#{CONTROL_CHARACTERS}]+$")


def _resource_rule(job_type: str, keys: tuple[str, ...]) -> dict:
    """When the type is ``job_type``, the resource must hold exactly ``keys``."""
    return {
        "if": {"properties": {"type": {"const": job_type}}, "required": ["type"]},
        "then": {"properties": {"resource": {
            "type": "object",
            "properties": {key: resource_value(len(keys)) for key in keys},
            "required": list(keys),
            "additionalProperties": False,
        }}},
    }


CREATE = {
    "type": "object",
    "properties": {"job": {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": sorted(JOB_TYPES)},
            "project_id": PROJECT_ID,
            "resource": {"type": "object"},
        },
        "required": ["type", "project_id", "resource"],
        "additionalProperties": False,
        "allOf": [_resource_rule(t, keys) for t, keys in JOB_TYPES.items()],
    }},
    "required": ["job"],
    "additionalProperties": False,
}

_STATUS = {"type": "string", "enum": [s for s in JOB_STATUSES]
           + [s.lower() for s in JOB_STATUSES]}
LIST_QUERY = query_schema(project_id=PROJECT_ID, type={"type": "string",
                          "enum": sorted(JOB_TYPES)}, status=_STATUS, limit=LIMIT,
                          marker=UUID)
