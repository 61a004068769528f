"""WSGI entry point (``prongsai serve`` and any WSGI server: ``gunicorn prongsai.web.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

from prongsai.config import prepare_data_dir

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prongsai.web.settings")
prepare_data_dir()  # the settings themselves write nothing (docs/configuration.md)
application = get_wsgi_application()
# a respondent's submit takes the lean path (fewer middleware layers, same view code; surveys/lean.py)
from prongsai.web.surveys.lean import wrap  # noqa: E402 - needs Django set up by the line above

application = wrap(application)
