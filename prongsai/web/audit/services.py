"""``record``: called by every service function inside its transaction, never by views."""

from __future__ import annotations

from typing import Any

from django.db import models

from prongsai.web.audit.actions import AuditAction
from prongsai.web.audit.models import AuditEntry


def record(
    actor,
    action: AuditAction,
    summary: str,
    *,
    agency=None,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    entry = audit_entry(actor, action, summary, agency=agency, obj=obj, changes=changes)
    entry.save()
    return entry


def audit_entry(
    actor,
    action: AuditAction,
    summary: str,
    *,
    agency=None,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """The entry ``record`` writes, unsaved: bulk imports write thousands at once with ``bulk_create``.

    ``action`` must be an ``AuditAction`` member: a bare string (even one equal to a member's value) is refused, so
    every caller names its action where a reader and a type checker can find it.
    """
    if not isinstance(action, AuditAction):
        raise TypeError(f"audit action must be an AuditAction member, not {action!r}")
    return AuditEntry(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        agency=agency,
        action=action.value,
        summary=summary[:500],
        changes=changes or {},
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
    )
