"""Moving a round to a corrected edition, and recomputing every result of the round under it.

An edition a round uses is never edited: when NACC publishes a correction (or the provisional ita-2570 gives way
to the real 2570 manual), the central admin uploads it as a new version and moves the round to it.  The move is
one transaction with one audit entry that lists, per agency, the total and level before and after.

- Official (imported) results keep their published indicator (or tool) scores; tools, total and level are
  recomputed with the new edition's weights and level rule.
- Computed results are recomputed from the raw data: survey answers (a stored response that no longer fits the
  new edition's questions is left out and counted) and confirmed OIT item scores (items the new edition does
  not have are left out and listed).
"""

from __future__ import annotations

from fractions import Fraction

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from prongsai.core.framework import Framework, FrameworkError, load_framework
from prongsai.core.scoring import combine, combine_tools, score_agency, score_oit
from prongsai.web.agencies import access
from prongsai.web.audit.actions import AuditAction
from prongsai.web.audit.services import record
from prongsai.web.results.models import AgencyResult, ResultSource
from prongsai.web.rounds.models import AssessmentRound


def _official(framework: Framework, result: AgencyResult) -> tuple[dict, list[str]]:
    numbers = {i.number for i in framework.indicators}
    stored = {int(k): v for k, v in (result.indicators or {}).items()}
    problems = []
    if stored:
        unknown = sorted(set(stored) - numbers)
        if unknown:
            problems.append(f"indicators {unknown} are not in the new edition")
        score = combine(framework, {n: Fraction(v) for n, v in stored.items() if n in numbers})
        indicators = {str(n): v for n, v in sorted(stored.items()) if n in numbers}
    else:
        given = {
            code: Fraction(getattr(result, code.lower()))
            for code in ("IIT", "EIT", "OIT")
            if getattr(result, code.lower()) is not None
        }
        score = combine_tools(framework, given)
        indicators = {}
    tools = score.tools_rounded
    return (
        {
            "indicators": indicators,
            "iit": tools.get("IIT"),
            "eit": tools.get("EIT"),
            "oit": tools.get("OIT"),
            "total": score.total_rounded,
            "level": score.level or "",
        },
        problems,
    )


def _computed(framework: Framework, round_: AssessmentRound, result: AgencyResult) -> tuple[dict, list[str]]:
    from prongsai.web.oit.models import EntryStatus, OITEntry
    from prongsai.web.surveys.services import MIN_RESPONDENTS, responses_by_tool

    surveys, skipped = responses_by_tool(round_, result.agency, framework)
    codes = {o.code for o in framework.oit_items}
    confirmed, dropped = {}, []
    for entry in OITEntry.objects.filter(round=round_, agency=result.agency, status=EntryStatus.CONFIRMED):
        if not entry.score_exact:
            continue
        if entry.code in codes:
            confirmed[entry.code] = entry.score_fraction
        else:
            dropped.append(entry.code)
    score = score_agency(framework, surveys, confirmed)
    survey_numbers = {i.number for t in framework.survey_tools for i in framework.indicators_of(t)}
    # a survey tool below the respondent floor gets no score at all, not even per indicator (docs/surveys.md)
    shown_tools = {t for t in framework.survey_tools if len(surveys.get(t, ())) >= MIN_RESPONDENTS}
    indicators = {
        str(n): str(framework.round(v))
        for n, v in score.indicators.items()
        if v is not None and n in survey_numbers and framework.indicator(n).tool in shown_tools
    }
    indicators.update(
        {str(n): str(framework.round(v)) for n, v in score_oit(framework, confirmed).items() if v is not None}
    )
    exact = {int(k): Fraction(v) for k, v in indicators.items()}
    combined = combine(framework, exact)
    items = {}
    for tool in framework.survey_tools:
        if tool not in shown_tools:
            continue
        for q in framework.questions_of(tool):
            for code in [q.code] + [f.code for f in q.fields if q.has_sub_items]:
                if score.items.get(code) is not None:
                    items[code] = str(framework.round(score.items[code]))
    items.update({code: str(framework.round(value)) for code, value in confirmed.items()})
    tools = combined.tools_rounded
    complete = combined.total is not None
    problems = []
    if skipped:
        problems.append(f"{skipped} survey response(s) do not fit the new edition and were left out")
    if dropped:
        problems.append(f"confirmed OIT items {', '.join(sorted(dropped))} are not in the new edition")
    respondents = {tool: len(surveys.get(tool, ())) for tool in framework.survey_tools}
    return (
        {
            "indicators": dict(sorted(indicators.items(), key=lambda kv: int(kv[0]))),
            "items": items,
            "respondents": respondents,
            "iit": tools.get("IIT"),
            "eit": tools.get("EIT"),
            "oit": tools.get("OIT"),
            "total": combined.total_rounded if complete else None,
            "level": (combined.level or "") if complete else "",
        },
        problems,
    )


