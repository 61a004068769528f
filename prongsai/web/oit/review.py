"""The assessor's side of OIT: assignments, judgements (round 1, round 2 after clarification, corrections),
confirmation, and the confirmed scores written into the agency's computed result.  Same rules as
``prongsai.web.oit.services``: validate, authorise, one transaction, one audit record."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from prongsai.core.framework import OITItem
from prongsai.core.scoring import combine, oit_item_score, rounded, score_oit
from prongsai.core.thai import to_arabic_digits
from prongsai.web.agencies import access
from prongsai.web.agencies.models import Agency, Role
from prongsai.web.audit.actions import AuditAction
from prongsai.web.audit.services import record
from prongsai.web.oit import permissions
from prongsai.web.oit.common import item_of, snapshot
from prongsai.web.oit.lifecycle import ENTRY, open_now, review_move
from prongsai.web.oit.models import (
    AssessorAssignment,
    ClarificationWindow,
    EntryStatus,
    OITEntry,
    OITReview,
    ReviewStage,
)
from prongsai.web.results.models import AgencyResult, ResultSource
from prongsai.web.rounds.models import AssessmentRound


def assign_assessor(actor, round_: AssessmentRound, agency: Agency, assessor) -> AssessorAssignment:
    if not permissions.can_assign(actor):
        raise PermissionDenied
    if not any(m.role == Role.ASSESSOR for m in access.memberships(assessor)):
        raise ValidationError(_("%(user)s does not have the assessor role") % {"user": assessor.get_username()})
    if agency.kind not in round_.framework.agency_types:
        raise ValidationError(_("This agency is not assessed with this round's framework"))
    with transaction.atomic():
        assignment, created = AssessorAssignment.objects.get_or_create(
            round=round_, agency=agency, assessor=assessor, defaults={"assigned_by": actor}
        )
        if created:
            record(
                actor,
                AuditAction.ASSIGN_ASSESSOR,
                f"มอบหมาย {assessor.get_username()} ตรวจ {agency.display_name} {round_.fiscal_year}",
                agency=agency,
                obj=assignment,
                changes={"assessor": assessor.get_username(), "round": round_.pk},
            )
    return assignment


def unassign_assessor(actor, assignment: AssessorAssignment, reason: str = "") -> None:
    if not permissions.can_assign(actor):
        raise PermissionDenied
    with transaction.atomic():
        record(
            actor,
            AuditAction.UNASSIGN_ASSESSOR,
            f"ยกเลิกการมอบหมาย {assignment.assessor.get_username()} ตรวจ "
            f"{assignment.agency.display_name} {assignment.round.fiscal_year}",
            agency=assignment.agency,
            obj=assignment,
            changes={"assessor": assignment.assessor.get_username(), "reason": reason},
        )
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
                raise ValidationError(_("Choose the result: pass or fail"))
            return oit_item_score(item, passed=bool(passed)), {"passed": bool(passed)}
        if score in (None, ""):
            raise ValidationError(_("Enter a score from 0 to 100"))
        try:
            value = Decimal(to_arabic_digits(str(score)).strip())
        except InvalidOperation:
            raise ValidationError(_("The score must be a number from 0 to 100")) from None
        if value.as_tuple().exponent < -2:  # type: ignore[operator]  # finite here: the exponent is an int
            raise ValidationError(_("The score may have at most 2 decimal places"))
        return oit_item_score(item, score=value), {"given_score": value}
    except ValueError as exc:
        raise ValidationError(_("The judgement is not valid: %(error)s") % {"error": exc}) from None


def record_oit_review(
    actor,
    entry: OITEntry,
    *,
    passed: bool | None = None,
    elements: list[str] | None = None,
    score=None,
    comment: str = "",
    reason: str = "",
) -> OITReview:
    """Record an assessor's judgement of one item.

    Before confirmation a new judgement supersedes the previous one (both stay on record).  After confirmation
    the judgement can only be corrected: a reason is required and the correction is itself confirmed at once.
    """
    with transaction.atomic():
        entry = (
            OITEntry.objects.select_for_update(of=("self",))
            .select_related("round", "agency", "current_review")
            .get(pk=entry.pk)
        )
        if not permissions.can_review(actor, entry.round, entry.agency):
            raise PermissionDenied
        item = item_of(entry.round, entry.code)
        comment, reason = (comment or "").strip(), (reason or "").strip()
        move = review_move(entry.status)
        if move is None:
            raise ValidationError(_("Item %(code)s has not been submitted for review") % {"code": entry.code})
        stage = _STAGE_OF[move.name]
        if stage == ReviewStage.CORRECTION and not reason:
            raise ValidationError(_("This item's score is confirmed; a correction needs a reason"))
        if not open_now(entry.status, move.name, deadline_passed=_deadline_passed(entry)):
            raise ValidationError(
                _("The agency is still in its clarification period; wait for the clarification or the deadline")
            )
        value, judgement = _judge(item, passed, elements, score)
        if value < 100 and not comment:
            raise ValidationError(
                _("An item without full marks needs the assessor's comment, so the agency can clarify or improve")
            )
        previous = entry.current_review
        now = timezone.now()
        review = OITReview.objects.create(
            entry=entry,
            stage=stage,
            assessor=actor,
            method=item.method,
            passed=judgement.get("passed"),
            elements=judgement.get("elements"),
            given_score=judgement.get("given_score"),
            score_exact=str(value),
            score=rounded(value),
            comment=comment,
            reason=reason,
            supersedes=previous,
            confirmed_at=now if stage == ReviewStage.CORRECTION else None,
            confirmed_by=actor if stage == ReviewStage.CORRECTION else None,
        )
        entry.current_review = review
        entry.score_exact, entry.score = str(value), rounded(value)
        entry.status = move.target
        if stage == ReviewStage.CORRECTION:
            entry.confirmed_at = now
        entry.save(update_fields=["current_review", "score_exact", "score", "status", "confirmed_at", "updated_at"])
        changes = {
            "item": entry.code,
            "stage": stage,
            "score": [str(previous.score) if previous else None, str(review.score)],
            "judgement": {k: str(v) if isinstance(v, Decimal) else v for k, v in judgement.items()},
            "comment": comment,
        }
        if reason:
            changes["reason"] = reason
        with translation.override(settings.LANGUAGE_CODE):  # the audit record is written in Thai, as all are
            stage_label = str(ReviewStage(stage).label)
        record(
            actor,
            AuditAction.RECORD_OIT_REVIEW,
            f"{entry.agency.display_name} {entry.round.fiscal_year} {entry.code}: {stage_label} {review.score}",
            agency=entry.agency,
            obj=review,
            changes=changes,
        )
        if stage == ReviewStage.CORRECTION:
            sync_computed_result(entry.round, entry.agency, actor)
    return review


#: the review stage each review move of the table records
_STAGE_OF = {"review": ReviewStage.ROUND1, "review_again": ReviewStage.ROUND2, "correct": ReviewStage.CORRECTION}


def _deadline_passed(entry: OITEntry) -> bool:
    return deadline_passed(ClarificationWindow.objects.filter(round=entry.round, agency=entry.agency).first())


def deadline_passed(window: ClarificationWindow | None) -> bool:
    """Whether the agency's clarification window (if any) has closed: the day after its deadline."""
    return window is not None and timezone.localdate() > window.deadline


