from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """The officer's year: each round's calendar of deadlines, the checklist of what is due, notifications."""

    name = "prongsai.web.notifications"
    label = "notifications"
    verbose_name = _("Deadlines and notifications")
