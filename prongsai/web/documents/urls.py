"""The document pack, mounted at /documents/ (see prongsai/web/urls.py)."""

from django.urls import path

from prongsai.web.documents import views, views_signoff

urlpatterns = [
    path("batch/", views.batch, name="documents_batch"),
    path("batch/<int:pk>/", views.batch_detail, name="documents_batch_detail"),
    path("batch/<int:pk>/retry/", views.batch_retry, name="documents_batch_retry"),
    path("file/<int:pk>/", views.download, name="documents_download"),
    path("version/<int:pk>/<str:move>/", views_signoff.version_move, name="documents_version_move"),
    path("emblem/", views_signoff.emblem_page, name="documents_emblem"),
    path("emblem/remove/", views_signoff.emblem_remove, name="documents_emblem_remove"),
    path("<str:code>/emblem/", views_signoff.emblem_page, name="documents_agency_emblem"),
    path("<str:code>/emblem/remove/", views_signoff.emblem_remove, name="documents_agency_emblem_remove"),
    path("<str:code>/templates/", views.templates_page, name="documents_templates"),
    path("<str:code>/templates/upload/", views.template_upload, name="documents_template_upload"),
    path("<str:code>/templates/<str:kind>/delete/", views.template_delete, name="documents_template_delete"),
    path("<str:code>/templates/<str:kind>.docx", views.template_download, name="documents_template_download"),
    path("<str:code>/<int:round_id>/", views.pack_page, name="documents_pack"),
    path("<str:code>/<int:round_id>/details/", views.details, name="documents_details"),
    path("<str:code>/<int:round_id>/generate/", views.generate, name="documents_generate"),
    path("<str:code>/<int:round_id>/evidence-pack/", views_signoff.evidence_pack, name="documents_evidence_pack"),
]
