"""Assessment rounds, mounted at /rounds/."""

from django.urls import path

from prongsai.web.rounds import views

urlpatterns = [
    path("", views.round_list, name="rounds"),
    path("new/", views.round_create, name="round_create"),
    path("<int:pk>/", views.round_detail, name="round_detail"),
    path("<int:pk>/status/", views.round_status, name="round_status"),
    path("<int:pk>/publish/", views.round_publish, name="round_publish"),
    path("<int:pk>/edition/", views.round_move, name="round_move"),
]
