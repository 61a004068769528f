"""How API callers authenticate: a bearer token (scripts, BI tools) or the web session (the UI itself)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from prongsai.web.api.models import APIToken
from prongsai.web.api.services import PREFIX, token_hash

#: ``last_used_at`` is refreshed at most this often, so that reading the API is not a write per request
LAST_USED_RESOLUTION = timedelta(minutes=1)


def user_for_token(plaintext: str):
    """The active user a valid token belongs to, or None: unknown, revoked and expired tokens are alike (401)."""
    if not plaintext.startswith(PREFIX) or len(plaintext) > 200:
        return None
    now = timezone.now()
    token = (
        APIToken.objects.select_related("user")
        .filter(token_hash=token_hash(plaintext), revoked=False, expires_at__gt=now, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        APIToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
        ).update(last_used_at=now)
    return token.user


class TokenAuth(HttpBearer):
    """``Authorization: Bearer prongsai_…``"""

    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_token(token.strip())
        if user is not None:
            request.user = user  # so that anything reading request.user sees the token's owner
        return user


#: tried in order: a bearer token first, then the session cookie; neither → 401
AUTH = [TokenAuth(), django_auth]
