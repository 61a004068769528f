"""The officer's year: notifications at /notifications/, each round's deadlines at /calendar/<round>/."""

from django.urls import path

from prongsai.web.notifications import views

urlpatterns = [
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("calendar/<int:pk>/", views.round_calendar, name="round_calendar"),
    path("calendar/<int:pk>/<int:deadline_id>/", views.deadline_edit, name="round_deadline_edit"),
]