def recompute_round(round_: AssessmentRound) -> list[dict]:
    """Recompute every result of the round under its (current) edition; returns one change record per result."""
    framework = round_.framework
    changes = []
    for result in AgencyResult.objects.filter(round=round_).select_related("agency").order_by("agency__code", "source"):
        before = {"total": str(result.total) if result.total is not None else None, "level": result.level}
        if result.source == ResultSource.OFFICIAL:
            values, problems = _official(framework, result)
        else:
            values, problems = _computed(framework, round_, result)
        for name, value in values.items():
            setattr(result, name, value)
        result.save()
        changes.append(
            {
                "agency": result.agency.code,
                "source": result.source,
                "before": before,
                "after": {"total": str(result.total) if result.total is not None else None, "level": result.level},
                "problems": problems,
            }
        )
    return changes


def move_round_to_edition(
    actor, round_: AssessmentRound, framework_id: str, reason: str, variant: str | None = None
) -> list[dict]:
    """Move a round to another edition (a corrected version), recompute its results, and audit it."""
    from prongsai.web.editions.services import usable_editions

    if not access.is_central_admin(actor):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for changing the edition."))
    try:
        target = load_framework(framework_id)
    except FrameworkError:
        raise ValidationError(_("Edition '%(edition)s' was not found.") % {"edition": framework_id}) from None
    if framework_id == round_.framework_id:
        raise ValidationError(_("The round uses this edition already."))
    if framework_id not in {c.key for c in usable_editions(round_.fiscal_year)}:
        raise ValidationError(
            _("%(edition)s is not an edition in use for fiscal year %(year)s.")
            % {"edition": framework_id, "year": round_.fiscal_year}
        )
    variant = round_.variant if variant is None else variant
    if variant and variant not in target.variants:
        raise ValidationError(
            _("%(edition)s has no variant '%(variant)s'.") % {"edition": framework_id, "variant": variant}
        )
    if (
        AssessmentRound.objects.filter(framework_id=framework_id, variant=variant or "", fiscal_year=round_.fiscal_year)
        .exclude(pk=round_.pk)
        .exists()
    ):
        raise ValidationError(
            _("A round of %(edition)s for %(year)s exists already.")
            % {"edition": framework_id, "year": round_.fiscal_year}
        )
    with transaction.atomic():
        locked = AssessmentRound.objects.select_for_update().get(pk=round_.pk)
        before = {"framework_id": locked.framework_id, "variant": locked.variant}
        locked.framework_id, locked.variant = framework_id, variant or ""
        locked.save(update_fields=["framework_id", "variant"])
        changes = recompute_round(locked)
        record(
            actor,
            AuditAction.MOVE_ROUND_EDITION,
            f"{locked.name_th}: เปลี่ยนกรอบการประเมินจาก {before['framework_id']} เป็น {framework_id} "
            f"และคำนวณผล {len(changes)} รายการใหม่",
            obj=locked,
            changes={
                "before": before,
                "after": {"framework_id": framework_id, "variant": locked.variant},
                "reason": reason,
                "results": changes,
            },
        )
    round_.framework_id, round_.variant = locked.framework_id, locked.variant
    return changes
