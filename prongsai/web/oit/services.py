"""State changes of OIT evidence, link checks and reviews.

Every function here validates its input, authorises the actor, runs in one transaction and writes an audit
record (who, when, what changed, why).  Views parse the request, call one of these and render; the link-check
task calls ``run_link_check``.  Messages in ``ValidationError`` are translated
(gettext): they are shown to the user as they are.

This module holds the agency's own edits (links, files, note, unit, ready/draft, submission) and is the entry
point for the rest, re-exported from ``checks`` (link checks), ``carryover`` (last year's evidence) and ``review``
(assessor assignments, judgements, clarification and the computed result).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prongsai.core import extract
from prongsai.web.agencies.models import Agency, Unit
from prongsai.web.audit.actions import AuditAction
from prongsai.web.audit.services import record
from prongsai.web.messages import localized
from prongsai.web.oit import linkcheck, permissions
from prongsai.web.oit.carryover import carry_map, carry_over_evidence, previous_round  # noqa: F401
from prongsai.web.oit.checks import record_link_check, request_recheck, run_link_check  # noqa: F401
from prongsai.web.oit.common import (  # noqa: F401
    MAX_FILES_PER_ITEM,
    MAX_LINKS_PER_ITEM,
    check_edit,
    clean_url,
    enqueue_check,
    entry_for,
    expected_years,
    item_of,
    require_open,
    setting,
    snapshot,
)
from prongsai.web.oit.lifecycle import ENTRY
from prongsai.web.oit.models import EntryStatus, EvidenceFile, EvidenceLink, OITEntry
from prongsai.web.oit.review import (  # noqa: F401
    assign_assessor,
    confirm_review,
    open_clarification,
    record_oit_review,
    submit_clarification,
    sync_computed_result,
    unassign_assessor,
)
from prongsai.web.oit.uploads import check_upload
from prongsai.web.ops.storage import delete_on_commit
from prongsai.web.rounds.models import AssessmentRound

# ------------------------------------------------------------------------------------------------- evidence


def add_link(
    actor, round_: AssessmentRound, agency: Agency, code: str, url: str, label: str = "", is_public: bool = True
) -> EvidenceLink:
    url = clean_url(url)
    label = (label or "").strip()[:500]
    with transaction.atomic():
        entry = entry_for(round_, agency, code)
        check_edit(actor, entry)
        if entry.links.count() >= MAX_LINKS_PER_ITEM:
            raise ValidationError(_("An item can have at most %(n)s links") % {"n": MAX_LINKS_PER_ITEM})
        if entry.links.filter(url=url).exists():
            raise ValidationError(_("This link is already attached to this item"), code="duplicate")
        link = EvidenceLink.objects.create(entry=entry, url=url, label=label, is_public=is_public, created_by=actor)
        record(
            actor,
            AuditAction.ADD_OIT_LINK,
            f"{agency.display_name} {round_.fiscal_year} {code}: เพิ่มลิงก์ {url}",
            agency=agency,
            obj=link,
            changes={"item": code, "url": url, "label": label, "is_public": is_public},
        )
        enqueue_check(link)
    return link


def remove_link(actor, link: EvidenceLink, reason: str = "") -> None:
    with transaction.atomic():
        entry = OITEntry.objects.select_for_update(of=("self",)).select_related("round", "agency").get(pk=link.entry_id)
        check_edit(actor, entry)
        record(
            actor,
            AuditAction.REMOVE_OIT_LINK,
            f"{entry.agency.display_name} {entry.round.fiscal_year} {entry.code}: ลบลิงก์ {link.url}",
            agency=entry.agency,
            obj=link,
            changes={"item": entry.code, "url": link.url, "reason": reason},
        )
        link.delete()


def upload_file(
    actor, round_: AssessmentRound, agency: Agency, code: str, uploaded, label: str = "", is_public: bool = False
) -> EvidenceFile:
    """Validate (type by extension and content, size, limits), analyse, hash and store an evidence file: all or
    nothing.

    The analysis (text extraction for the years and keywords) runs *before* the transaction, in a child process
    with memory and time limits (``prongsai.core.extract``): a slow or hostile file never holds the database's
    write lock (SQLite has one for the whole database), and a file that is too complex is refused with a Thai
    message before anything is written."""
    checked = check_upload(uploaded)
    label = (label or "").strip()[:500]
    item = item_of(round_, code)
    # the rights are checked before the file is read, and again under the lock below
    unit_id = OITEntry.objects.filter(round=round_, agency=agency, code=code).values_list("unit_id", flat=True).first()
    if not permissions.can_edit_item(actor, agency, unit_id):
        raise PermissionDenied
    require_open(round_)
    years, _required = expected_years(item, round_.fiscal_year)
    analysed = extract.extract(checked.data, checked.content_type)
    if analysed.problem is not None:
        raise ValidationError(
            _(
                "The system does not accept this file: %(reason)s. Please save it again (e.g. "
                "print it to PDF) or split it into smaller files, then upload it again."
            )
            % {"reason": localized(analysed.problem.th, analysed.problem.en)},
            code="file_complex",
        )
    stored_name = None
    try:
        with transaction.atomic():
            entry = entry_for(round_, agency, code)
            check_edit(actor, entry)
            if entry.files.count() >= MAX_FILES_PER_ITEM:
                raise ValidationError(_("An item can have at most %(n)s files") % {"n": MAX_FILES_PER_ITEM})
            evidence = EvidenceFile(
                entry=entry,
                original_name=checked.original_name,
                extension=checked.extension,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                label=label,
                is_public=is_public,
                uploaded_by=actor,
                text_extracted=analysed.extracted,
                years_found=linkcheck.years_in(analysed.text, years),
                keywords_found=linkcheck.keywords_in(analysed.text, item.keywords)[0],
            )
            try:
                evidence.file.save("upload", ContentFile(checked.data), save=False)
            except OSError as exc:  # disk full, read-only storage: no half-written file may stay behind
                _discard_partial(evidence, checked.sha256)
                raise ValidationError(
                    _(
                        "The file could not be saved (storage full or not writable); nothing was "
                        "saved. Please try again later or tell the system administrator."
                    ),
                    code="storage",
                ) from exc
            stored_name = evidence.file.name
            evidence.save()
            record(
                actor,
                AuditAction.UPLOAD_OIT_FILE,
                f"{agency.display_name} {round_.fiscal_year} {code}: อัปโหลด {checked.original_name}",
                agency=agency,
                obj=evidence,
                changes={
                    "item": code,
                    "file": checked.original_name,
                    "size": checked.size,
                    "sha256": checked.sha256,
                    "is_public": is_public,
                },
            )
    except BaseException:
        # the row was rolled back: do not leave the stored bytes behind
        if stored_name and not EvidenceFile.objects.filter(file=stored_name).exists():
            default_storage.delete(stored_name)
        raise
    return evidence


def _discard_partial(evidence: EvidenceFile, sha256: str) -> None:
    """Delete what a failed write left in the file's folder: files named after this upload's hash that no row
    refers to and whose bytes are not the upload's (a complete copy belongs to someone)."""
    import hashlib
    import posixpath

    intended = evidence.file.field.generate_filename(evidence, "upload")
    folder, base = posixpath.split(intended)
    stem = posixpath.splitext(base)[0]
    try:
        candidates = [
            posixpath.join(folder, name) for name in default_storage.listdir(folder)[1] if name.startswith(stem)
        ]
    except (NotImplementedError, OSError):
        candidates = [intended]
    for name in candidates:
        if EvidenceFile.objects.filter(file=name).exists():
            continue
        try:
            with default_storage.open(name, "rb") as handle:
                digest = hashlib.sha256(handle.read()).hexdigest()
            if digest != sha256:
                default_storage.delete(name)
        except OSError:
            continue


