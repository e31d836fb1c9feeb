"""A warning on every page whose lists miss a region.

Tricircle's gateway answers a list with the regions that did not answer named
in ``X-Tricircle-Partial`` (a region that is down must not empty the page).
Stock Horizon never looks at response headers, so the plugin does: every HTTP
answer Horizon's clients receive (novaclient, cinderclient and keystoneauth all
send through ``requests``) is looked at for the header, and the regions it
names are gathered per request; before the page is rendered, one warning
message names them.

``_90_tricircle.py`` adds :class:`PartialListMiddleware` to Horizon's
MIDDLEWARE; the hook on ``requests`` is installed when Django loads it.
"""

import contextvars
import functools

import requests
from django.utils.translation import gettext_lazy as _

HEADER = "X-Tricircle-Partial"

# The regions named so far while serving the current request (None: outside one).
_LEFT_OUT: contextvars.ContextVar[set | None] = contextvars.ContextVar(
    "tricircle_left_out", default=None)


def regions_named(value: str | None) -> set[str]:
    """The region names of one header value ("RegionTwo, RegionThree")."""
    return {name.strip() for name in (value or "").split(",") if name.strip()}


def note(response) -> None:
    """Remember the regions a response says it left out."""
    left_out = _LEFT_OUT.get()
    if left_out is not None:
        left_out |= regions_named(response.headers.get(HEADER))


def _watch_requests() -> None:
    send = requests.Session.send
    if getattr(send, "tricircle_watched", False):
        return

    @functools.wraps(send)
    def watched(session, prepared, **kwargs):
        response = send(session, prepared, **kwargs)
        note(response)
        return response

    watched.tricircle_watched = True
    requests.Session.send = watched


def warning_text(regions: set[str]) -> str:
    return _("This page may be incomplete: %(regions)s did not answer, so what "
             "lives there is not shown.") % {"regions": ", ".join(sorted(regions))}


class PartialListMiddleware:
    """Collects the regions left out while a view runs and warns about them."""

    def __init__(self, get_response):
        self.get_response = get_response
        _watch_requests()

    def __call__(self, request):
        token = _LEFT_OUT.set(set())
        try:
            return self.get_response(request)
        finally:
            _LEFT_OUT.reset(token)

    def process_template_response(self, request, response):
        # Runs after the view fetched its data and before the page is rendered,
        # so the message shows on this very page.
        left_out = _LEFT_OUT.get()
        if left_out:
            from horizon import messages  # Horizon's settings must be loaded first
            messages.warning(request, warning_text(left_out))
        return response
