"""ITAS pages of one agency × round, mounted at /itas/ (see prongsai/web/urls.py)."""

from django.urls import path, re_path

from prongsai.web.itas import views

urlpatterns = [
    path("<str:code>/<int:round_id>/sheet/", views.sheet, name="itas_sheet"),
    re_path(
        r"^(?P<code>[^/]+)/(?P<round_id>[0-9]+)/sheet\.(?P<fmt>csv|xlsx)$", views.sheet_export, name="itas_sheet_export"
    ),
    path("<str:code>/<int:round_id>/import/", views.import_results, name="itas_import"),
    re_path(
        r"^(?P<code>[^/]+)/(?P<round_id>[0-9]+)/import/template\.(?P<fmt>csv|xlsx)$",
        views.import_template,
        name="itas_import_template",
    ),
]