def open_clarification(actor, round_: AssessmentRound, agency: Agency, deadline: date, note: str = "") -> list[str]:
    """Round 2: every item reviewed below full marks goes back to the agency to answer and amend by ``deadline``."""
    if not permissions.can_open_clarification(actor, round_, agency):
        raise PermissionDenied
    if deadline < timezone.localdate():
        raise ValidationError(_("The last day for clarification must not be before today"))
    with transaction.atomic():
        window, created = ClarificationWindow.objects.select_for_update().get_or_create(
            round=round_,
            agency=agency,
            defaults={"opened_by": actor, "opened_at": timezone.now(), "deadline": deadline, "note": note},
        )
        before = None
        if not created:
            before = window.deadline.isoformat()
            window.deadline, window.note = deadline, note or window.note
            window.save(update_fields=["deadline", "note"])
        entries = list(
            OITEntry.objects.select_for_update().filter(
                round=round_, agency=agency, status__in=ENTRY.sources("ask_clarification"), score__lt=100
            )
        )
        for entry in entries:
            entry.status = ENTRY.check(entry.status, "ask_clarification").target
            entry.save(update_fields=["status", "updated_at"])
        codes = [e.code for e in entries]
        if created and not codes:
            raise ValidationError(
                _("No item needs clarification (every reviewed item has full marks, or none has been reviewed yet)")
            )
        record(
            actor,
            AuditAction.OPEN_OIT_CLARIFICATION,
            f"{agency.display_name} {round_.fiscal_year}: เปิดให้ชี้แจงถึง {deadline.isoformat()} ({len(codes)} ข้อ)",
            agency=agency,
            obj=window,
            changes={"deadline": [before, deadline.isoformat()], "items": codes, "note": note},
        )
        if codes or before != deadline.isoformat():  # the agency's people hear of it (mailed after commit)
            _notify_clarification(round_, agency, deadline, codes, window.pk)
    return codes


