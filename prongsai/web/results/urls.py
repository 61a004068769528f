"""Results pages, mounted at the site root (see prongsai/web/urls.py)."""

from django.urls import path, re_path

from prongsai.web.results import views

urlpatterns = [
    path("agencies/<str:code>/", views.agency_dashboard, name="agency_dashboard"),
    path("national/", views.national, name="national"),
    re_path(r"^national/export\.(?P<fmt>csv|xlsx)/$", views.national_export, name="national_export"),
    path("results/import/", views.results_import, name="results_import"),
    path("results/import/template.csv", views.results_import_template, name="results_import_template"),
    path("no-agency/", views.no_agency, name="no_agency"),
]
