"""API tokens: a long random secret shown once to its owner; only its SHA-256 digest is stored.  A token works
until it expires (``expires_at``, PRONGSAI_API_TOKEN_DAYS after issue unless chosen otherwise) or is revoked."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class APIToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    #: what the token is for ("รายงานประจำเดือน", "Power BI"), shown in lists and the audit log
    name = models.CharField(_("name"), max_length=100)
    #: hex SHA-256 of the plaintext token; the plaintext is never stored
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    #: refreshed at most once a minute (auth.LAST_USED_RESOLUTION), shown on the owner's token page
    last_used_at = models.DateTimeField(null=True, blank=True)
    #: after this moment the token answers 401 like an unknown one
    expires_at = models.DateTimeField(_("expires"))
    revoked = models.BooleanField(_("revoked"), default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    def __str__(self) -> str:
        return f"{self.user} · {self.name}{' (revoked)' if self.revoked else ''}"
