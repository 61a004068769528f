"""State changes of OIT evidence, link checks and reviews.

Every function here validates its input, authorises the actor, runs in one transaction and writes an audit
record (who, when, what changed, why).  Views parse the request, call one of these and render; the link-check
task calls ``run_link_check``.  Messages in ``ValidationError`` are Thai: they are shown to the user as they are.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from prongsai.core.diff import diff_frameworks
from prongsai.core.framework import Framework, FrameworkError, OITItem
from prongsai.core.scoring import combine, oit_item_score, rounded, score_oit
from prongsai.core.thai import to_arabic_digits
from prongsai.web.agencies import access
from prongsai.web.agencies.models import Agency, Role, Unit
from prongsai.web.audit.services import record
from prongsai.web.oit import linkcheck, permissions
from prongsai.web.oit.models import (
    AGENCY_EDITABLE,
    AssessorAssignment,
    ClarificationWindow,
    EntryStatus,
    EvidenceFile,
    EvidenceLink,
    LinkCheck,
    OITEntry,
    OITReview,
    ReviewStage,
)
from prongsai.web.oit.uploads import check_upload
from prongsai.web.results.models import AgencyResult, ResultSource
from prongsai.web.rounds.models import AssessmentRound, RoundStatus

MAX_LINKS_PER_ITEM = 20
MAX_FILES_PER_ITEM = 20


# --------------------------------------------------------------------------------------------------- helpers


def setting(name: str, default):
    """A PRONGSAI_* setting from Django settings, else the environment, else ``default``."""
    if hasattr(settings, name):
        return getattr(settings, name)
    raw = os.environ.get(name)
    if raw is None:
        return default
    if isinstance(default, bool):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    return type(default)(raw)


def item_of(round_: AssessmentRound, code: str) -> OITItem:
    try:
        return round_.framework.oit_item(code)
    except StopIteration:
        raise ValidationError(f"ไม่มีข้อ {code} ในกรอบการประเมินของรอบนี้") from None


def expected_years(item: OITItem, fiscal_year: int) -> tuple[list[int], bool]:
    """The B.E. years the evidence should mention and whether the item requires them.

    Years named in the item's time window ("ผลการดำเนินงานปี พ.ศ. 2562", "ต.ค. 2562 – มี.ค. 2563") are required;
    an item without a time window is checked for the round's fiscal year for information only.
    """
    named = sorted({int(y) for y in re.findall(r"(?<!\d)(2[45]\d\d)(?!\d)", to_arabic_digits(item.time_window))})
    if named:
        return named, True
    return [fiscal_year], False


def _snapshot(entry: OITEntry) -> dict:
    """What the public page may show for an entry: its public links and files, as submitted now."""
    return {
        "at": timezone.now().isoformat(),
        "links": [{"id": link.pk, "url": link.url, "label": link.label}
                  for link in entry.links.filter(is_public=True).order_by("id")],
        "files": [{"id": f.pk, "name": f.original_name, "label": f.label, "sha256": f.sha256, "size": f.size}
                  for f in entry.files.filter(is_public=True).order_by("id")],
    }


def _require_open(round_: AssessmentRound) -> None:
    if round_.status != RoundStatus.OPEN:
        raise ValidationError("รอบการประเมินนี้ไม่ได้เปิดอยู่ จึงแก้ไขหลักฐานไม่ได้")


def _entry(round_: AssessmentRound, agency: Agency, code: str, lock: bool = True) -> OITEntry:
    """The entry of an item, created as a draft the first time it is written (inside the caller's transaction)."""
    item_of(round_, code)
    entry, _ = OITEntry.objects.get_or_create(round=round_, agency=agency, code=code)
    if lock:
        entry = OITEntry.objects.select_for_update().get(pk=entry.pk)
    return entry


def _check_edit(actor, entry: OITEntry) -> None:
    if not permissions.can_edit_item(actor, entry.agency, entry.unit_id):
        raise PermissionDenied
    _require_open(entry.round)
    if entry.status not in AGENCY_EDITABLE:
        raise ValidationError(f"ข้อ {entry.code} อยู่ในสถานะ “{entry.get_status_display()}” แก้ไขหลักฐานไม่ได้")


def _enqueue_check(link: EvidenceLink) -> None:
    """Queue a link check.  On the database queue the task row is written in the same transaction as the link
    (it exists exactly when the link does); on another backend it is sent after the commit."""
    from django_tasks_db.backend import DatabaseBackend

    from prongsai.web.oit.tasks import check_evidence_link

    if isinstance(check_evidence_link.get_backend(), DatabaseBackend):
        result = check_evidence_link.enqueue(link.pk)
        EvidenceLink.objects.filter(pk=link.pk).update(pending_task=str(result.id)[:64])
        link.pending_task = str(result.id)[:64]
    else:
        EvidenceLink.objects.filter(pk=link.pk).update(pending_task="queued")
        link.pending_task = "queued"
        transaction.on_commit(lambda: check_evidence_link.enqueue(link.pk))


_url_validator = URLValidator(schemes=["http", "https"])


def clean_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        raise ValidationError("กรุณาใส่ลิงก์ (URL)", code="required")
    if len(url) > 2000:
        raise ValidationError("ลิงก์ยาวเกิน 2,000 ตัวอักษร", code="too_long")
    if not re.match(r"(?i)^https?://", url):
        raise ValidationError("ลิงก์ต้องขึ้นต้นด้วย http:// หรือ https:// เช่น https://www.example.go.th/ita/o1",
                              code="scheme")
    try:
        _url_validator(url)
    except ValidationError:
        raise ValidationError("รูปแบบลิงก์ไม่ถูกต้อง ตรวจสอบการสะกดและชื่อเว็บไซต์อีกครั้ง", code="invalid") from None
    if "@" in url.split("/")[2]:
        raise ValidationError("ลิงก์ต้องไม่มีชื่อผู้ใช้หรือรหัสผ่าน", code="credentials")
    return url


# ------------------------------------------------------------------------------------------------- evidence


def add_link(actor, round_: AssessmentRound, agency: Agency, code: str, url: str, label: str = "",
             is_public: bool = True) -> EvidenceLink:
    url = clean_url(url)
    label = (label or "").strip()[:500]
    with transaction.atomic():
        entry = _entry(round_, agency, code)
        _check_edit(actor, entry)
        if entry.links.count() >= MAX_LINKS_PER_ITEM:
            raise ValidationError(f"ข้อหนึ่งแนบลิงก์ได้ไม่เกิน {MAX_LINKS_PER_ITEM} ลิงก์")
        if entry.links.filter(url=url).exists():
            raise ValidationError("ลิงก์นี้แนบไว้ในข้อนี้แล้ว", code="duplicate")
        link = EvidenceLink.objects.create(entry=entry, url=url, label=label, is_public=is_public, created_by=actor)
        record(actor, "add_oit_link", f"{agency.display_name} {round_.fiscal_year} {code}: เพิ่มลิงก์ {url}",
               agency=agency, obj=link, changes={"item": code, "url": url, "label": label, "is_public": is_public})
        _enqueue_check(link)
    return link


def remove_link(actor, link: EvidenceLink, reason: str = "") -> None:
    with transaction.atomic():
        entry = OITEntry.objects.select_for_update(of=("self",)).select_related("round", "agency") \
            .get(pk=link.entry_id)
        _check_edit(actor, entry)
        record(actor, "remove_oit_link", f"{entry.agency.display_name} {entry.round.fiscal_year} {entry.code}: "
                                         f"ลบลิงก์ {link.url}", agency=entry.agency, obj=link,
               changes={"item": entry.code, "url": link.url, "reason": reason})
        link.delete()


def upload_file(actor, round_: AssessmentRound, agency: Agency, code: str, uploaded, label: str = "",
                is_public: bool = False) -> EvidenceFile:
    """Validate (type by extension and content, size), hash and store an evidence file: all or nothing."""
    checked = check_upload(uploaded)
    label = (label or "").strip()[:500]
    stored_name = None
    try:
        with transaction.atomic():
            entry = _entry(round_, agency, code)
            _check_edit(actor, entry)
            if entry.files.count() >= MAX_FILES_PER_ITEM:
                raise ValidationError(f"ข้อหนึ่งแนบไฟล์ได้ไม่เกิน {MAX_FILES_PER_ITEM} ไฟล์")
            item = item_of(round_, code)
            years, _required = expected_years(item, round_.fiscal_year)
            text, extracted = linkcheck.extract_text(checked.data, checked.content_type)
            evidence = EvidenceFile(
                entry=entry, original_name=checked.original_name, extension=checked.extension,
                content_type=checked.content_type, size=checked.size, sha256=checked.sha256, label=label,
                is_public=is_public, uploaded_by=actor, text_extracted=extracted,
                years_found=linkcheck.years_in(text, years),
                keywords_found=linkcheck.keywords_in(text, item.keywords)[0])
            evidence.file.save("upload", ContentFile(checked.data), save=False)
            stored_name = evidence.file.name
            evidence.save()
            record(actor, "upload_oit_file",
                   f"{agency.display_name} {round_.fiscal_year} {code}: อัปโหลด {checked.original_name}",
                   agency=agency, obj=evidence,
                   changes={"item": code, "file": checked.original_name, "size": checked.size,
                            "sha256": checked.sha256, "is_public": is_public})
    except BaseException:
        # the row was rolled back: do not leave the stored bytes behind
        if stored_name and not EvidenceFile.objects.filter(file=stored_name).exists():
            default_storage.delete(stored_name)
        raise
    return evidence


def remove_file(actor, evidence: EvidenceFile, reason: str = "") -> None:
    with transaction.atomic():
        entry = OITEntry.objects.select_for_update(of=("self",)).select_related("round", "agency") \
            .get(pk=evidence.entry_id)
        _check_edit(actor, entry)
        name = evidence.file.name
        record(actor, "remove_oit_file", f"{entry.agency.display_name} {entry.round.fiscal_year} {entry.code}: "
                                         f"ลบไฟล์ {evidence.original_name}", agency=entry.agency, obj=evidence,
               changes={"item": entry.code, "file": evidence.original_name, "sha256": evidence.sha256,
                        "reason": reason})
        evidence.delete()
        still_used = EvidenceFile.objects.filter(file=name).exists()
        if not still_used:
            transaction.on_commit(lambda: default_storage.delete(name))


def update_note(actor, round_: AssessmentRound, agency: Agency, code: str, note: str) -> OITEntry:
    with transaction.atomic():
        entry = _entry(round_, agency, code)
        _check_edit(actor, entry)
        before = entry.note
        entry.note = (note or "").strip()[:5000]
        if entry.note != before:
            entry.save(update_fields=["note", "updated_at"])
            record(actor, "update_oit_note", f"{agency.display_name} {round_.fiscal_year} {code}: แก้คำอธิบาย",
                   agency=agency, obj=entry, changes={"item": code, "note": [before, entry.note]})
    return entry


def assign_unit(actor, round_: AssessmentRound, agency: Agency, code: str, unit: Unit | None) -> OITEntry:
    if not permissions.can_manage(actor, agency):
        raise PermissionDenied
    if unit is not None and unit.agency_id != agency.pk:
        raise ValidationError("กลุ่ม/หน่วยนี้ไม่ได้อยู่ในหน่วยงานนี้")
    _require_open(round_)
    with transaction.atomic():
        entry = _entry(round_, agency, code)
        before = entry.unit
        if before != unit:
            entry.unit = unit
            entry.save(update_fields=["unit", "updated_at"])
            record(actor, "assign_oit_unit", f"{agency.display_name} {round_.fiscal_year} {code}: มอบหมายให้ "
                                             f"{unit or '-'}", agency=agency, obj=entry,
                   changes={"item": code, "unit": [str(before) if before else None, str(unit) if unit else None]})
    return entry


def set_ready(actor, round_: AssessmentRound, agency: Agency, code: str, ready: bool = True) -> OITEntry:
    """draft ↔ ready, by the officer or the item's unit; ready needs at least one link or file."""
    with transaction.atomic():
        entry = _entry(round_, agency, code)
        _check_edit(actor, entry)
        if entry.status == EntryStatus.CLARIFYING:
            raise ValidationError("ข้อนี้อยู่ระหว่างชี้แจง ให้ส่งคำชี้แจงแทน")
        target = EntryStatus.READY if ready else EntryStatus.DRAFT
        if ready and not (entry.links.exists() or entry.files.exists()):
            raise ValidationError(f"ข้อ {code} ยังไม่มีหลักฐาน แนบลิงก์หรือไฟล์อย่างน้อยหนึ่งรายการก่อน")
        if entry.status != target:
            before = entry.status
            entry.status = target
            if ready:
                entry.needs_recheck = False  # the officer has looked at the carried-over evidence
            entry.save(update_fields=["status", "needs_recheck", "updated_at"])
            record(actor, "set_oit_ready" if ready else "set_oit_draft",
                   f"{agency.display_name} {round_.fiscal_year} {code}: {before} → {target}", agency=agency,
                   obj=entry, changes={"item": code, "status": [before, target]})
    return entry


def submit_items(actor, round_: AssessmentRound, agency: Agency, codes: Iterable[str] | None = None) -> list[str]:
    """ready → submitted for the given items (default: every ready item).  Officer only."""
    if not permissions.can_manage(actor, agency):
        raise PermissionDenied
    _require_open(round_)
    submitted = []
    with transaction.atomic():
        entries = OITEntry.objects.select_for_update().filter(round=round_, agency=agency)
        if codes is not None:
            codes = list(codes)
            entries = entries.filter(code__in=codes)
            not_ready = [e.code for e in entries if e.status != EntryStatus.READY]
            missing = set(codes) - {e.code for e in entries}
            if not_ready or missing:
                raise ValidationError("ส่งได้เฉพาะข้อที่ “พร้อมส่ง”: " + ", ".join(sorted(set(not_ready) | missing)))
        else:
            entries = entries.filter(status=EntryStatus.READY)
        now = timezone.now()
        for entry in entries:
            if not (entry.links.exists() or entry.files.exists()):
                raise ValidationError(f"ข้อ {entry.code} ยังไม่มีหลักฐาน")
            entry.status = EntryStatus.SUBMITTED
            entry.submitted_at, entry.submitted_by = now, actor
            entry.published = _snapshot(entry)
            entry.save(update_fields=["status", "submitted_at", "submitted_by", "published", "updated_at"])
            submitted.append(entry.code)
        if not submitted:
            raise ValidationError("ไม่มีข้อที่พร้อมส่ง")
        record(actor, "submit_oit_items", f"{agency.display_name} {round_.fiscal_year}: ส่ง {len(submitted)} ข้อ "
                                          f"({', '.join(submitted)})", agency=agency,
               changes={"items": submitted, "status": ["ready", "submitted"]})
    return submitted


def request_recheck(actor, round_: AssessmentRound, agency: Agency, code: str | None = None) -> int:
    """Queue a fresh check of the links of one item, or of every item the actor may edit (the officer: all;
    unit staff: their unit's items)."""
    _require_open(round_)
    links = EvidenceLink.objects.filter(entry__round=round_, entry__agency=agency).select_related("entry")
    if code is not None:
        item_of(round_, code)
        unit_id = OITEntry.objects.filter(round=round_, agency=agency, code=code).values_list("unit_id", flat=True) \
            .first()
        if not permissions.can_edit_item(actor, agency, unit_id):
            raise PermissionDenied
        links = links.filter(entry__code=code)
    elif not permissions.can_manage(actor, agency):
        units = permissions.unit_ids(actor, agency)
        if not units:
            raise PermissionDenied
        links = links.filter(entry__unit_id__in=units)
    links = list(links)
    with transaction.atomic():
        for link in links:
            _enqueue_check(link)
        record(actor, "request_oit_recheck", f"{agency.display_name} {round_.fiscal_year} "
                                             f"{code or 'ทุกข้อ'}: ตรวจลิงก์ใหม่ {len(links)} ลิงก์", agency=agency,
               changes={"item": code, "links": [link.pk for link in links]})
    return len(links)


def run_link_check(link_id: int, task_id: str = "") -> dict:
    """Check one link now (network work outside any transaction) and record the result.  Called by the task."""
    link = EvidenceLink.objects.select_related("entry__round").filter(pk=link_id).first()
    if link is None:
        return {"link": link_id, "skipped": "link removed"}
    entry = link.entry
    try:
        item = entry.round.framework.oit_item(entry.code)
        keywords, (years, required) = item.keywords, expected_years(item, entry.round.fiscal_year)
    except (StopIteration, FrameworkError):
        keywords, years, required = (), [entry.round.fiscal_year], False
    result = linkcheck.check_url(
        link.url, years=years, keywords=keywords, require_year=required,
        allow_loopback=setting("PRONGSAI_LINKCHECK_ALLOW_LOOPBACK", False),
        timeout=float(setting("PRONGSAI_LINKCHECK_TIMEOUT", 15.0)),
        max_bytes=int(setting("PRONGSAI_LINKCHECK_MAX_BYTES", 25 * 1024 * 1024)))
    return record_link_check(link_id, result, task_id)


def record_link_check(link_id: int, result: linkcheck.CheckResult, task_id: str = "") -> dict:
    with transaction.atomic():
        link = EvidenceLink.objects.select_for_update(of=("self",)).select_related("entry__agency", "entry__round") \
            .filter(pk=link_id).first()
        if link is None:
            return {"link": link_id, "skipped": "link removed"}
        check = LinkCheck.objects.create(
            link=link, checked_at=timezone.now(), verdict=result.verdict, url=result.url[:2000],
            final_url=result.final_url[:2000], http_status=result.http_status, redirects=result.redirects,
            redirect_to_login=result.redirect_to_login, redirect_other_domain=result.redirect_other_domain,
            content_type=result.content_type, size=result.size, truncated=result.truncated, sha256=result.sha256,
            text_extracted=result.text_extracted, years_expected=result.years_expected,
            years_found=result.years_found, keywords_found=result.keywords_found,
            keywords_missing=result.keywords_missing,
            problems=[{"code": p.code, "level": p.level, "message": p.message} for p in result.problems],
            error=result.error[:500], elapsed_ms=result.elapsed_ms, task_id=str(task_id)[:64])
        link.last_check = check
        link.needs_recheck = False
        if not task_id or link.pending_task in (str(task_id)[:64], "queued"):
            link.pending_task = ""
        link.save(update_fields=["last_check", "needs_recheck", "pending_task"])
        entry = link.entry
        record(None, "record_link_check", f"{entry.agency.display_name} {entry.round.fiscal_year} {entry.code}: "
                                          f"{result.verdict} {link.url}", agency=entry.agency, obj=check,
               changes={"item": entry.code, "url": link.url, "verdict": result.verdict,
                        "http_status": result.http_status, "sha256": result.sha256,
                        "problems": [p.code for p in result.problems]})
    return {"link": link_id, "check": check.pk, "verdict": result.verdict, "http_status": result.http_status,
            "problems": [p.code for p in result.problems]}


# ---------------------------------------------------------------------------------------------- carry-over


def previous_round(round_: AssessmentRound) -> AssessmentRound | None:
    """Last year's round: the round of the edition this one was derived from, else any round a year earlier."""
    framework = round_.framework
    rounds = AssessmentRound.objects.filter(fiscal_year__lt=round_.fiscal_year).order_by("-fiscal_year")
    if framework.previous:
        found = rounds.filter(framework_id=framework.previous).first()
        if found:
            return found
    return rounds.filter(fiscal_year=round_.fiscal_year - 1).first()


def carry_map(old: Framework, new: Framework) -> dict[str, list[str]]:
    """New item code → old item codes whose evidence it continues: the diff's survivors (unchanged, renumbered,
    re-titled and merged items; a declared-new item reusing an old code is not one)."""
    new_codes = {o.code for o in new.oit_items}
    return {code: list(olds) for code, olds in diff_frameworks(old, new).survivors().items() if code in new_codes}


def _analyse_stored(evidence: EvidenceFile, item: OITItem, fiscal_year: int) -> tuple[bool, list[int], list[str]]:
    """Year and keyword findings of a stored file for another item or year (a carried-over file is re-read)."""
    try:
        with evidence.file.open("rb") as handle:
            data = handle.read()
    except OSError:
        return False, [], []
    years, _required = expected_years(item, fiscal_year)
    text, extracted = linkcheck.extract_text(data, evidence.content_type)
    return extracted, linkcheck.years_in(text, years), linkcheck.keywords_in(text, item.keywords)[0]


def carry_over_evidence(actor, round_: AssessmentRound, agency: Agency) -> list[str]:
    """Copy last year's links and files into this round's items that survived the framework diff, as drafts
    marked for re-check; items that already have evidence this year are left alone.  Officer only."""
    if not permissions.can_manage(actor, agency):
        raise PermissionDenied
    _require_open(round_)
    before = previous_round(round_)
    if before is None:
        raise ValidationError("ไม่พบรอบการประเมินของปีก่อนหน้า")
    mapping = carry_map(before.framework, round_.framework)
    old_entries = {e.code: e for e in OITEntry.objects.filter(round=before, agency=agency)
                   .prefetch_related("links", "files")}
    carried: list[str] = []
    with transaction.atomic():
        for code, old_codes in mapping.items():
            sources = [old_entries[c] for c in old_codes if c in old_entries]
            sources = [s for s in sources if s.links.all() or s.files.all()]
            if not sources:
                continue
            entry = _entry(round_, agency, code)
            if entry.links.exists() or entry.files.exists() or entry.status != EntryStatus.DRAFT:
                continue
            urls = set()
            for source in sources:
                for link in source.links.all():
                    if link.url in urls:
                        continue
                    urls.add(link.url)
                    new_link = EvidenceLink.objects.create(
                        entry=entry, url=link.url, label=link.label, is_public=link.is_public, needs_recheck=True,
                        carried_from=link, created_by=actor)
                    _enqueue_check(new_link)
                for f in source.files.all():
                    extracted, years_found, keywords_found = _analyse_stored(f, item_of(round_, code),
                                                                             round_.fiscal_year)
                    EvidenceFile.objects.create(
                        entry=entry, file=f.file.name, original_name=f.original_name, extension=f.extension,
                        content_type=f.content_type, size=f.size, sha256=f.sha256, label=f.label,
                        is_public=f.is_public, text_extracted=extracted, years_found=years_found,
                        keywords_found=keywords_found, carried_from=f, uploaded_by=actor)
            entry.carried_from = sources[0]
            entry.needs_recheck = True
            if entry.unit_id is None and sources[0].unit_id:
                entry.unit_id = sources[0].unit_id
            entry.save(update_fields=["carried_from", "needs_recheck", "unit", "updated_at"])
            carried.append(code)
        record(actor, "carry_over_oit_evidence",
               f"{agency.display_name}: นำหลักฐาน {before.fiscal_year} มาใช้ใน {round_.fiscal_year} {len(carried)} ข้อ",
               agency=agency, changes={"from_round": before.pk, "to_round": round_.pk, "items": carried,
                                       "mapping": {c: mapping[c] for c in carried}})
    return carried


# ------------------------------------------------------------------------------------------ assignments


def assign_assessor(actor, round_: AssessmentRound, agency: Agency, assessor) -> AssessorAssignment:
    if not permissions.can_assign(actor):
        raise PermissionDenied
    if not any(m.role == Role.ASSESSOR for m in access.memberships(assessor)):
        raise ValidationError(f"{assessor.get_username()} ไม่ได้มีบทบาทผู้ตรวจประเมิน")
    if agency.kind not in round_.framework.agency_types:
        raise ValidationError("หน่วยงานนี้ไม่ได้ประเมินด้วยกรอบของรอบนี้")
    with transaction.atomic():
        assignment, created = AssessorAssignment.objects.get_or_create(
            round=round_, agency=agency, assessor=assessor, defaults={"assigned_by": actor})
        if created:
            record(actor, "assign_assessor", f"มอบหมาย {assessor.get_username()} ตรวจ {agency.display_name} "
                                             f"{round_.fiscal_year}", agency=agency, obj=assignment,
                   changes={"assessor": assessor.get_username(), "round": round_.pk})
    return assignment


def unassign_assessor(actor, assignment: AssessorAssignment, reason: str = "") -> None:
    if not permissions.can_assign(actor):
        raise PermissionDenied
    with transaction.atomic():
        record(actor, "unassign_assessor", f"ยกเลิกการมอบหมาย {assignment.assessor.get_username()} ตรวจ "
                                           f"{assignment.agency.display_name} {assignment.round.fiscal_year}",
               agency=assignment.agency, obj=assignment,
               changes={"assessor": assignment.assessor.get_username(), "reason": reason})
        assignment.delete()


# ------------------------------------------------------------------------------------------------ reviews


def _judge(item: OITItem, passed, elements, score) -> tuple[Fraction, dict]:
    """The item score from the assessor's judgement, as the edition's scoring method says."""
    try:
        if item.method == "elements" or (item.method == "pass_fail" and item.elements and elements is not None):
            chosen = sorted(set(elements or []))
            return oit_item_score(item, elements=chosen), {"elements": chosen}
        if item.method == "pass_fail":
            if passed is None:
                raise ValidationError("เลือกผลการตรวจ: ผ่าน หรือ ไม่ผ่าน")
            return oit_item_score(item, passed=bool(passed)), {"passed": bool(passed)}
        if score in (None, ""):
            raise ValidationError("ใส่คะแนน 0–100")
        try:
            value = Decimal(to_arabic_digits(str(score)).strip())
        except InvalidOperation:
            raise ValidationError("คะแนนต้องเป็นตัวเลข 0–100") from None
        if value.as_tuple().exponent < -2:  # type: ignore[operator]
            raise ValidationError("คะแนนมีทศนิยมได้ไม่เกิน 2 ตำแหน่ง")
        return oit_item_score(item, score=value), {"given_score": value}
    except ValueError as exc:
        raise ValidationError(f"ผลการตรวจไม่ถูกต้อง: {exc}") from None


def record_oit_review(actor, entry: OITEntry, *, passed: bool | None = None, elements: list[str] | None = None,
                      score=None, comment: str = "", reason: str = "") -> OITReview:
    """Record an assessor's judgement of one item.

    Before confirmation a new judgement supersedes the previous one (both stay on record).  After confirmation
    the judgement can only be corrected: a reason is required and the correction is itself confirmed at once.
    """
    with transaction.atomic():
        entry = OITEntry.objects.select_for_update(of=("self",)).select_related("round", "agency", "current_review") \
            .get(pk=entry.pk)
        if not permissions.can_review(actor, entry.round, entry.agency):
            raise PermissionDenied
        item = item_of(entry.round, entry.code)
        comment, reason = (comment or "").strip(), (reason or "").strip()
        status = entry.status
        if status in (EntryStatus.SUBMITTED, EntryStatus.REVIEWED):
            stage = ReviewStage.ROUND1
        elif status == EntryStatus.CLARIFIED or (status == EntryStatus.CLARIFYING and _deadline_passed(entry)):
            stage = ReviewStage.ROUND2
        elif status == EntryStatus.CONFIRMED:
            stage = ReviewStage.CORRECTION
            if not reason:
                raise ValidationError("ผลการตรวจข้อนี้ยืนยันแล้ว การแก้ไขต้องระบุเหตุผล")
        elif status == EntryStatus.CLARIFYING:
            raise ValidationError("หน่วยงานยังอยู่ในช่วงชี้แจง รอคำชี้แจงหรือจนพ้นกำหนดก่อน")
        else:
            raise ValidationError(f"ข้อ {entry.code} ยังไม่ได้ส่งให้ตรวจ")
        value, judgement = _judge(item, passed, elements, score)
        if value < 100 and not comment:
            raise ValidationError("ข้อที่ไม่ได้คะแนนเต็มต้องมีความเห็นของผู้ตรวจ เพื่อให้หน่วยงานชี้แจงหรือปรับปรุงได้")
        previous = entry.current_review
        now = timezone.now()
        review = OITReview.objects.create(
            entry=entry, stage=stage, assessor=actor, method=item.method, passed=judgement.get("passed"),
            elements=judgement.get("elements"), given_score=judgement.get("given_score"),
            score_exact=str(value), score=rounded(value), comment=comment, reason=reason, supersedes=previous,
            confirmed_at=now if stage == ReviewStage.CORRECTION else None,
            confirmed_by=actor if stage == ReviewStage.CORRECTION else None)
        entry.current_review = review
        entry.score_exact, entry.score = str(value), rounded(value)
        if stage == ReviewStage.ROUND1:
            entry.status = EntryStatus.REVIEWED
        if stage == ReviewStage.CORRECTION:
            entry.confirmed_at = now
        entry.save(update_fields=["current_review", "score_exact", "score", "status", "confirmed_at", "updated_at"])
        changes = {"item": entry.code, "stage": stage, "score": [str(previous.score) if previous else None,
                                                                 str(review.score)],
                   "judgement": {k: str(v) if isinstance(v, Decimal) else v for k, v in judgement.items()},
                   "comment": comment}
        if reason:
            changes["reason"] = reason
        record(actor, "record_oit_review",
               f"{entry.agency.display_name} {entry.round.fiscal_year} {entry.code}: "
               f"{ReviewStage(stage).label} {review.score}", agency=entry.agency, obj=review, changes=changes)
        if stage == ReviewStage.CORRECTION:
            sync_computed_result(entry.round, entry.agency, actor)
    return review


def _deadline_passed(entry: OITEntry) -> bool:
    window = ClarificationWindow.objects.filter(round=entry.round, agency=entry.agency).first()
    return window is not None and timezone.localdate() > window.deadline


def open_clarification(actor, round_: AssessmentRound, agency: Agency, deadline: date, note: str = "") -> list[str]:
    """Round 2: every item reviewed below full marks goes back to the agency to answer and amend by ``deadline``."""
    if not permissions.can_open_clarification(actor, round_, agency):
        raise PermissionDenied
    if deadline < timezone.localdate():
        raise ValidationError("วันสิ้นสุดการชี้แจงต้องไม่ก่อนวันนี้")
    with transaction.atomic():
        window, created = ClarificationWindow.objects.select_for_update().get_or_create(
            round=round_, agency=agency,
            defaults={"opened_by": actor, "opened_at": timezone.now(), "deadline": deadline, "note": note})
        before = None
        if not created:
            before = window.deadline.isoformat()
            window.deadline, window.note = deadline, note or window.note
            window.save(update_fields=["deadline", "note"])
        entries = list(OITEntry.objects.select_for_update().filter(round=round_, agency=agency,
                                                                   status=EntryStatus.REVIEWED, score__lt=100))
        for entry in entries:
            entry.status = EntryStatus.CLARIFYING
            entry.save(update_fields=["status", "updated_at"])
        codes = [e.code for e in entries]
        if created and not codes:
            raise ValidationError("ไม่มีข้อที่ต้องชี้แจง (ทุกข้อที่ตรวจแล้วได้คะแนนเต็ม หรือยังไม่ได้ตรวจ)")
        record(actor, "open_oit_clarification",
               f"{agency.display_name} {round_.fiscal_year}: เปิดให้ชี้แจงถึง {deadline.isoformat()} "
               f"({len(codes)} ข้อ)", agency=agency, obj=window,
               changes={"deadline": [before, deadline.isoformat()], "items": codes, "note": note})
    return codes


def submit_clarification(actor, entry: OITEntry, text: str) -> OITEntry:
    """The agency answers the assessor's comment (and may have amended the evidence): clarifying → clarified."""
    text = (text or "").strip()
    with transaction.atomic():
        entry = OITEntry.objects.select_for_update(of=("self",)).select_related("round", "agency").get(pk=entry.pk)
        if not permissions.can_manage(actor, entry.agency):
            raise PermissionDenied
        if entry.status != EntryStatus.CLARIFYING:
            raise ValidationError(f"ข้อ {entry.code} ไม่ได้อยู่ในช่วงชี้แจง")
        if _deadline_passed(entry):
            raise ValidationError("พ้นกำหนดเวลาชี้แจงแล้ว")
        if not text:
            raise ValidationError("กรุณาเขียนคำชี้แจงตอบความเห็นของผู้ตรวจ")
        if not (entry.links.exists() or entry.files.exists()):
            raise ValidationError(f"ข้อ {entry.code} ไม่มีหลักฐานเหลืออยู่ แนบลิงก์หรือไฟล์ก่อนส่งคำชี้แจง")
        entry.clarification = text[:5000]
        entry.status = EntryStatus.CLARIFIED
        entry.published = _snapshot(entry)
        entry.save(update_fields=["clarification", "status", "published", "updated_at"])
        record(actor, "submit_oit_clarification",
               f"{entry.agency.display_name} {entry.round.fiscal_year} {entry.code}: ส่งคำชี้แจง",
               agency=entry.agency, obj=entry,
               changes={"item": entry.code, "clarification": entry.clarification,
                        "status": ["clarifying", "clarified"],
                        "links": [link["url"] for link in entry.published["links"]]})
    return entry


def confirm_review(actor, entry: OITEntry) -> OITReview:
    """The assessor confirms the current judgement: it becomes final and flows into the computed result."""
    with transaction.atomic():
        entry = OITEntry.objects.select_for_update(of=("self",)).select_related("round", "agency", "current_review") \
            .get(pk=entry.pk)
        if not permissions.can_review(actor, entry.round, entry.agency):
            raise PermissionDenied
        review = entry.current_review
        if entry.status == EntryStatus.CONFIRMED:
            raise ValidationError("ข้อนี้ยืนยันผลแล้ว")
        if review is None:
            raise ValidationError("ยังไม่มีผลการตรวจให้ยืนยัน")
        if entry.status == EntryStatus.CLARIFIED and review.stage != ReviewStage.ROUND2:
            raise ValidationError("หน่วยงานชี้แจงแล้ว บันทึกผลการตรวจรอบที่ 2 ก่อนยืนยัน")
        if entry.status == EntryStatus.CLARIFYING and not _deadline_passed(entry):
            raise ValidationError("หน่วยงานยังอยู่ในช่วงชี้แจง ยืนยันผลได้เมื่อพ้นกำหนด")
        if entry.status not in (EntryStatus.REVIEWED, EntryStatus.CLARIFIED, EntryStatus.CLARIFYING):
            raise ValidationError("ยืนยันผลไม่ได้ในสถานะนี้")
        now = timezone.now()
        review.confirmed_at, review.confirmed_by = now, actor
        review.save(update_fields=["confirmed_at", "confirmed_by"])
        before = entry.status
        entry.status = EntryStatus.CONFIRMED
        entry.confirmed_at = now
        entry.save(update_fields=["status", "confirmed_at", "updated_at"])
        record(actor, "confirm_oit_review",
               f"{entry.agency.display_name} {entry.round.fiscal_year} {entry.code}: ยืนยันผล {review.score}",
               agency=entry.agency, obj=review,
               changes={"item": entry.code, "status": [before, "confirmed"], "score": str(review.score),
                        "review": review.pk})
        sync_computed_result(entry.round, entry.agency, actor)
    return review


# --------------------------------------------------------------------------------------- computed results


def sync_computed_result(round_: AssessmentRound, agency: Agency, actor=None) -> AgencyResult | None:
    """Write the confirmed OIT item scores and indicators 9 and 10 into the agency's computed result.

    Only the OIT keys change (the O-item scores and the evidence-tool indicators); indicators 1–8 written by the
    survey scoring stay as they are.  Tool scores, the total and the level are recomputed by the core engine from
    whatever indicators the row then holds (the total only exists once every indicator has a score).
    Indicators 9 and 10 are the mean of the confirmed items so far (score_oit over the confirmed items).
    """
    framework = round_.framework
    oit_numbers = {i.number for t in framework.evidence_tools for i in framework.indicators_of(t)}
    oit_codes = {o.code for o in framework.oit_items}
    confirmed = {e.code: e.score_fraction for e in OITEntry.objects.filter(
        round=round_, agency=agency, status=EntryStatus.CONFIRMED) if e.score_exact}
    with transaction.atomic():
        result = AgencyResult.objects.select_for_update().filter(round=round_, agency=agency,
                                                                 source=ResultSource.COMPUTED).first()
        if result is None and not confirmed:
            return None
        if result is None:
            result = AgencyResult(round=round_, agency=agency, source=ResultSource.COMPUTED)
        indicators = {k: v for k, v in (result.indicators or {}).items() if int(k) not in oit_numbers}
        exact: dict[int, Fraction | None] = {int(k): Fraction(Decimal(str(v))) for k, v in indicators.items()
                                             if v not in (None, "")}
        oit_scores = score_oit(framework, confirmed)
        for number, value in oit_scores.items():
            if value is not None:
                indicators[str(number)] = str(rounded(value))
                exact[number] = value
        items = {k: v for k, v in (result.items or {}).items() if k not in oit_codes}
        items.update({code: str(rounded(value)) for code, value in confirmed.items()})
        score = combine(framework, exact)
        tools = score.tools_rounded
        before = {"indicators": {k: (result.indicators or {}).get(k) for k in map(str, oit_numbers)},
                  "total": str(result.total) if result.total is not None else None}
        result.indicators = dict(sorted(indicators.items(), key=lambda kv: int(kv[0])))
        result.items = items
        result.iit, result.eit, result.oit = tools.get("IIT"), tools.get("EIT"), tools.get("OIT")
        result.total = score.total_rounded
        result.level = score.level or ""
        result.save()
        after = {"indicators": {k: result.indicators.get(k) for k in map(str, oit_numbers)},
                 "total": str(result.total) if result.total is not None else None}
        record(actor, "sync_oit_result", f"{agency.display_name} {round_.fiscal_year}: คะแนน OIT จากผลที่ยืนยันแล้ว "
                                         f"{len(confirmed)} ข้อ", agency=agency, obj=result,
               changes={"before": before, "after": after, "confirmed_items": sorted(confirmed)})
    return result
