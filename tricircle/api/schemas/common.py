"""Schema pieces shared by the resources' request schemas."""

UUID = {"type": "string", "format": "uuid"}
NAME = {"type": "string", "maxLength": 255}
PROJECT_ID = {"type": "string", "minLength": 1, "maxLength": 64,
              "pattern": "^[^#\\s]+$"}
# Digits only: query values are strings; the handler turns them into ints.
LIMIT = {"type": "string", "pattern": "^[0-9]{1,9}$"}
BOOLEAN_STRING = {"type": "string", "enum": ["true", "false", "True", "False", "1", "0"]}
# A time filter: an ISO 8601 timestamp, optionally prefixed by an operator.
TIME_FILTER = {
    "type": "string",
    "pattern": "^((eq|gt|gte|lt|lte):)?[0-9]{4}-[0-9]{2}-[0-9]{2}"
               "([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?)?Z?$",
}


def query_schema(**properties) -> dict:
    """A query-string schema: only the named parameters, each at most once."""
    return {"type": "object", "properties": properties, "additionalProperties": False}


def wrapped(key: str, properties: dict, required: list[str] | None = None,
            min_properties: int = 0) -> dict:
    """A body schema ``{key: {...}}`` with no other members, as the API's bodies are."""
    inner = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        inner["required"] = required
    if min_properties:
        inner["minProperties"] = min_properties
    return {"type": "object", "properties": {key: inner}, "required": [key],
            "additionalProperties": False}
