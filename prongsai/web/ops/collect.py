"""The static files app, collecting only what the platform serves.

django-ninja's package folder, which the settings add to the static files for the API's Swagger UI, also holds
ReDoc (0.9 MB of JavaScript and a 3.3 MB source map) that no page of Prongsai uses; collected, it would be copied
and compressed at every start in production (prongsai.web.ops.static).  Django's documented way to leave files
out of collectstatic is the app config's ``ignore_patterns``.
"""

from __future__ import annotations

from django.contrib.staticfiles.apps import StaticFilesConfig

#: static files no page serves: django-ninja's ReDoc (the API docs are Swagger UI: prongsai.web.api.api)
UNUSED = ["ninja/redoc*"]


class StaticFiles(StaticFilesConfig):
    ignore_patterns = [*StaticFilesConfig.ignore_patterns, *UNUSED]
