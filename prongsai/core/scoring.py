"""The scoring engine for one agency: answers → item → indicator → tool → total → level.

This is the plain path, written to follow the definition in ``docs/frameworks.md`` literally, respondent by
respondent, in exact rational arithmetic (``Fraction``).  The web application and the documents use it; the bulk
path (``prongsai.core.bulk``) computes the same values for thousands of agencies at once and is tested against
this one.  Nothing here rounds except ``rounded``/``level``/``rank``, which bring a score to 2 decimals as the
official results are published, by the edition's declared rule (half-up unless the edition says truncate).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from prongsai.core.framework import Framework, OITItem
from prongsai.core.thai import rounded

HUNDRED = Fraction(100)

#: One respondent's answers: answer-field code → 0-based option index.
Response = Mapping[str, int]


def mean(values: Sequence[Fraction]) -> Fraction | None:
    return sum(values, Fraction(0)) / len(values) if values else None


def weighted_mean(pairs: Iterable[tuple[Fraction | None, Fraction]]) -> Fraction | None:
    """Mean of ``(value, weight)`` pairs; ``None`` when any value is missing (the score cannot be computed)."""
    pairs = list(pairs)
    if not pairs or any(value is None for value, _ in pairs):
        return None
    total_weight = sum(w for _, w in pairs)
    # (mypy) no value is None (checked above)
    return sum((v * w for v, w in pairs), Fraction(0)) / total_weight  # type: ignore[operator]


@dataclass
class AgencyScore:
    """Everything the engine knows about one agency's result; exact values, rounded on demand."""

    framework: Framework
    indicators: dict[int, Fraction | None]
    tools: dict[str, Fraction | None]
    total: Fraction | None
    respondents: dict[str, int] = field(default_factory=dict)
    #: question and sub-item scores (I1, I1.1, E6 …) and OIT item scores (O1 …), where raw data was given
    items: dict[str, Fraction | None] = field(default_factory=dict)

    @property
    def total_rounded(self) -> Decimal | None:
        return rounded(self.total, self.framework.rounding)

    @property
    def tools_rounded(self) -> dict[str, Decimal | None]:
        return {code: rounded(v, self.framework.rounding) for code, v in self.tools.items()}

    @property
    def indicators_rounded(self) -> dict[int, Decimal | None]:
        return {number: rounded(v, self.framework.rounding) for number, v in self.indicators.items()}

    @property
    def level(self) -> str | None:
        if self.total is None:
            return None
        # (mypy) a total exists only when every tool has a score
        return self.framework.level_for(self.total_rounded, self.tools_rounded).label  # type: ignore[arg-type]


def combine(framework: Framework, indicators: Mapping[int, Fraction | None], **extra: Any) -> AgencyScore:
    """Indicator scores → tool scores (weighted mean of their indicators) → total (weighted mean of tools)."""
    indicators = {i.number: indicators.get(i.number) for i in framework.indicators}
    tools = {
        tool.code: weighted_mean((indicators[i.number], i.weight) for i in framework.indicators_of(tool.code))
        for tool in framework.tools
    }
    return combine_tools(framework, tools, indicators=indicators, **extra)


def combine_tools(
    framework: Framework,
    tools: Mapping[str, Fraction | None],
    indicators: Mapping[int, Fraction | None] | None = None,
    **extra: Any,
) -> AgencyScore:
    """Tool scores → total, for results published only per tool (IIT, EIT, OIT)."""
    tools = {t.code: tools.get(t.code) for t in framework.tools}
    total = weighted_mean((tools[t.code], t.weight) for t in framework.tools)
    return AgencyScore(framework=framework, indicators=dict(indicators or {}), tools=tools, total=total, **extra)


# ----------------------------------------------------------------------------------------- IIT and EIT


def respondent_indicator_scores(framework: Framework, response: Response, tool: str) -> dict[int, Fraction]:
    """One respondent's score per indicator of a survey tool, following the edition's aggregation rule."""
    scores: dict[int, Fraction] = {}
    for indicator in framework.indicators_of(tool):
        questions = [q for q in framework.questions if q.indicator == indicator.number]
        if framework.aggregation == "flat":
            values = [f.scale.score(response[f.code], f.reverse) for q in questions for f in q.fields]
            scores[indicator.number] = mean(values)  # type: ignore[assignment]  # an indicator has fields
        else:
            item_scores = [mean([f.scale.score(response[f.code], f.reverse) for f in q.fields]) for q in questions]
            # (mypy) every question has fields, so no question's mean is None
            scores[indicator.number] = mean(item_scores)  # type: ignore[arg-type,assignment]
    return scores


