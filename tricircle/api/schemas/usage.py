from tricircle.api.schemas.common import PROJECT_ID, query_schema

# No query parameters: the project is in the path.
SHOW_QUERY = query_schema()
PATH_PROJECT_ID = PROJECT_ID
