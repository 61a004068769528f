"""API tokens: issuing and revoking them (the checking is in ``auth.py``).

A token is ``prongsai_`` followed by 43 URL-safe random characters (256 bits).  It is shown once, when issued;
the database keeps only its SHA-256 digest, so a leaked database does not leak usable tokens.  Every token has an
end date: ``API_TOKEN_DAYS`` (PRONGSAI_API_TOKEN_DAYS, 90) after issue unless the issuer chooses another lifetime
of 1 to ``API_TOKEN_MAX_DAYS`` days.  Issuing and revoking are service functions: they authorise, run in one
transaction and write an audit entry.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prongsai.web.agencies import access
from prongsai.web.api.models import APIToken
from prongsai.web.audit.actions import AuditAction
from prongsai.web.audit.services import record

PREFIX = "prongsai_"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _may_manage_tokens_of(actor, user) -> bool:
    if not getattr(actor, "is_authenticated", False):
        return False
    return actor.pk == user.pk or access.is_central_admin(actor)


def issue_api_token(actor, user, name: str, *, days: int | None = None) -> str:
    """Create a token for ``user`` and return its plaintext (the only time it is available).

    A person may issue tokens for themselves; a central admin may issue them for anyone.  The token acts with
    exactly the rights of ``user``: it reaches what the user's memberships reach, nothing more.  It expires
    after ``days`` days (default ``API_TOKEN_DAYS``).
    """
    if not _may_manage_tokens_of(actor, user):
        raise PermissionDenied
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("A token needs a name (what it is for)."))
    if len(name) > APIToken._meta.get_field("name").max_length:
        raise ValidationError(_("The token name is too long (100 characters at most)."))
    if not user.is_active:
        raise ValidationError(_("%(user)s is not an active user.") % {"user": user.get_username()})
    days = settings.API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ValidationError(_("A token is valid for 1 to %(days)d days.") % {"days": settings.API_TOKEN_MAX_DAYS})
    plaintext = PREFIX + secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(days=days)
    with transaction.atomic():
        token = APIToken.objects.create(user=user, name=name, token_hash=token_hash(plaintext), expires_at=expires_at)
        record(
            actor,
            AuditAction.ISSUE_API_TOKEN,
            f"API token '{name}' for {user.get_username()}",
            obj=token,
            changes={"user": user.get_username(), "name": name, "expires_at": expires_at.isoformat()},
        )
    return plaintext


def revoke_api_token(actor, token: APIToken) -> APIToken:
    """Revoke a token for good (the owner or a central admin)."""
    if not _may_manage_tokens_of(actor, token.user):
        raise PermissionDenied
    with transaction.atomic():
        if not token.revoked:
            token.revoked = True
            token.save(update_fields=["revoked"])
            record(
                actor,
                AuditAction.REVOKE_API_TOKEN,
                f"API token '{token.name}' of {token.user.get_username()} revoked",
                obj=token,
                changes={"revoked": [False, True]},
            )
    return token
