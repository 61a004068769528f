"""The Prongsai WSGI application plus one bench-only page, ``/bench/hello``, for bench/survey_load.py.

``/bench/hello`` answers "hello" through the same Django stack (every middleware, no template, no database):
the ceiling any real page of this server can reach.  It exists only in this file, never in the project's URLs.

    gunicorn --pythonpath bench -w 4 survey_wsgi:application
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
from prongsai.web.surveys.lean import wrap  # noqa: E402 - as prongsai/web/wsgi.py: the submit's lean path

application = wrap(get_wsgi_application())
