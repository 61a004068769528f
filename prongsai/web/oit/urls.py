"""OIT URLs, mounted at /oit/ (prongsai/web/urls.py)."""

from django.urls import path

from prongsai.web.oit import views, views_agency, views_public, views_review

AGENCY = "<int:round_id>/<str:code>/"
ITEM = AGENCY + "items/<str:item>/"

urlpatterns = [
    path("", views.oit_home, name="oit_home"),
    # central admin
    path("assignments/<int:round_id>/", views_review.oit_assignments, name="oit_assignments"),
    path("assignments/<int:round_id>/<int:pk>/remove/", views_review.oit_unassign, name="oit_unassign"),
    path("national/<int:round_id>/", views_review.oit_national, name="oit_national"),
    # the agency's item table and item pages
    path(AGENCY, views.oit_agency, name="oit_agency"),
    path(AGENCY + "submit/", views_agency.oit_submit_ready, name="oit_submit_ready"),
    path(AGENCY + "recheck/", views_agency.oit_recheck_all, name="oit_recheck_all"),
    path(AGENCY + "carry-over/", views_agency.oit_carry_over, name="oit_carry_over"),
    path(AGENCY + "clarification/", views_review.oit_open_clarification, name="oit_open_clarification"),
    path(AGENCY + "audit/", views.oit_audit, name="oit_audit"),
    path(ITEM, views.oit_item, name="oit_item"),
    path(ITEM + "links/", views_agency.oit_link_add, name="oit_link_add"),
    path(ITEM + "links/<int:pk>/remove/", views_agency.oit_link_remove, name="oit_link_remove"),
    path(ITEM + "files/", views_agency.oit_upload, name="oit_upload"),
    path(ITEM + "files/<int:pk>/remove/", views_agency.oit_file_remove, name="oit_file_remove"),
    path(ITEM + "note/", views_agency.oit_note, name="oit_note"),
    path(ITEM + "unit/", views_agency.oit_set_unit, name="oit_set_unit"),
    path(ITEM + "status/", views_agency.oit_set_status, name="oit_set_status"),
    path(ITEM + "recheck/", views_agency.oit_recheck, name="oit_recheck"),
    path(ITEM + "clarify/", views_agency.oit_clarify, name="oit_clarify"),
    path(ITEM + "review/", views_review.oit_review, name="oit_review"),
    path(ITEM + "confirm/", views_review.oit_confirm, name="oit_confirm"),
    # uploaded files, only through these views
    path("files/<int:pk>/", views.oit_file, name="oit_file"),
    # public (no login): the transparency page, its embeddable twin, JSON, and files marked public
    path("public-files/<int:pk>/", views_public.oit_public_file, name="oit_public_file"),
    path("public/<str:code>/<int:round_id>/", views_public.oit_public, name="oit_public"),
    path("public/<str:code>/<int:round_id>.json", views_public.oit_public_json, name="oit_public_json"),
    path("embed/<str:code>/<int:round_id>/", views_public.oit_embed, name="oit_embed"),
    # synthetic evidence pages of the demo (404 in production)
    path("demo-site/<slug:page>/", views_public.oit_demo_site, name="oit_demo_site"),
]
