"""The what-if planner page, in the analysis area (/measures/<code>/analysis/<round>/plan/).

A GET form, so a plan is a link the officer can share: ``target`` (level | total | indicator) with ``level``,
``total`` or ``indicator`` + ``indicator_value``; ``fix`` once per ticked item (``oit_item:O12``,
``question:I5``, ``indicator:10``); optional ``to:<key>`` (the score it would reach) and ``cost:<key>`` (effort,
1 unless changed).  The numbers come from ``prongsai.core.planner``; this module parses, asks and renders.
The first visit (no ``target``) ticks every failed OIT item (fully in the agency's hands) and aims at the next
level.  Who: as the analysis (``measures.permissions.can_view_analysis``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from prongsai.core import planner
from prongsai.core.gains import next_level
from prongsai.core.scoring import rounded
from prongsai.core.tabular import parse_score
from prongsai.core.thai import to_arabic_digits
from prongsai.web.measures import analysis as analysis_view
from prongsai.web.measures import permissions
from prongsai.web.measures.views import agency_round
from prongsai.web.messages import localized
from prongsai.web.results import queries

MAX_COST = Fraction(1000)


@dataclass
class Row:
    """One fix the officer may tick, as the form shows it."""

    key: str  # "oit_item:O12"
    fix: planner.Fix
    label: str
    title: str
    indicator: int
    current: Decimal
    ticked: bool
    move: planner.Move | None = None

    @property
    def to_rounded(self) -> Decimal:
        return rounded(self.fix.to)


def _number(text: str) -> Fraction | None:
    try:
        value = Decimal(to_arabic_digits(text).replace(",", "").strip())
    except InvalidOperation:
        return None
    return Fraction(value) if value.is_finite() else None


def _target(request: HttpRequest, framework, score, errors: list[str]) -> planner.Target:
    kind = request.GET.get("target", "level")
    labels = [lv.label for lv in framework.levels]
    if kind == "total":
        value = parse_score(request.GET.get("total", ""))
        if value is None:
            errors.append(_("The target total must be a score between 0 and 100."))
            value = Decimal(100)
        return planner.Target("total", value=Fraction(value))
    if kind == "indicator":
        try:
            number = int(request.GET.get("indicator", ""))
            framework.indicator(number)
        except (ValueError, StopIteration):
            errors.append(_("Choose an indicator of this edition."))
            number = framework.indicators[0].number
        value = parse_score(request.GET.get("indicator_value", ""))
        if value is None:
            errors.append(_("The indicator's target must be a score between 0 and 100."))
            value = Decimal(100)
        return planner.Target("indicator", value=Fraction(value), indicator=number)
    level = request.GET.get("level", "")
    if level not in labels:
        upper = next_level(framework, score.level)
        level = upper.label if upper is not None else labels[0]
    return planner.Target("level", level=level)


def _rows(request: HttpRequest, framework, score, errors: list[str]) -> list[Row]:
    first_visit = "target" not in request.GET
    ticked = set(request.GET.getlist("fix"))
    rows = []
    for fix in planner.default_fixes(framework, score):
        key = f"{fix.kind}:{fix.code}"
        to, cost = fix.to, fix.cost
        if text := request.GET.get(f"to:{key}", "").strip():
            value = parse_score(text)
            if value is None:
                errors.append(_("%(code)s: the score to reach must be between 0 and 100.") % {"code": fix.code})
            else:
                to = Fraction(value)
        if text := request.GET.get(f"cost:{key}", "").strip():
            number = _number(text)
            if number is None or not 0 < number <= MAX_COST:
                errors.append(_("%(code)s: the cost must be a number above 0 (at most 1000).") % {"code": fix.code})
            else:
                cost = number
        if fix.kind == "oit_item":
            item = framework.oit_item(fix.code)
            label, title, number = item.shown_code, item.title, item.indicator
        elif fix.kind == "question":
            question = next(q for q in framework.questions if q.code == fix.code)
            label, title, number = question.code, question.text, question.indicator
        else:
            indicator = framework.indicator(int(fix.code))
            label = _("Indicator %(n)d") % {"n": indicator.number}
            title, number = indicator.name_th, indicator.number
        current = score.items.get(fix.code) if fix.kind != "indicator" else score.indicators.get(int(fix.code))
        rows.append(
            Row(
                key=key,
                fix=planner.Fix(fix.kind, fix.code, to, cost),
                label=label,
                title=title,
                indicator=number,
                current=rounded(current),
                ticked=(fix.kind == "oit_item") if first_visit else key in ticked,
            )
        )
    return rows


@login_required
@require_GET
def plan(request: HttpRequest, code: str, round_id: int) -> HttpResponse:
    agency, round_ = agency_round(request.user, code, round_id, permissions.can_view_analysis)
    framework = analysis_view.framework_of(round_)
    result = queries.effective_result(round_, agency)
    context: dict = {"agency": agency, "round": round_, "framework": framework, "result": result}
    if framework is None or result is None or not result.indicators:
        return render(request, "itas/plan.html", {**context, "unusable": True})
    score = analysis_view.item_score(result)
    errors: list[str] = []
    target = _target(request, framework, score, errors)
    rows = _rows(request, framework, score, errors)
    try:
        answer = planner.plan(framework, score, target, [r.fix for r in rows if r.ticked])
    except ValueError:  # a target the result cannot be measured against (e.g. an indicator without a score)
        errors.append(_("This target cannot be measured on this result: choose another one."))
        answer = None
    moves = {f"{m.fix.kind}:{m.fix.code}": m for m in planner.moves(framework, score, [r.fix for r in rows])[0]}
    for row in rows:
        row.move = moves.get(row.key)
    has_items = any(r.fix.kind != "indicator" for r in rows)
    return render(
        request,
        "itas/plan.html",
        {
            **context,
            "score": score,
            "target": target,
            "rows": rows,
            "answer": answer,
            "errors": errors,
            "target_label": localized(answer.target.describe_th(), answer.target.describe_en()) if answer else "",
            "levels": [lv.label for lv in framework.levels],
            "indicators": framework.indicators,
            "has_items": has_items,
            "total": rounded(score.total),
            "level": score.level,
            "next_level": getattr(next_level(framework, score.level), "label", None),
            "groups": [
                (_("OIT items"), [r for r in rows if r.fix.kind == "oit_item"]),
                (_("Survey questions"), [r for r in rows if r.fix.kind == "question"]),
                (_("Indicators without item data"), [r for r in rows if r.fix.kind == "indicator"]),
            ],
        },
    )
