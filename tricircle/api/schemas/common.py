"""Schema pieces shared by the resources' request schemas.

String lengths are the sizes of the columns that store them
(tricircle.db.models), so a value the schema accepts always fits.
"""

# Control characters (NUL first: PostgreSQL refuses it in text) and lone
# surrogates (no database can encode them) have no place in a name or an id:
# every string pattern leaves them out. ("$" in these patterns is the end of
# the value, as in ECMA-262; tricircle.api.util validates so.)
CONTROL_CHARACTERS = "\\x00-\\x1f\\x7f\\ud800-\\udfff"
TEXT_CHARACTER = f"[^{CONTROL_CHARACTERS}]"


def text(max_length: int, min_length: int = 0, pattern: str | None = None) -> dict:
    """A string of at most ``max_length`` characters, by default any but control
    characters (a ``pattern`` given must leave them out too)."""
    schema = {"type": "string", "maxLength": max_length,
              "pattern": pattern or f"^{TEXT_CHARACTER}*$"}
    if min_length:
        schema["minLength"] = min_length
    return schema


UUID = {"type": "string", "format": "uuid", "maxLength": 36}
NAME = text(255)
PROJECT_ID = text(64, min_length=1, pattern=f"^[^#\\s{CONTROL_CHARACTERS}]+$")
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