def remove_file(actor, evidence: EvidenceFile, reason: str = "") -> None:
    with transaction.atomic():
        entry = (
            OITEntry.objects.select_for_update(of=("self",)).select_related("round", "agency").get(pk=evidence.entry_id)
        )
        check_edit(actor, entry)
        name = evidence.file.name
        record(
            actor,
            AuditAction.REMOVE_OIT_FILE,
            f"{entry.agency.display_name} {entry.round.fiscal_year} {entry.code}: ลบไฟล์ {evidence.original_name}",
            agency=entry.agency,
            obj=evidence,
            changes={"item": entry.code, "file": evidence.original_name, "sha256": evidence.sha256, "reason": reason},
        )
        evidence.delete()
        still_used = EvidenceFile.objects.filter(file=name).exists()
        if not still_used:
            delete_on_commit(default_storage, name)


def update_note(actor, round_: AssessmentRound, agency: Agency, code: str, note: str) -> OITEntry:
    with transaction.atomic():
        entry = entry_for(round_, agency, code)
        check_edit(actor, entry)
        before = entry.note
        entry.note = (note or "").strip()[:5000]
        if entry.note != before:
            entry.save(update_fields=["note", "updated_at"])
            record(
                actor,
                AuditAction.UPDATE_OIT_NOTE,
                f"{agency.display_name} {round_.fiscal_year} {code}: แก้คำอธิบาย",
                agency=agency,
                obj=entry,
                changes={"item": code, "note": [before, entry.note]},
            )
    return entry


