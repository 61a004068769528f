"""Framework editions, mounted at /editions/ (keys may contain '@': ita-2570@2)."""

from django.urls import path

from prongsai.web.editions import views

urlpatterns = [
    path("", views.edition_list, name="editions"),
    path("upload/", views.edition_upload, name="edition_upload"),
    path("<str:key>/", views.edition_detail, name="edition_detail"),
    path("<str:key>/preview/<str:part>/", views.edition_preview, name="edition_preview"),
    path("<str:key>/download.<str:fmt>", views.edition_download, name="edition_download"),
    path("<str:key>/replace/", views.edition_replace, name="edition_replace"),
    path("<str:key>/activate/", views.edition_activate, name="edition_activate"),
    path("<str:key>/discard/", views.edition_discard, name="edition_discard"),
    path("<str:key>/retire/", views.edition_retire, name="edition_retire"),
]
