"""WSGI entry point (``prongsai serve`` and any WSGI server: ``gunicorn prongsai.web.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prongsai.web.settings")
application = get_wsgi_application()
