"""What fixing a weak spot is worth, and the fewest steps to the next level (the officer's "what to fix first").

- :func:`what_if` ranks what raising one indicator, or passing one OIT item, adds to the total.  Every weight
  comes from the framework (``analysis.indicator_weight``, ``analysis.item_weight``).
- :func:`cheapest_path` lists the fewest steps to the next level: OIT items first (the agency controls them
  fully), then indicator raises, largest gain first, respecting the per-tool minimums of editions such as
  ita-2566; the last indicator raise goes only as far as needed.

Pure Python, no Django, exact arithmetic (``Fraction``), as :mod:`prongsai.core.analysis`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from prongsai.core.analysis import HUNDRED, as_decimal, indicator_weight, item_weight
from prongsai.core.framework import Framework, Level
from prongsai.core.scoring import AgencyScore, combine, mean, rounded

# ------------------------------------------------------------------------------------------------ what-if


@dataclass(frozen=True)
class Gain:
    """What one change adds to the total, in points of the total (exact)."""

    kind: str  # "indicator" (raise an indicator) or "oit_item" (pass an OIT item)
    code: str  # "9" or "O12"
    indicator: int
    tool: str
    title: str
    current: Fraction  # the score now (0–100)
    target: Fraction  # the score it is raised to
    gain: Fraction  # points added to the total
    weight: Fraction  # share of the total this indicator or item carries (0–1)
    provisional: bool = False  # an OIT item the edition marks provisional
    caveat: str = ""
    shown_code: str = ""

    @property
    def in_agency_hands(self) -> bool:
        """OIT evidence is published by the agency itself; survey indicators depend on respondents."""
        return self.kind == "oit_item" or self.tool == "OIT"

    @property
    def gain_rounded(self) -> Decimal:
        return rounded(self.gain)


def _target_score(framework: Framework, target_level: str | None, target: Decimal | Fraction | None) -> Fraction:
    if target is not None:
        return Fraction(target)
    if target_level is not None:
        level = next((lv for lv in framework.levels if lv.label == target_level or lv.label_en == target_level), None)
        if level is None:
            known = ", ".join(lv.label for lv in framework.levels)
            raise ValueError(f"{framework.id}: unknown level '{target_level}' (known: {known})")
        return Fraction(level.min)
    return HUNDRED


def what_if(
    framework: Framework,
    score: AgencyScore,
    *,
    target_level: str | None = None,
    target: Decimal | Fraction | None = None,
) -> list[Gain]:
    """Every single change that raises the total, largest gain first (ties: OIT items first, then by code).

    Indicators are raised to 100, or to ``target``, or to the minimum of ``target_level`` (e.g. "AA" → 95);
    OIT items with a score below 100 are passed (to 100).  An indicator already at or above the target, or an
    OIT item without a score (not applicable), gives nothing and is left out.
    """
    goal = _target_score(framework, target_level, target)
    gains: list[Gain] = []
    for indicator in framework.indicators:
        value = score.indicators.get(indicator.number)
        if value is None or value >= goal:
            continue
        weight = indicator_weight(framework, indicator.number)
        gains.append(
            Gain(
                kind="indicator",
                code=str(indicator.number),
                indicator=indicator.number,
                tool=indicator.tool,
                title=indicator.name_th,
                current=value,
                target=goal,
                gain=weight * (goal - value),
                weight=weight,
            )
        )
    for item in framework.oit_items:
        value = score.items.get(item.code)
        if value is None or value >= HUNDRED:
            continue
        weight = item_weight(framework, score, item.code)
        gains.append(
            Gain(
                kind="oit_item",
                code=item.code,
                indicator=item.indicator,
                tool=framework.indicator(item.indicator).tool,
                title=item.title,
                current=value,
                target=HUNDRED,
                gain=weight * (HUNDRED - value),
                weight=weight,
                provisional=item.provisional,
                caveat=item.caveat,
                shown_code=item.shown_code,
            )
        )
    order = {o.code: i for i, o in enumerate(framework.oit_items)}
    gains.sort(
        key=lambda g: (-g.gain, g.kind != "oit_item", order.get(g.code, -1) if g.kind == "oit_item" else g.indicator)
    )
    return gains


# ------------------------------------------------------------------------------------------ cheapest path


@dataclass(frozen=True)
class Step:
    order: int
    kind: str  # "oit_item" or "indicator"
    code: str
    indicator: int
    tool: str
    title: str
    from_score: Fraction
    to_score: Fraction
    gain: Fraction  # points of the total this step adds
    total_after: Fraction
    level_after: str
    partial: bool  # an indicator raised only as far as needed, not to 100

    @property
    def total_after_rounded(self) -> Decimal:
        return rounded(self.total_after)

    @property
    def to_score_rounded(self) -> Decimal:
        return rounded(self.to_score)

    @property
    def gain_rounded(self) -> Decimal:
        return rounded(self.gain)


@dataclass(frozen=True)
class Plan:
    current_total: Fraction | None
    current_level: str | None
    target: Level | None  # the next level up; None when already at the best level
    steps: tuple[Step, ...]
    reached: bool

    @property
    def current_total_rounded(self) -> Decimal | None:
        return as_decimal(self.current_total)

    @property
    def final_total(self) -> Fraction | None:
        return self.steps[-1].total_after if self.steps else self.current_total


def next_level(framework: Framework, level_label: str | None) -> Level | None:
    """The band just above ``level_label`` (bands are listed best first), or None at the top."""
    labels = [lv.label for lv in framework.levels]
    if level_label not in labels:
        return None
    index = labels.index(level_label)
    return framework.levels[index - 1] if index > 0 else None


def _reaches(framework: Framework, total: Fraction | None, tools: Mapping[str, Fraction | None], level: Level) -> bool:
    if total is None or rounded(total) < level.min:
        return False
    # (mypy) get(...) is not None, checked first
    return all(
        tools.get(code) is not None and rounded(tools[code]) >= minimum  # type: ignore[operator]  # checked first
        for code, minimum in level.tool_min.items()
    )


def _short_tools(tools: Mapping[str, Fraction | None], level: Level) -> set[str]:
    return {
        code
        for code, minimum in level.tool_min.items()
        # (mypy) get(...) is None, checked first
        if tools.get(code) is None or rounded(tools[code]) < minimum  # type: ignore[operator]
    }


def cheapest_path(framework: Framework, score: AgencyScore) -> Plan:
    """The fewest steps to the next level, as a ranked list with the running total.

    Greedy, largest gain first: OIT items to pass first (fully in the agency's hands), then indicator raises
    (to 100; the last one only as far as needed, in hundredths).  While a tool is below the next level's
    per-tool minimum (``tool_min``, e.g. ita-2566 ผ่านดี), only steps that raise such a tool are taken.  OIT
    indicators with item data are raised through their items, never as a whole.
    """
    current_level = score.level
    target = next_level(framework, current_level)
    if target is None or score.total is None:
        return Plan(
            current_total=score.total,
            current_level=current_level,
            target=target,
            steps=(),
            reached=target is None and score.total is not None,
        )
    indicators = dict(score.indicators)
    items = {
        code: value
        for code, value in score.items.items()
        if value is not None and code in {o.code for o in framework.oit_items}
    }
    with_items = {framework.oit_item(code).indicator for code in items}
    state = combine(framework, indicators)
    steps: list[Step] = []

    def rescore(number: int) -> None:
        values = [items[o.code] for o in framework.oit_items if o.indicator == number and o.code in items]
        indicators[number] = mean(values)

    while not _reaches(framework, state.total, state.tools, target):
        short = _short_tools(state.tools, target)
        candidates = [
            g
            for g in what_if(framework, combine(framework, indicators, items=dict(items)))
            if not (g.kind == "indicator" and g.indicator in with_items)
        ]
        if short:
            candidates = [g for g in candidates if g.tool in short]
        if not candidates:
            break
        item_steps = [g for g in candidates if g.kind == "oit_item"]
        best = (item_steps or candidates)[0]  # what_if ranks by gain
        before = state.total
        partial = False
        if best.kind == "oit_item":
            items[best.code] = HUNDRED
            rescore(best.indicator)
            to_score = HUNDRED
        else:
            to_score = _enough(framework, indicators, best.indicator, target)
            partial = to_score < HUNDRED
            indicators[best.indicator] = to_score
        state = combine(framework, indicators)
        steps.append(
            Step(
                order=len(steps) + 1,
                kind=best.kind,
                code=best.code,
                indicator=best.indicator,
                tool=best.tool,
                title=best.title,
                from_score=best.current,
                to_score=to_score,
                gain=state.total - before,  # type: ignore[operator]  # a plan starts from a total
                total_after=state.total,  # type: ignore[arg-type]  # a plan starts from a total
                level_after=state.level or "",
                partial=partial,
            )
        )
    return Plan(
        current_total=score.total,
        current_level=current_level,
        target=target,
        steps=tuple(steps),
        reached=_reaches(framework, state.total, state.tools, target),
    )


def _enough(framework: Framework, indicators: dict[int, Fraction | None], number: int, level: Level) -> Fraction:
    """The lowest score in hundredths (up to 100) for one indicator that reaches ``level``, else 100."""

    def reaches(value: Fraction) -> bool:
        trial = combine(framework, {**indicators, number: value})
        return _reaches(framework, trial.total, trial.tools, level)

    if not reaches(HUNDRED):
        return HUNDRED
    current = indicators[number] or Fraction(0)
    low, high = int(current * 100), 10000  # hundredths; reaches(high) holds
    while high - low > 1:
        middle = (low + high) // 2
        if reaches(Fraction(middle, 100)):
            high = middle
        else:
            low = middle
    return Fraction(high, 100)
