"""Domain errors. Each one says which HTTP status it means, so the API turns
it into the right answer in one place instead of in every handler."""

# Most characters of a caller's value an error message repeats: enough to
# recognise it, never the whole of a huge or hostile input.
EXCERPT_LENGTH = 64


def excerpt(value: object, limit: int = EXCERPT_LENGTH) -> str:
    """``value`` as text, cut to ``limit`` characters with an ellipsis when longer."""
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "..."


class TricircleError(Exception):
    """Base class; ``status`` is the HTTP status the API answers with."""

    status = 500

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Invalid(TricircleError):
    status = 400


class Forbidden(TricircleError):
    status = 403


class NotFound(TricircleError):
    status = 404

    def __init__(self, kind: str, ident: object):
        super().__init__(f"{kind} {excerpt(ident)} could not be found.")


class Conflict(TricircleError):
    status = 409


class TooLarge(TricircleError):
    status = 413


class DatabaseUnavailable(TricircleError):
    """The database cannot serve the request now; ``retry_after`` (seconds) when
    trying again soon is likely to work."""

    status = 503

    def __init__(self, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class RegionUnreachable(TricircleError):
    status = 503

    def __init__(self, region_name: str, reason: str = ""):
        detail = f": {reason}" if reason else ""
        super().__init__(f"region {region_name} is unreachable{detail}")
        self.region_name = region_name


class MarkerNotFound(Invalid):
    def __init__(self, marker: object):
        super().__init__(f"Invalid input for field 'marker': {excerpt(marker)} names no item of "
                         "this list.")
