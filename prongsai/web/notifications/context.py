"""The unread count in the header of every page (one indexed COUNT per page for a signed-in person)."""

from __future__ import annotations


def unread(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from prongsai.web.notifications.models import Notification

    return {"notifications_unread": Notification.objects.filter(user=user, read_at__isnull=True).count()}
