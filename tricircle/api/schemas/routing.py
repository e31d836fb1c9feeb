from tricircle.api.schemas.common import (
    LIMIT,
    PROJECT_ID,
    TIME_FILTER,
    UUID,
    query_schema,
    text,
    wrapped,
)
from tricircle.common.constants import RESOURCE_TYPES

# resource_routings.top_id and bottom_id are String(127).
RESOURCE_ID = text(127, min_length=1)
RESOURCE_TYPE = {"type": "string", "enum": list(RESOURCE_TYPES)}
# 18 digits always fit the BIGINT id column.
ROUTING_ID = {"type": "string", "pattern": "^[0-9]{1,18}$"}

_FIELDS = {
    "top_id": RESOURCE_ID,
    "bottom_id": {"anyOf": [RESOURCE_ID, {"type": "null"}]},
    "pod_id": UUID,
    "project_id": PROJECT_ID,
    "resource_type": RESOURCE_TYPE,
}

CREATE = wrapped("routing", _FIELDS,
                 required=["top_id", "bottom_id", "pod_id", "project_id", "resource_type"])
UPDATE = wrapped("routing", _FIELDS, min_properties=1)
LIST_QUERY = query_schema(
    id=ROUTING_ID, top_id=RESOURCE_ID, bottom_id=RESOURCE_ID, pod_id=UUID,
    project_id=PROJECT_ID, resource_type=RESOURCE_TYPE,
    created_at=TIME_FILTER, updated_at=TIME_FILTER, limit=LIMIT, marker=ROUTING_ID)