def assign_unit(actor, round_: AssessmentRound, agency: Agency, code: str, unit: Unit | None) -> OITEntry:
    if not permissions.can_manage(actor, agency):
        raise PermissionDenied
    if unit is not None and unit.agency_id != agency.pk:
        raise ValidationError(_("This unit is not part of this agency"))
    require_open(round_)
    with transaction.atomic():
        entry = entry_for(round_, agency, code)
        before = entry.unit
        if before != unit:
            entry.unit = unit
            entry.save(update_fields=["unit", "updated_at"])
            record(
                actor,
                AuditAction.ASSIGN_OIT_UNIT,
                f"{agency.display_name} {round_.fiscal_year} {code}: มอบหมายให้ {unit or '-'}",
                agency=agency,
                obj=entry,
                changes={"item": code, "unit": [str(before) if before else None, str(unit) if unit else None]},
            )
    return entry


def set_ready(actor, round_: AssessmentRound, agency: Agency, code: str, ready: bool = True) -> OITEntry:
    """draft ↔ ready, by the officer or the item's unit; ready needs at least one link or file."""
    with transaction.atomic():
        entry = entry_for(round_, agency, code)
        check_edit(actor, entry)
        target = EntryStatus.READY if ready else EntryStatus.DRAFT
        if entry.status != target and not ENTRY.allows(entry.status, "ready" if ready else "draft"):
            # the one editable state left
            raise ValidationError(_("This item is being clarified; send the clarification instead"))
        if ready and not (entry.links.exists() or entry.files.exists()):
            raise ValidationError(
                _("Item %(code)s has no evidence yet; attach at least one link or file first") % {"code": code}
            )
        if entry.status != target:
            before = entry.status
            entry.status = target
            if ready:
                entry.needs_recheck = False  # the officer has looked at the carried-over evidence
            entry.save(update_fields=["status", "needs_recheck", "updated_at"])
            record(
                actor,
                AuditAction.SET_OIT_READY if ready else AuditAction.SET_OIT_DRAFT,
                f"{agency.display_name} {round_.fiscal_year} {code}: {before} → {target}",
                agency=agency,
                obj=entry,
                changes={"item": code, "status": [before, target]},
            )
    return entry


def submit_items(actor, round_: AssessmentRound, agency: Agency, codes: Iterable[str] | None = None) -> list[str]:
    """ready → submitted for the given items (default: every ready item).  Officer only."""
    if not permissions.can_manage(actor, agency):
        raise PermissionDenied
    require_open(round_)
    submitted = []
    with transaction.atomic():
        entries = OITEntry.objects.select_for_update().filter(round=round_, agency=agency)
        if codes is not None:
            codes = list(codes)
            entries = entries.filter(code__in=codes)
            not_ready = [e.code for e in entries if not ENTRY.allows(e.status, "submit")]
            missing = set(codes) - {e.code for e in entries}
            if not_ready or missing:
                raise ValidationError(
                    _("Only items that are “Ready to submit” can be submitted: %(codes)s")
                    % {"codes": ", ".join(sorted(set(not_ready) | missing))}
                )
        else:
            entries = entries.filter(status__in=ENTRY.sources("submit"))
        now = timezone.now()
        for entry in entries:
            if not (entry.links.exists() or entry.files.exists()):
                raise ValidationError(_("Item %(code)s has no evidence yet") % {"code": entry.code})
            entry.status = ENTRY.check(entry.status, "submit").target
            entry.submitted_at, entry.submitted_by = now, actor
            entry.published = snapshot(entry)
            entry.save(update_fields=["status", "submitted_at", "submitted_by", "published", "updated_at"])
            submitted.append(entry.code)
        if not submitted:
            raise ValidationError(_("No item is ready to submit"))
        record(
            actor,
            AuditAction.SUBMIT_OIT_ITEMS,
            f"{agency.display_name} {round_.fiscal_year}: ส่ง {len(submitted)} ข้อ ({', '.join(submitted)})",
            agency=agency,
            changes={"items": submitted, "status": ["ready", "submitted"]},
        )
    return submitted
