"""URL map: one include per feature app, plus login/logout, language switch and the health check."""

from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.i18n import set_language

from prongsai.web import views
from prongsai.web.accounts.views import LoginView
from prongsai.web.ops import views as ops_views
from prongsai.web.surveys import views as survey_views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", ops_views.healthz, name="healthz"),
    path("metrics", ops_views.metrics, name="metrics"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("prongsai.web.accounts.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("prongsai.web.results.urls")),
    path("rounds/", include("prongsai.web.rounds.urls")),
    path("editions/", include("prongsai.web.editions.urls")),
    path("manage/", include("prongsai.web.agencies.urls")),
    # the short link printed on survey slips and in QR codes: /s/<CODE>
    re_path(r"^s/(?P<code>[^/]{1,40})/?$", survey_views.start, name="survey_start"),
    path("surveys/", include("prongsai.web.surveys.urls")),
    path("oit/", include("prongsai.web.oit.urls")),
    path("measures/", include("prongsai.web.measures.urls")),
    path("itas/", include("prongsai.web.itas.urls")),
    path("documents/", include("prongsai.web.documents.urls")),
    path("api/", include("prongsai.web.api.urls")),
    path("", include("prongsai.web.notifications.urls")),
]