def _notify_clarification(round_, agency, deadline, codes, window_pk) -> None:
    from django.apps import apps

    if apps.is_installed("prongsai.web.notifications"):
        from prongsai.web.notifications.services import notify_clarification_requested

        all_codes = list(
            OITEntry.objects.filter(round=round_, agency=agency, status=EntryStatus.CLARIFYING).values_list(
                "code", flat=True
            )
        )
        notify_clarification_requested(round_, agency, deadline, sorted(set(codes) | set(all_codes)), window_pk)


def submit_clarification(actor, entry: OITEntry, text: str) -> OITEntry:
    """The agency answers the assessor's comment (and may have amended the evidence): clarifying → clarified."""
    text = (text or "").strip()
    with transaction.atomic():
        entry = OITEntry.objects.select_for_update(of=("self",)).select_related("round", "agency").get(pk=entry.pk)
        if not permissions.can_manage(actor, entry.agency):
            raise PermissionDenied
        if not ENTRY.allows(entry.status, "clarify"):
            raise ValidationError(_("Item %(code)s is not in its clarification period") % {"code": entry.code})
        if not open_now(entry.status, "clarify", deadline_passed=_deadline_passed(entry)):
            raise ValidationError(_("The clarification deadline has passed"))
        if not text:
            raise ValidationError(_("Please write a clarification that answers the assessor's comment"))
        if not (entry.links.exists() or entry.files.exists()):
            raise ValidationError(
                _("Item %(code)s has no evidence left; attach a link or file before sending the clarification")
                % {"code": entry.code}
            )
        entry.clarification = text[:5000]
        entry.status = ENTRY.check(entry.status, "clarify").target
        entry.published = snapshot(entry)
        entry.save(update_fields=["clarification", "status", "published", "updated_at"])
        record(
            actor,
            AuditAction.SUBMIT_OIT_CLARIFICATION,
            f"{entry.agency.display_name} {entry.round.fiscal_year} {entry.code}: ส่งคำชี้แจง",
            agency=entry.agency,
            obj=entry,
            changes={
                "item": entry.code,
                "clarification": entry.clarification,
                "status": ["clarifying", "clarified"],
                "links": [link["url"] for link in entry.published["links"]],
            },
        )
    return entry


