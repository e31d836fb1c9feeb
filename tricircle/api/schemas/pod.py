from tricircle.api.schemas.common import BOOLEAN_STRING, LIMIT, NAME, UUID, query_schema, wrapped

REGION_NAME = {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^\\S(.*\\S)?$"}
_FIELDS = {"region_name": REGION_NAME, "az_name": NAME, "pod_az_name": NAME, "dc_name": NAME}

CREATE = wrapped("pod", _FIELDS, required=["region_name"])
UPDATE = wrapped("pod", _FIELDS, min_properties=1)
LIST_QUERY = query_schema(region_name=NAME, az_name=NAME, limit=LIMIT, marker=UUID)
DELETE_QUERY = query_schema(force=BOOLEAN_STRING)
