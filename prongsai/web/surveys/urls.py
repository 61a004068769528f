"""Survey pages, mounted at /surveys/.

The short link printed on slips, ``/s/<CODE>``, is a top-level route of ``prongsai/web/urls.py`` pointing at
``views.start`` (name ``survey_start``); ``survey_code`` below is the same view under /surveys/s/<CODE>.
"""

from django.urls import path, re_path

from prongsai.web.surveys import respondent, views

CODE = r"(?P<code>[^/]{1,40})"
FORM = r"^form/(?P<fid>[A-Za-z0-9_-]{16})/"

urlpatterns = [
    # --- respondents (public, anonymous)
    path("", respondent.enter, name="survey_enter"),
    re_path(rf"^s/{CODE}/?$", respondent.start, name="survey_code"),
    path("open/<str:token>/", respondent.open_link, name="survey_open"),
    path("form/", respondent.legacy_form, name="survey_form"),
    re_path(rf"{FORM}$", respondent.form, name="survey_form_start"),
    re_path(rf"{FORM}(?P<step>[0-9]{{1,3}})/$", respondent.form_page, name="survey_form_page"),
    re_path(rf"{FORM}review/$", respondent.form_review, name="survey_form_review"),
    re_path(rf"{FORM}done/$", respondent.form_done, name="survey_form_done"),
    # --- officers
    path("manage/", views.home, name="survey_home"),
    path("national/<int:round_id>/", views.national, name="survey_national"),
    path("national/<int:round_id>/export.csv", views.national_export, name="survey_national_export"),
    path("<int:round_id>/<str:code>/", views.overview, name="survey_overview"),
    path("<int:round_id>/<str:code>/headcounts/", views.headcounts, name="survey_headcounts"),
    path("<int:round_id>/<str:code>/codes/", views.generate, name="survey_generate"),
    path("<int:round_id>/<str:code>/codes/revoke/", views.revoke, name="survey_revoke"),
    path("<int:round_id>/<str:code>/batches/<int:batch_id>/revoke/", views.revoke_batch, name="survey_revoke_batch"),
    path("<int:round_id>/<str:code>/open-link/", views.open_link_settings, name="survey_open_link"),
    path("<int:round_id>/<str:code>/open-link/poster.pdf", views.open_link_poster, name="survey_open_link_poster"),
    path("<int:round_id>/<str:code>/compute/", views.compute, name="survey_compute"),
    path("<int:round_id>/<str:code>/scores/", views.scores, name="survey_scores"),
    re_path(
        r"^(?P<round_id>[0-9]+)/(?P<code>[^/]+)/export/(?P<what>responses-iit|responses-eit|scores)\."
        r"(?P<fmt>csv|xlsx)$",
        views.export,
        name="survey_export",
    ),
]
