"""Account changes a person makes for themselves, each in one transaction with an audit entry."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.db import transaction

from prongsai.web.audit.actions import AuditAction
from prongsai.web.audit.services import record


def change_own_password(actor, new_password: str) -> None:
    """The signed-in person sets a new password (the form has checked the old one).  Django then ends the
    person's other sessions: their stored hash no longer matches."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    validate_password(new_password, user=actor)
    with transaction.atomic():
        actor.set_password(new_password)
        actor.save(update_fields=["password"])
        record(
            actor,
            AuditAction.CHANGE_OWN_PASSWORD,
            f"{actor.get_username()} changed their password",
            obj=actor,
            changes={"user": actor.get_username()},
        )
