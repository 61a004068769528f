"""The lean path of the respondent's "submit" (issue 14 §1): the same view code behind fewer middleware layers.

A respondent's last tap, ``POST /surveys/form/<fid>/`` with ``action=submit``, is the one request of the surveys
that must scale to national volumes.  The project's full middleware stack spends most of its time on things this
request never uses: sessions, authentication, messages, the session timeout, CSRF (the view is exempt and checks
cross-site posts itself, ``respondent._cross_site``), static files, and URL resolution through every app's routes.

``wrap(application)`` puts a lean handler in front of the project's WSGI application:

- Only ``POST`` to exactly ``/surveys/form/<fid>/`` is tried on the lean path; every other request goes to the
  full application untouched.
- The lean chain keeps every middleware that can change this request's answer or headers, in the settings'
  order: the trusted-proxy rewrite (client address, HTTPS), the request guard (control characters, body caps),
  Django's security middleware (HTTPS redirect, HSTS, nosniff, COOP), the security headers (CSP,
  Permissions-Policy), Thai first and the locale (Content-Language), the common middleware (allowed hosts,
  Content-Length) and X-Frame-Options.  It skips, by name, the ones that do nothing for this view
  (``SKIPPED``); a middleware in the settings that is in neither list switches the lean path off, so adding
  one later can never be silently bypassed.
- The lean view (``respondent.submit_lean``) answers only the plain success: a valid, not yet submitted code
  form, every answer given, not cross-site, the code used and the answers held.  It runs the same checks and
  the same ``services.submit_response`` as the full view.  Anything else (a forged, expired or used form, a
  cross-site post, an open-link form, a missing answer, a busy database, a refusal by a middleware) is handed,
  with the original request and its body, to the full application, which gives the answer it always gave.
  Nothing is stored before that hand-over except by a successful submit; should anything fail after it (the
  response), the full application answers as for any second post of that form: "this code was used", and the
  single-use update stores nothing twice.  Only urlencoded bodies take the lean path (a multipart body is read
  by Django as a stream, so it could not be handed over intact).
- Request metrics count the lean answers as the metrics middleware would (the hand-over is counted by the full
  application's own middleware, once).
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable

from django.conf import settings
from django.core import signals
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIRequest, get_script_name
from django.http import HttpRequest, HttpResponse
from django.urls import ResolverMatch, set_script_prefix
from django.utils.module_loading import import_string

#: the only requests tried on the lean path: POST to a form's own address (``surveys/urls.py``, ``FORM``)
FORM_POST = re.compile(r"^/surveys/form/(?P<fid>[A-Za-z0-9_-]{16})/$")

#: kept, in the settings' order: each can change the answer or the headers of this request
KEPT = (
    "prongsai.web.ops.middleware.TrustedProxyMiddleware",
    "prongsai.web.middleware.RequestGuardMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "prongsai.web.middleware.SecurityHeadersMiddleware",
    "prongsai.web.middleware.ThaiFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
)
#: skipped, and why they do nothing for the respondent's submit
SKIPPED = {
    # counted by ``LeanApplication`` itself (a hand-over is counted once, by the full application)
    "prongsai.web.ops.middleware.RequestMetricsMiddleware",
    # serves /static/ only
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # the respondent's pages never read or write a session, a user or a message (docs/surveys.md: "no session
    # is created"); the session timeout only acts on a signed-in user's session
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "prongsai.web.accounts.middleware.SessionTimeoutMiddleware",
    # the view is csrf_exempt (Chromium posts it with ``Origin: null`` under no-referrer) and checks cross-site
    # posts itself; the middleware's process_view returns at once for an exempt view
    "django.middleware.csrf.CsrfViewMiddleware",
}


def lean_middleware() -> tuple[str, ...] | None:
    """The lean chain from the settings, or None when the settings name a middleware this module does not know."""
    configured = list(settings.MIDDLEWARE)
    if any(m not in KEPT and m not in SKIPPED for m in configured):
        return None
    return tuple(m for m in configured if m in KEPT)


class LeanHandler(BaseHandler):
    """Django's request handling with the lean middleware chain and one view (no URL resolution)."""

    def __init__(self, middleware: tuple[str, ...], view: Callable[..., HttpResponse]):
        self.view = view
        self.middleware = middleware
        self.load_middleware()

    def load_middleware(self, is_async: bool = False) -> None:
        """``BaseHandler.load_middleware`` for a given list of synchronous middleware."""
        self._view_middleware: list = []
        self._template_response_middleware: list = []
        self._exception_middleware: list = []
        handler = convert_exception_to_response(self._get_response)
        for path in reversed(self.middleware):
            instance = import_string(path)(handler)
            if hasattr(instance, "process_view"):
                self._view_middleware.insert(0, instance.process_view)
            if hasattr(instance, "process_template_response"):
                self._template_response_middleware.append(instance.process_template_response)
            if hasattr(instance, "process_exception"):
                self._exception_middleware.append(instance.process_exception)
            handler = convert_exception_to_response(instance)
        self._middleware_chain = handler

    def resolve_request(self, request: HttpRequest) -> ResolverMatch:
        match = FORM_POST.match(request.path_info)
        assert match is not None  # LeanApplication only sends such paths
        request.resolver_match = ResolverMatch(self.view, (), {"fid": match["fid"]}, url_name="survey_form_start")
        return request.resolver_match


class LeanApplication:
    """The WSGI application: the lean path for a respondent's submit, the full application for everything else."""

    def __init__(self, application: Callable, handler: LeanHandler):
        self.application = application
        self.handler = handler

    def __call__(self, environ: dict, start_response: Callable):
        if (
            environ.get("REQUEST_METHOD") != "POST"
            or not FORM_POST.match(environ.get("PATH_INFO", ""))
            or not environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded")
        ):
            return self.application(environ, start_response)
        original = dict(environ)  # the lean middleware rewrites META (the proxy's headers): hand over the original
        started = time.perf_counter()
        set_script_prefix(get_script_name(environ))
        signals.request_started.send(sender=self.__class__, environ=environ)
        request = WSGIRequest(environ)
        response = self.handler.get_response(request)
        if not getattr(response, "lean_answer", False):  # a HandOver, or a middleware's own answer
            response.close()  # request_finished, as for any answer
            body = getattr(request, "_body", None)
            if body is not None:  # the lean view read the body: give the full application its own copy
                original["wsgi.input"] = io.BytesIO(body)
                original["CONTENT_LENGTH"] = str(len(body))
            return self.application(original, start_response)
        from prongsai.web.ops import metrics

        metrics.observe_request("POST", response.status_code, time.perf_counter() - started)
        status = f"{response.status_code} {response.reason_phrase}"
        start_response(
            status, [*response.items(), *(("Set-Cookie", c.output(header="")) for c in response.cookies.values())]
        )
        return response


def wrap(application: Callable) -> Callable:
    """``application`` with the lean path in front, unless the settings name a middleware this module does not
    know (then ``application`` itself)."""
    middleware = lean_middleware()
    if middleware is None:
        return application
    from prongsai.web.surveys.respondent import submit_lean

    return LeanApplication(application, LeanHandler(middleware, submit_lean))
