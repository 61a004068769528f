"""Authoring editions without a developer: upload, replace a draft, activate, retire, discard (central admin only).

Every state change is one service function, inside a transaction, with an audit entry.  Validation happens
before anything is written (``prongsai.core.edition_io.read_edition``): an upload with a problem stores nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from prongsai.core.edition_io import read_edition
from prongsai.core.framework import Framework, FrameworkError, file_frameworks, load_framework, text_sha256
from prongsai.web.agencies import access
from prongsai.web.audit.actions import AuditAction
from prongsai.web.audit.services import record
from prongsai.web.editions.models import EditionLocked, EditionStatus, StoredEdition
from prongsai.web.rounds.models import AssessmentRound


def _require_central(actor) -> None:
    if not access.is_central_admin(actor):
        raise PermissionDenied


@dataclass(frozen=True)
class EditionChoice:
    """An edition a new round may use."""

    key: str
    framework: Framework
    status: str  # built-in | active

    @property
    def label(self) -> str:
        years = ", ".join(str(y) for y in self.framework.fiscal_years)
        if self.framework.provisional:
            return _("%(key)s · %(years)s · %(name)s · provisional") % {
                "key": self.key,
                "years": years,
                "name": self.framework.name_th,
            }
        return f"{self.key} · {years} · {self.framework.name_th}"


def usable_editions(fiscal_year: int | None = None) -> list[EditionChoice]:
    """Built-in editions not replaced by an activated upload of the same id, then active uploads; newest first."""
    active = list(StoredEdition.objects.filter(status=EditionStatus.ACTIVE).order_by("-edition_id", "-version"))
    replaced = {s.edition_id for s in active}
    choices = []
    for fid in file_frameworks():
        if fid in replaced:
            continue
        try:
            choices.append(EditionChoice(fid, load_framework(fid), "built-in"))
        except FrameworkError:
            continue  # a broken local file is reported by `prongsai frameworks list`, not offered
    for stored in active:
        try:
            choices.append(EditionChoice(stored.key, load_framework(stored.key), "active"))
        except FrameworkError:
            continue
    if fiscal_year is not None:
        choices = [c for c in choices if fiscal_year in c.framework.fiscal_years]
    return sorted(choices, key=lambda c: (-max(c.framework.fiscal_years), c.key))


def rounds_using(key: str):
    return AssessmentRound.objects.filter(framework_id=key)


def _next_version(edition_id: str) -> int:
    stored = StoredEdition.objects.filter(edition_id=edition_id).aggregate(n=Max("version"))["n"] or 0
    built_in = 1 if edition_id in file_frameworks() else 0
    return max(stored, built_in) + 1


def _default_parent(framework: Framework) -> str:
    """What a new version is compared with: the newest usable version of the same id, else its ``previous``."""
    same = (
        StoredEdition.objects.filter(
            edition_id=framework.family, status__in=(EditionStatus.ACTIVE, EditionStatus.SUPERSEDED)
        )
        .order_by("-version")
        .first()
    )
    if same is not None:
        return same.key
    if framework.family in file_frameworks():
        return framework.family
    return framework.previous or ""


def _check_parent(key: str) -> str:
    if not key:
        return ""
    try:
        load_framework(key)
    except FrameworkError:
        raise ValidationError(_("There is no framework edition '%(key)s' to compare with.") % {"key": key}) from None
    return key


def upload_edition(
    actor, name: str, data: bytes, *, derived_from: str = "", note: str = "", activate: bool = False
) -> StoredEdition:
    """Validate an edition file (YAML or XLSX) and store it as the next version of its id, a draft unless
    ``activate``.  Raises ``EditionImportError`` (every problem, located) and stores nothing when it is invalid."""
    _require_central(actor)
    edition = read_edition(name, data)
    framework = edition.framework
    parent = _check_parent(derived_from.strip() or _default_parent(framework))
    with transaction.atomic():
        version = _next_version(framework.family)
        stored = StoredEdition.objects.create(
            edition_id=framework.family,
            version=version,
            key=f"{framework.family}@{version}",
            name_th=framework.name_th[:255],
            fiscal_years=list(framework.fiscal_years),
            default_years=list(framework.default_for_years),
            source_text=edition.yaml_text,
            sha256=text_sha256(edition.yaml_text),
            upload_name=name[:255],
            upload_kind=edition.kind,
            derived_from=parent,
            note=note,
            created_by=actor if actor.is_authenticated else None,
        )
        record(
            actor,
            AuditAction.UPLOAD_EDITION,
            f"นำเข้ากรอบการประเมิน {stored.key} จากไฟล์ {name} (ฉบับร่าง)",
            obj=stored,
            changes={
                "key": stored.key,
                "file": name,
                "kind": edition.kind,
                "sha256": stored.sha256,
                "derived_from": parent,
                "oit_items": len(framework.oit_items),
                "questions": len(framework.questions),
                "provisional": framework.provisional_count,
            },
        )
        if activate:
            activate_edition(actor, stored)
    return stored


def replace_draft(actor, stored: StoredEdition, name: str, data: bytes, note: str | None = None) -> StoredEdition:
    """A corrected file for a draft, same version; only drafts can change (a used edition is superseded)."""
    _require_central(actor)
    if stored.status != EditionStatus.DRAFT:
        raise EditionLocked(
            _("%(key)s is not a draft, so it cannot be changed; import a new version instead.") % {"key": stored.key}
        )
    edition = read_edition(name, data, expected_id=stored.edition_id)
    framework = edition.framework
    with transaction.atomic():
        locked = StoredEdition.objects.select_for_update().get(pk=stored.pk)
        if locked.status != EditionStatus.DRAFT:
            raise EditionLocked(_("%(key)s is not a draft, so it cannot be changed.") % {"key": stored.key})
        before = locked.sha256
        locked.source_text = edition.yaml_text
        locked.sha256 = text_sha256(edition.yaml_text)
        locked.name_th = framework.name_th[:255]
        locked.fiscal_years = list(framework.fiscal_years)
        locked.default_years = list(framework.default_for_years)
        locked.upload_name, locked.upload_kind = name[:255], edition.kind
        if note is not None:
            locked.note = note
        locked.save()
        record(
            actor,
            AuditAction.REPLACE_EDITION_DRAFT,
            f"แก้ไขฉบับร่าง {locked.key} จากไฟล์ {name}",
            obj=locked,
            changes={"sha256": [before, locked.sha256], "file": name},
        )
    return locked


def activate_edition(actor, stored: StoredEdition) -> StoredEdition:
    """A draft becomes the active version of its id (offered for rounds, default of its years); the previously
    active version of the same id is superseded (rounds that use it keep it)."""
    _require_central(actor)
    with transaction.atomic():
        locked = StoredEdition.objects.select_for_update().get(pk=stored.pk)
        if locked.status != EditionStatus.DRAFT:
            raise ValidationError(
                _("%(key)s is “%(status)s”, so it cannot be activated.")
                % {"key": locked.key, "status": locked.get_status_display()}
            )
        superseded = list(
            StoredEdition.objects.select_for_update()
            .filter(edition_id=locked.edition_id, status=EditionStatus.ACTIVE)
            .exclude(pk=locked.pk)
        )
        for old in superseded:
            old.status = EditionStatus.SUPERSEDED
            old.save(update_fields=["status"])
        locked.status = EditionStatus.ACTIVE
        locked.activated_by = actor if actor.is_authenticated else None
        locked.activated_at = timezone.now()
        locked.save(update_fields=["status", "activated_by", "activated_at"])
        replaced = [o.key for o in superseded]
        if locked.edition_id in file_frameworks():
            replaced.append(f"{locked.edition_id} (built-in)")
        record(
            actor,
            AuditAction.ACTIVATE_EDITION,
            f"เปิดใช้กรอบการประเมิน {locked.key}",
            obj=locked,
            changes={"key": locked.key, "supersedes": replaced},
        )
    stored.refresh_from_db()
    return locked


def discard_draft(actor, stored: StoredEdition) -> None:
    _require_central(actor)
    with transaction.atomic():
        locked = StoredEdition.objects.select_for_update().get(pk=stored.pk)
        if locked.status != EditionStatus.DRAFT:
            raise ValidationError(_("%(key)s is not a draft, so it cannot be discarded.") % {"key": locked.key})
        locked.status = EditionStatus.DISCARDED
        locked.save(update_fields=["status"])
        record(
            actor,
            AuditAction.DISCARD_EDITION_DRAFT,
            f"ยกเลิกฉบับร่าง {locked.key}",
            obj=locked,
            changes={"key": locked.key},
        )
    stored.refresh_from_db()


def retire_edition(actor, stored: StoredEdition) -> None:
    """Withdraw an active version from new rounds without a successor; rounds that use it keep it."""
    _require_central(actor)
    with transaction.atomic():
        locked = StoredEdition.objects.select_for_update().get(pk=stored.pk)
        if locked.status != EditionStatus.ACTIVE:
            raise ValidationError(_("%(key)s is not in use, so it cannot be retired.") % {"key": locked.key})
        locked.status = EditionStatus.RETIRED
        locked.save(update_fields=["status"])
        record(
            actor,
            AuditAction.RETIRE_EDITION,
            f"เลิกใช้กรอบการประเมิน {locked.key} สำหรับรอบใหม่",
            obj=locked,
            changes={"key": locked.key, "rounds_using": rounds_using(locked.key).count()},
        )
    stored.refresh_from_db()
