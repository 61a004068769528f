"""Signed-in sessions end after ``SESSION_IDLE_MINUTES`` without a request, and ``SESSION_MAX_HOURS`` after the
sign-in whatever happens (docs/security.md, "Sessions").

The last activity is written to the session at most once a minute (not on every request), and the session's
own expiry follows it, so an idle session also expires in the database and in the browser.  A visitor who is not
signed in gets no session from this middleware (survey respondents never have one).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

SIGNED_IN_AT = "prongsai_signed_in_at"
SEEN_AT = "prongsai_seen_at"
#: how often the last activity is written back (seconds): the idle timeout is exact to within this
RESOLUTION = 60


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        session, now = request.session, int(time.time())
        idle, maximum = settings.SESSION_IDLE_MINUTES * 60, settings.SESSION_MAX_HOURS * 3600
        signed_in = session.get(SIGNED_IN_AT)
        seen = session.get(SEEN_AT)
        if not isinstance(signed_in, int) or not isinstance(seen, int):
            # a session from before this middleware (or a test client's force_login): start the clocks now
            session[SIGNED_IN_AT] = session[SEEN_AT] = now
            session.set_expiry(idle)
            return
        if now - seen > idle or now - signed_in > maximum:
            expired_idle = now - seen > idle
            logout(request)  # flushes the session and makes request.user anonymous
            messages.info(
                request,
                _("You were signed out after %(minutes)d minutes without activity.")
                % {"minutes": settings.SESSION_IDLE_MINUTES}
                if expired_idle
                else _("You were signed out: a session lasts at most %(hours)d hours.")
                % {"hours": settings.SESSION_MAX_HOURS},
            )
            return
        if now - seen >= RESOLUTION:
            session[SEEN_AT] = now
            session.set_expiry(min(idle, maximum - (now - signed_in)))


def start(request: HttpRequest) -> None:
    """Called at sign-in: both clocks start now."""
    now = int(time.time())
    request.session[SIGNED_IN_AT] = request.session[SEEN_AT] = now
    request.session.set_expiry(min(settings.SESSION_IDLE_MINUTES * 60, settings.SESSION_MAX_HOURS * 3600))
