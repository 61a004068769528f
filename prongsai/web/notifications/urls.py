"""The officer's year: notifications at /notifications/, each round's deadlines at /calendar/<round>/."""

from django.urls import path

from prongsai.web.notifications import passwordreset, views

urlpatterns = [
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("calendar/<int:pk>/", views.round_calendar, name="round_calendar"),
    path("calendar/<int:pk>/<int:deadline_id>/", views.deadline_edit, name="round_deadline_edit"),
    # password reset by e-mail (Django's views; docs/security.md)
    path("account/password/reset/", passwordreset.PasswordResetView.as_view(), name="password_reset"),
    path("account/password/reset/sent/", passwordreset.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "account/reset/<uidb64>/<token>/",
        passwordreset.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("account/reset/done/", passwordreset.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
