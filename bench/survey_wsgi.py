"""The Prongsai WSGI application plus one bench-only page, ``/bench/hello``, for bench/survey_load.py.

``/bench/hello`` answers "hello" through the same Django stack (every middleware, no template, no database):
the ceiling any real page of this server can reach.  It exists only in this file, never in the project's URLs.

    gunicorn --pythonpath bench -w 4 survey_wsgi:application

A request with ``X-Bench-Control: no-database`` runs the respondent's submit without its database statement (the
bench's control phase, ``survey_load.py --control``); no page of the project reads that header.
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prongsai.web.settings")

import django

django.setup()

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import include, path


def hello(request):
    return HttpResponse(b"hello", content_type="text/plain")


urlpatterns = [path("bench/hello", hello), path("", include(settings.ROOT_URLCONF))]
settings.ROOT_URLCONF = __name__
from prongsai.web.surveys import ballot, services  # noqa: E402
from prongsai.web.surveys.lean import wrap  # noqa: E402 - as prongsai/web/wsgi.py: the submit's lean path

lean_application = wrap(get_wsgi_application())
_submit_response = services.submit_response


def _submit_without_statement(ticket_, answers: dict) -> None:
    """``services.submit_response`` less its database work: the answers validated and sealed as for real, the
    code neither used nor checked, nothing held or released (the bench's control phase)."""
    clean = services.validate_answers(ticket_.framework, ticket_.tool, answers)
    scope = services.release_scope(ticket_)
    ballot.seal_answers(ticket_.framework, scope, services.week_of(services.today()), clean)


def application(environ, start_response):
    """The project's application; a request with the bench's control header runs the submission without its
    database statement (sync workers: one request at a time per process, so swapping the function is safe)."""
    if environ.get("HTTP_X_BENCH_CONTROL") != "no-database":
        return lean_application(environ, start_response)
    services.submit_response = _submit_without_statement
    try:
        return list(lean_application(environ, start_response))
    finally:
        services.submit_response = _submit_response
