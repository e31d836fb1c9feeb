from tricircle.api.schemas.common import LIMIT, PROJECT_ID, UUID, query_schema
from tricircle.common.constants import JOB_STATUSES, JOB_TYPES

# '#' joins resource values in the stored key, so it may not appear in one.
RESOURCE_VALUE = {"type": "string", "minLength": 1, "maxLength": 127, "pattern": "^[^#]+$"}


def _resource_rule(job_type: str, keys: tuple[str, ...]) -> dict:
    """When the type is ``job_type``, the resource must hold exactly ``keys``."""
    return {
        "if": {"properties": {"type": {"const": job_type}}, "required": ["type"]},
        "then": {"properties": {"resource": {
            "type": "object",
            "properties": {key: RESOURCE_VALUE for key in keys},
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