def score_survey(
    framework: Framework, tool: str, responses: Sequence[Response]
) -> tuple[dict[int, Fraction | None], dict[str, Fraction | None]]:
    """Agency indicator scores (mean over respondents) and question/sub-item scores for one survey tool."""
    indicators = framework.indicators_of(tool)
    if not responses:
        items: dict[str, Fraction | None] = {}
        for q in framework.questions_of(tool):
            items[q.code] = None
            items.update({f.code: None for f in q.fields})
        return {i.number: None for i in indicators}, items
    per_respondent = [respondent_indicator_scores(framework, r, tool) for r in responses]
    indicator_scores = {i.number: mean([s[i.number] for s in per_respondent]) for i in indicators}
    items = {}
    for q in framework.questions_of(tool):
        field_means = {f.code: mean([f.scale.score(r[f.code], f.reverse) for r in responses]) for f in q.fields}
        # (mypy) responses is not empty (returned above), so no field's mean is None
        items[q.code] = mean(list(field_means.values()))  # type: ignore[arg-type]
        if q.has_sub_items:
            items.update(field_means)
    return indicator_scores, items


# ------------------------------------------------------------------------------------------------------ OIT


def oit_item_score(
    item: OITItem,
    *,
    score: Fraction | Decimal | int | None = None,
    passed: bool | None = None,
    elements: Iterable[str] | None = None,
) -> Fraction:
    """An OIT item's score 0–100 from an assessor's judgement, as the item's scoring method says.

    ``passed`` judges a pass/fail item (and, with a checklist, means every element is present); ``elements``
    lists the element codes that pass (partial credit, or a pass/fail checklist that must be complete);
    ``score`` is a score given directly (the ``percent`` method, or an officially published item score).
    """
    if elements is not None:
        present = set(elements)
        unknown = present - {e.code for e in item.elements}
        if unknown:
            raise ValueError(f"{item.code}: unknown element(s) {', '.join(sorted(unknown))}")
        if item.method == "elements":
            total = sum(e.weight for e in item.elements)
            return HUNDRED * sum((e.weight for e in item.elements if e.code in present), Fraction(0)) / total
        passed = all(e.code in present for e in item.elements)
    if passed is not None:
        return HUNDRED if passed else Fraction(0)
    if score is None:
        raise ValueError(f"{item.code}: no judgement given")
    value = Fraction(score)
    if not 0 <= value <= 100:
        raise ValueError(f"{item.code}: score {score} is outside 0–100")
    if item.method == "pass_fail" and value not in (0, 100):
        raise ValueError(f"{item.code}: a pass/fail item scores 0 or 100, not {score}")
    return value


def score_oit(framework: Framework, item_scores: Mapping[str, Fraction | None]) -> dict[int, Fraction | None]:
    """OIT indicator scores: the mean of each indicator's applicable items (missing = not applicable)."""
    result: dict[int, Fraction | None] = {}
    for tool in framework.evidence_tools:
        for indicator in framework.indicators_of(tool):
            values = [
                item_scores[o.code]
                for o in framework.oit_items
                if o.indicator == indicator.number and item_scores.get(o.code) is not None
            ]
            result[indicator.number] = mean(values)  # type: ignore[arg-type]  # mean of present values only
    return result


# ------------------------------------------------------------------------------------------------ one agency


def score_agency(
    framework: Framework,
    surveys: Mapping[str, Sequence[Response]],
    oit_items: Mapping[str, Fraction | None] | None = None,
) -> AgencyScore:
    """Score one agency from raw data: survey responses per tool and OIT item scores."""
    indicators: dict[int, Fraction | None] = {}
    items: dict[str, Fraction | None] = {}
    respondents = {}
    for tool in framework.survey_tools:
        responses = surveys.get(tool, ())
        tool_indicators, tool_items = score_survey(framework, tool, responses)
        indicators.update(tool_indicators)
        items.update(tool_items)
        respondents[tool] = len(responses)
    oit_items = dict(oit_items or {})
    indicators.update(score_oit(framework, oit_items))
    items.update({o.code: oit_items.get(o.code) for o in framework.oit_items})
    return combine(framework, indicators, respondents=respondents, items=items)


# ---------------------------------------------------------------------------------------------------- ranks


def competition_ranks(totals: Sequence[Decimal | None]) -> list[int | None]:
    """Competition ranking ("1224"): equal totals share a rank and the next rank skips; ``None`` is unranked."""
    ordered = sorted((t for t in totals if t is not None), reverse=True)
    first_position: dict[Decimal, int] = {}
    for position, value in enumerate(ordered, start=1):
        first_position.setdefault(value, position)
    return [None if t is None else first_position[t] for t in totals]


def ranks_within(totals: Sequence[Decimal | None], groups: Sequence[object]) -> list[int | None]:
    """Competition ranks computed separately inside each peer group."""
    ranks: list[int | None] = [None] * len(totals)
    members: dict[object, list[int]] = {}
    for index, group in enumerate(groups):
        members.setdefault(group, []).append(index)
    for indexes in members.values():
        for index, rank in zip(indexes, competition_ranks([totals[i] for i in indexes])):
            ranks[index] = rank
    return ranks