def confirm_review(actor, entry: OITEntry) -> OITReview:
    """The assessor confirms the current judgement: it becomes final and flows into the computed result."""
    with transaction.atomic():
        entry = (
            OITEntry.objects.select_for_update(of=("self",))
            .select_related("round", "agency", "current_review")
            .get(pk=entry.pk)
        )
        if not permissions.can_review(actor, entry.round, entry.agency):
            raise PermissionDenied
        review = entry.current_review
        if entry.status == EntryStatus.CONFIRMED:
            raise ValidationError(_("This item's score is already confirmed"))
        if review is None:
            raise ValidationError(_("There is no review to confirm yet"))
        if entry.status == EntryStatus.CLARIFIED and review.stage != ReviewStage.ROUND2:
            raise ValidationError(_("The agency has clarified; record the round 2 review before confirming"))
        if ENTRY.allows(entry.status, "confirm") and not open_now(
            entry.status, "confirm", deadline_passed=_deadline_passed(entry)
        ):
            raise ValidationError(
                _("The agency is still in its clarification period; the score can be confirmed after the deadline")
            )
        if not ENTRY.allows(entry.status, "confirm"):
            raise ValidationError(_("The score cannot be confirmed in this status"))
        now = timezone.now()
        review.confirmed_at, review.confirmed_by = now, actor
        review.save(update_fields=["confirmed_at", "confirmed_by"])
        before = entry.status
        entry.status = ENTRY.check(entry.status, "confirm").target
        entry.confirmed_at = now
        entry.save(update_fields=["status", "confirmed_at", "updated_at"])
        record(
            actor,
            AuditAction.CONFIRM_OIT_REVIEW,
            f"{entry.agency.display_name} {entry.round.fiscal_year} {entry.code}: ยืนยันผล {review.score}",
            agency=entry.agency,
            obj=review,
            changes={
                "item": entry.code,
                "status": [before, entry.status],
                "score": str(review.score),
                "review": review.pk,
            },
        )
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
    confirmed = {
        e.code: e.score_fraction
        for e in OITEntry.objects.filter(round=round_, agency=agency, status=EntryStatus.CONFIRMED)
        if e.score_exact
    }
    with transaction.atomic():
        result = (
            AgencyResult.objects.select_for_update()
            .filter(round=round_, agency=agency, source=ResultSource.COMPUTED)
            .first()
        )
        if result is None and not confirmed:
            return None
        if result is None:
            result = AgencyResult(round=round_, agency=agency, source=ResultSource.COMPUTED)
        indicators = {k: v for k, v in (result.indicators or {}).items() if int(k) not in oit_numbers}
        exact: dict[int, Fraction | None] = {
            int(k): Fraction(Decimal(str(v))) for k, v in indicators.items() if v not in (None, "")
        }
        oit_scores = score_oit(framework, confirmed)
        for number, value in oit_scores.items():
            if value is not None:
                indicators[str(number)] = str(rounded(value))
                exact[number] = value
        items = {k: v for k, v in (result.items or {}).items() if k not in oit_codes}
        items.update({code: str(rounded(value)) for code, value in confirmed.items()})
        score = combine(framework, exact)
        tools = score.tools_rounded
        before = {
            "indicators": {k: (result.indicators or {}).get(k) for k in map(str, oit_numbers)},
            "total": str(result.total) if result.total is not None else None,
        }
        result.indicators = dict(sorted(indicators.items(), key=lambda kv: int(kv[0])))
        result.items = items
        result.iit, result.eit, result.oit = tools.get("IIT"), tools.get("EIT"), tools.get("OIT")
        result.total = score.total_rounded
        result.level = score.level or ""
        result.save()
        after = {
            "indicators": {k: result.indicators.get(k) for k in map(str, oit_numbers)},
            "total": str(result.total) if result.total is not None else None,
        }
        record(
            actor,
            AuditAction.SYNC_OIT_RESULT,
            f"{agency.display_name} {round_.fiscal_year}: คะแนน OIT จากผลที่ยืนยันแล้ว {len(confirmed)} ข้อ",
            agency=agency,
            obj=result,
            changes={"before": before, "after": after, "confirmed_items": sorted(confirmed)},
        )
    return result
