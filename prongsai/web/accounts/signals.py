"""Every sign-in (the login page, ``force_login`` in tests, any future way) starts the session clocks."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from prongsai.web.accounts import middleware


@receiver(user_logged_in, dispatch_uid="prongsai.accounts.start_session_clocks")
def start_session_clocks(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        middleware.start(request)
