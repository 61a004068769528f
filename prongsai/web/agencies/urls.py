"""Agency management, mounted at /manage/ (prongsai/web/urls.py)."""

from django.urls import path

from prongsai.web.agencies import views

urlpatterns = [
    path("agencies/", views.agency_list, name="agencies_manage"),
    path("agencies/new/", views.agency_new, name="agencies_manage_new"),
    path("agencies/import/", views.import_page, name="agencies_manage_import"),
    path("agencies/import/<str:kind>.csv", views.import_template, name="agencies_manage_template"),
    path("agencies/<str:code>/", views.agency_detail, name="agencies_manage_detail"),
    path("agencies/<str:code>/edit/", views.agency_edit, name="agencies_manage_edit"),
    path("agencies/<str:code>/units/new/", views.unit_new, name="agencies_manage_unit_new"),
    path("agencies/<str:code>/units/<int:pk>/rename/", views.unit_rename, name="agencies_manage_unit_rename"),
    path("agencies/<str:code>/units/<int:pk>/delete/", views.unit_delete, name="agencies_manage_unit_delete"),
    path("agencies/<str:code>/people/new/", views.person_new, name="agencies_manage_person_new"),
    path("agencies/<str:code>/people/<int:user_id>/password/", views.password, name="agencies_manage_password"),
    path("agencies/<str:code>/roles/grant/", views.grant, name="agencies_manage_grant"),
    path("agencies/<str:code>/roles/<int:pk>/revoke/", views.revoke, name="agencies_manage_revoke"),
]
