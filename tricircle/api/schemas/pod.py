from tricircle.api.schemas.common import (
    BOOLEAN_STRING,
    CONTROL_CHARACTERS,
    LIMIT,
    NAME,
    TEXT_CHARACTER,
    UUID,
    query_schema,
    text,
    wrapped,
)

# No leading or trailing blanks: Keystone region ids never have them.
_EDGE = f"[^\\s{CONTROL_CHARACTERS}]"
REGION_NAME = text(255, min_length=1, pattern=f"^{_EDGE}({TEXT_CHARACTER}*{_EDGE})?$")
_FIELDS = {"region_name": REGION_NAME, "az_name": NAME, "pod_az_name": NAME, "dc_name": NAME}

CREATE = wrapped("pod", _FIELDS, required=["region_name"])
UPDATE = wrapped("pod", _FIELDS, min_properties=1)
LIST_QUERY = query_schema(region_name=NAME, az_name=NAME, limit=LIMIT, marker=UUID)
DELETE_QUERY = query_schema(force=BOOLEAN_STRING)
