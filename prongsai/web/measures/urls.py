"""Analysis, committee, measures and progress reports, mounted at /measures/ (see prongsai/web/urls.py).

The analysis is of the result of round ``round_id`` (e.g. 2562); the other pages belong to the working round
(e.g. 2563), whose measures answer that analysis.
"""

from django.urls import path

from prongsai.web.itas import views_plan
from prongsai.web.measures import views, views_committee

urlpatterns = [
    path("files/<int:pk>/", views.progress_file, name="measures_progress_file"),
    path("<str:code>/", views.index, name="measures_index"),
    path("<str:code>/analysis/<int:round_id>/", views.analysis, name="measures_analysis"),
    path("<str:code>/analysis/<int:round_id>/plan/", views_plan.plan, name="measures_plan"),
    path(
        "<str:code>/analysis/<int:round_id>/notes/<int:indicator>/", views.analysis_note, name="measures_analysis_note"
    ),
    path("<str:code>/<int:round_id>/", views.measure_list, name="measures_list"),
    path("<str:code>/<int:round_id>/committee/", views_committee.committee, name="measures_committee"),
    path(
        "<str:code>/<int:round_id>/committee/suggest/",
        views_committee.committee_suggest,
        name="measures_committee_suggest",
    ),
    path("<str:code>/<int:round_id>/committee/members/new/", views_committee.member_new, name="measures_member_new"),
    path(
        "<str:code>/<int:round_id>/committee/members/<int:pk>/",
        views_committee.member_edit,
        name="measures_member_edit",
    ),
    path(
        "<str:code>/<int:round_id>/committee/members/<int:pk>/delete/",
        views_committee.member_delete,
        name="measures_member_delete",
    ),
    path(
        "<str:code>/<int:round_id>/committee/members/<int:pk>/move/",
        views_committee.member_move,
        name="measures_member_move",
    ),
    path("<str:code>/<int:round_id>/new/", views.measure_new, name="measures_new"),
    path("<str:code>/<int:round_id>/<int:pk>/", views.measure_detail, name="measures_detail"),
    path("<str:code>/<int:round_id>/<int:pk>/edit/", views.measure_edit, name="measures_edit"),
    path("<str:code>/<int:round_id>/<int:pk>/delete/", views.measure_delete, name="measures_delete"),
    path("<str:code>/<int:round_id>/<int:pk>/status/", views.measure_status, name="measures_status"),
    path("<str:code>/<int:round_id>/<int:pk>/report/<int:period>/", views.measure_report, name="measures_report"),
]
