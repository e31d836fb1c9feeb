from tricircle.api.schemas.common import (
    BOOLEAN_STRING,
    LIMIT,
    NAME,
    PROJECT_ID,
    UUID,
    query_schema,
    wrapped,
)

CREATE = wrapped("binding", {"tenant_id": PROJECT_ID, "pod_id": UUID,
                             "is_binding": {"type": "boolean"}},
                 required=["tenant_id", "pod_id"])
UPDATE = wrapped("binding", {"pod_id": UUID, "is_binding": {"type": "boolean"}},
                 min_properties=1)
LIST_QUERY = query_schema(tenant_id=PROJECT_ID, pod_id=UUID, az_name=NAME,
                          is_binding=BOOLEAN_STRING, limit=LIMIT, marker=UUID)
