"""The what-if planner: the cheapest set of fixes that reaches a target, and what each fix is worth.

The officer names a target — a level (``A``), a total (``90``) or one indicator's score (indicator 9 ≥ 85) — and
the things they believe they can fix:

- an OIT item that failed (raised to 100, or to a given score),
- a survey question with a plausible gain (raised from its score to a given score),
- an indicator as a whole, where no item data exists (raised to a given score).

Every fix has a cost (data: 1 per fix unless the officer says otherwise, e.g. 3 for an item that needs a new
procedure).  :func:`plan` answers with the set of fixes of least total cost (then fewest fixes) whose result
reaches the target, the points each fix adds to the total and to its indicator, and whether the target can be
reached at all with the fixes offered.

Arithmetic is exact (``Fraction``), as in ``prongsai.core.analysis``.  A fix changes one indicator by a fixed
amount (an OIT item: its rise / the indicator's scored items, since the OIT indicator is their mean; a question:
its rise × its share of the indicator — 1 / questions, or its answer fields / the indicator's fields in "flat"
editions; an indicator: its rise), and tool scores and the total are weighted means of indicators, so fixes add
up exactly: the plan's total is the scorer's (``scoring.combine``) total of the changed indicators.  A value
reaches a threshold when it *rounds* (half-up, 2 decimals) to at least the threshold, as the published levels
do: exact ≥ threshold − 0.005.

The search is a branch and bound over the fixes (largest gain per cost first, bounded by the best gain per cost
left), exact up to ``MAX_NODES`` visited nodes; a larger search stops with the best set found and says so
(``Plan.proven`` is False).  Pure Python, no Django.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from prongsai.core.framework import Framework
from prongsai.core.scoring import AgencyScore, combine, rounded

HUNDRED = Fraction(100)
HALF_CENT = Fraction(1, 200)
MAX_NODES = 200_000
KINDS = ("oit_item", "question", "indicator")

__all__ = ["Fix", "Move", "Plan", "PlanStep", "Skipped", "Target", "moves", "plan", "reaches"]


@dataclass(frozen=True)
class Target:
    """What the officer aims at: ``kind`` "level" (``level`` = its label), "total" or "indicator" (``value``)."""

    kind: str
    value: Fraction | None = None
    level: str | None = None
    indicator: int | None = None

    def describe_th(self) -> str:
        if self.kind == "level":
            return f"ระดับ {self.level}"
        if self.kind == "total":
            return f"คะแนนรวม {rounded(self.value)}"
        return f"ตัวชี้วัดที่ {self.indicator} ได้ {rounded(self.value)}"

    def describe_en(self) -> str:
        if self.kind == "level":
            return f"level {self.level}"
        if self.kind == "total":
            return f"total score {rounded(self.value)}"
        return f"indicator {self.indicator} at {rounded(self.value)}"


@dataclass(frozen=True)
class Fix:
    """One thing the officer marks as fixable: its kind, code (O12, I5, "9"), the score it would reach, cost."""

    kind: str
    code: str
    to: Fraction = HUNDRED
    cost: Fraction = Fraction(1)


@dataclass(frozen=True)
class Skipped:
    code: str
    en: str
    th: str


@dataclass(frozen=True)
class Move:
    """A fix with its exact effect: points added to its indicator, to its tool and to the total."""

    fix: Fix
    indicator: int
    tool: str
    title: str
    shown_code: str
    from_score: Fraction
    indicator_gain: Fraction
    tool_gain: Fraction
    total_gain: Fraction

    @property
    def cost(self) -> Fraction:
        return self.fix.cost

    @property
    def total_gain_rounded(self) -> Decimal:
        return rounded(self.total_gain)

    @property
    def indicator_gain_rounded(self) -> Decimal:
        return rounded(self.indicator_gain)


@dataclass(frozen=True)
class PlanStep:
    order: int
    move: Move
    total_after: Fraction
    indicator_after: Fraction
    level_after: str

    @property
    def total_after_rounded(self) -> Decimal:
        return rounded(self.total_after)

    @property
    def indicator_after_rounded(self) -> Decimal:
        return rounded(self.indicator_after)


@dataclass(frozen=True)
class Plan:
    target: Target
    current_total: Fraction | None
    current_level: str | None
    already: bool  # the target is met without any fix
    reachable: bool  # some set of the offered fixes meets it
    steps: tuple[PlanStep, ...]  # the cheapest set (largest gain first); every fix when unreachable
    cost: Fraction
    proven: bool  # the search finished: no cheaper set exists
    moves: tuple[Move, ...] = ()  # every usable fix, with its effect
    skipped: tuple[Skipped, ...] = ()  # fixes that cannot be used, and why
    indicators_after: dict[int, Fraction] = field(default_factory=dict)

    @property
    def final_total(self) -> Fraction | None:
        return self.steps[-1].total_after if self.steps else self.current_total

    @property
    def final_total_rounded(self) -> Decimal | None:
        return rounded(self.final_total)


# ---------------------------------------------------------------------------------------------- the effects


def _threshold(value: Decimal | Fraction) -> Fraction:
    """The exact value from which a score rounds (half-up, 2 decimals) to at least ``value``."""
    return Fraction(value) - HALF_CENT


def _question_share(framework: Framework, number: int, code: str) -> Fraction:
    questions = [q for q in framework.questions if q.indicator == number]
    if framework.aggregation == "flat":
        fields = sum(len(q.fields) for q in questions)
        return Fraction(len(next(q for q in questions if q.code == code).fields), fields)
    return Fraction(1, len(questions))


def moves(framework: Framework, score: AgencyScore, fixes: Iterable[Fix]) -> tuple[list[Move], list[Skipped]]:
    """The usable fixes with their exact effects, and the others with the reason (English, Thai)."""
    indicators = {n: v for n, v in score.indicators.items() if v is not None}
    base = combine(framework, indicators)
    oit_codes = {o.code: o for o in framework.oit_items}
    by_display = {o.display_code.casefold(): o for o in framework.oit_items if o.display_code}
    questions = {q.code: q for q in framework.questions}
    items = {c: v for c, v in score.items.items() if v is not None}
    item_indicators = {oit_codes[c].indicator for c in items if c in oit_codes}
    item_indicators |= {questions[c].indicator for c in items if c in questions}
    usable: list[Move] = []
    skipped: list[Skipped] = []
    seen: set[tuple[str, str]] = set()
    for fix in fixes:

        def skip(en: str, th: str, code: str = fix.code) -> None:
            skipped.append(Skipped(code, en, th))

        if fix.kind not in KINDS:
            skip(f"unknown kind '{fix.kind}'", f"ไม่รู้จักประเภท '{fix.kind}'")
            continue
        if fix.cost <= 0:
            skip("the cost must be more than 0", "ต้นทุนต้องมากกว่า 0")
            continue
        if not 0 <= fix.to <= HUNDRED:
            skip("the target score must be 0–100", "คะแนนเป้าหมายต้องอยู่ระหว่าง 0 ถึง 100")
            continue
        if fix.kind == "oit_item":
            item = oit_codes.get(fix.code) or by_display.get(fix.code.casefold())
            if item is None:
                skip("not an OIT item of this edition", "ไม่ใช่ข้อ OIT ของกรอบการประเมินนี้")
                continue
            number, current = item.indicator, items.get(item.code)
            if current is None:
                skip("no item score (import the ITAS results first)", "ไม่มีผลคะแนนรายข้อ (นำเข้าผลจาก ITAS ก่อน)")
                continue
            if any(o.code not in score.items for o in framework.oit_items if o.indicator == number):
                # the indicator is the mean of *all* its items: with some unknown, a rise cannot be placed
                skip(
                    f"import every item of indicator {number} first (passed, failed or not applicable)",
                    f"นำเข้าผลทุกข้อของตัวชี้วัดที่ {number} ก่อน (ผ่าน ไม่ผ่าน หรือไม่เกี่ยวข้อง)",
                )
                continue
            scored = sum(1 for o in framework.oit_items if o.indicator == number and o.code in items)
            delta = (fix.to - current) / scored
            title, shown, key = item.title, item.shown_code, item.code
        elif fix.kind == "question":
            question = questions.get(fix.code)
            if question is None:
                skip("not a question of this edition", "ไม่ใช่ข้อคำถามของกรอบการประเมินนี้")
                continue
            number, current = question.indicator, items.get(question.code)
            if current is None:
                skip("no question score (import the ITAS results first)", "ไม่มีผลคะแนนรายข้อคำถาม (นำเข้าผลจาก ITAS ก่อน)")
                continue
            delta = (fix.to - current) * _question_share(framework, number, question.code)
            title, shown, key = question.text, question.code, question.code
        else:
            try:
                number = int(fix.code)
                indicator = framework.indicator(number)
            except (ValueError, StopIteration):
                skip("not an indicator of this edition", "ไม่ใช่ตัวชี้วัดของกรอบการประเมินนี้")
                continue
            if number in item_indicators:
                skip("raise its items instead: the indicator has item data", "ตัวชี้วัดนี้มีผลรายข้อ ให้เลือกปรับรายข้อแทน")
                continue
            current = indicators.get(number)
            if current is None:
                skip("the indicator has no score", "ตัวชี้วัดนี้ไม่มีคะแนน")
                continue
            delta = fix.to - current
            title, shown, key = indicator.name_th, str(number), str(number)
        if (fix.kind, key) in seen:
            skip("listed twice", "ระบุซ้ำ")
            continue
        seen.add((fix.kind, key))
        if delta <= 0:
            skip("the target score is not above the current score", "คะแนนเป้าหมายไม่สูงกว่าคะแนนปัจจุบัน")
            continue
        tool = framework.indicator(number).tool
        changed = combine(framework, {**indicators, number: indicators[number] + delta})
        usable.append(
            Move(
                fix=Fix(fix.kind, key, fix.to, fix.cost),
                indicator=number,
                tool=tool,
                title=title,
                shown_code=shown,
                from_score=current,
                indicator_gain=delta,
                # (mypy) every indicator and tool is known when a move is built, so totals are never None
                tool_gain=changed.tools[tool] - base.tools[tool],  # type: ignore[operator]
                # (mypy) every indicator and tool is known when a move is built, so totals are never None
                total_gain=changed.total - base.total,  # type: ignore[operator]
            )
        )
    return usable, skipped


# ------------------------------------------------------------------------------------------------ the search


def _constraints(
    framework: Framework, score: AgencyScore, target: Target, usable: list[Move]
) -> list[tuple[Fraction, list[Fraction]]]:
    """(need, gain of each move) for every condition of the target; met when Σ gains of the chosen ≥ need."""
    indicators = {n: v for n, v in score.indicators.items() if v is not None}
    base = combine(framework, indicators)
    if base.total is None:
        raise ValueError("the result has no total")
    if target.kind == "indicator":
        if target.indicator not in indicators:
            raise ValueError(f"indicator {target.indicator} has no score")
        # (mypy) a total or indicator target always carries its value (Target's constructor checks it)
        need = _threshold(target.value) - indicators[target.indicator]  # type: ignore[arg-type]
        return [(need, [m.indicator_gain if m.indicator == target.indicator else Fraction(0) for m in usable])]
    if target.kind == "total":
        # (mypy) a total or indicator target always carries its value (Target's constructor checks it)
        return [(_threshold(target.value) - base.total, [m.total_gain for m in usable])]  # type: ignore[arg-type]
    level = next((lv for lv in framework.levels if target.level in (lv.label, lv.label_en)), None)
    if level is None:
        raise ValueError(f"{framework.id}: unknown level '{target.level}'")
    result = [(_threshold(level.min) - base.total, [m.total_gain for m in usable])]
    for tool, minimum in level.tool_min.items():
        current = base.tools.get(tool)
        if current is None:
            raise ValueError(f"the result has no {tool} score")
        result.append((_threshold(minimum) - current, [m.tool_gain if m.tool == tool else Fraction(0) for m in usable]))
    return result


def reaches(framework: Framework, score: AgencyScore, target: Target, chosen: Iterable[Move]) -> bool:
    """Whether applying ``chosen`` (from :func:`moves`) to ``score`` meets ``target`` (recomputed, not summed)."""
    indicators = {n: v for n, v in score.indicators.items() if v is not None}
    for m in chosen:
        indicators[m.indicator] += m.indicator_gain
    after = combine(framework, indicators)
    if target.kind == "indicator":
        # (mypy) a total or indicator target always carries its value (Target's constructor checks it)
        return rounded(indicators[target.indicator]) >= rounded(target.value)  # type: ignore[index,operator]
    if target.kind == "total":
        # (mypy) a total or indicator target always carries its value (Target's constructor checks it)
        return rounded(after.total) >= rounded(target.value)  # type: ignore[operator]
    level = next(lv for lv in framework.levels if target.level in (lv.label, lv.label_en))
    # (mypy) a total or indicator target always carries its value (Target's constructor checks it)
    return rounded(after.total) >= level.min and all(  # type: ignore[operator]
        # (mypy) a total or indicator target always carries its value (Target's constructor checks it)
        rounded(after.tools[t]) >= m  # type: ignore[operator]
        for t, m in level.tool_min.items()
    )


class _Search:
    """Branch and bound over ``usable`` for the set of least (cost, count) meeting every constraint."""

    def __init__(self, costs: list[Fraction], constraints: list[tuple[Fraction, list[Fraction]]]):
        n = len(costs)
        main = constraints[0][1]
        # most gain per cost first, so that good sets are found early and bounds bite
        self.order = sorted(range(n), key=lambda i: (-main[i] / costs[i], costs[i], i))
        self.costs = [costs[i] for i in self.order]
        self.needs = [need for need, _ in constraints]
        self.gains = [[g[i] for i in self.order] for _, g in constraints]
        self.integral = all(c.denominator == 1 for c in costs)
        # suffix sums and the best gain per cost from each position on, per constraint
        self.left = [[sum(g[j:], Fraction(0)) for j in range(n + 1)] for g in self.gains]
        self.ratio = [
            [max((g[j] / self.costs[j] for j in range(i, n)), default=Fraction(0)) for i in range(n + 1)]
            for g in self.gains
        ]
        # the next position whose fix differs from this one: identical fixes (same cost, same gains) are
        # interchangeable, so a set that skips one of them never needs to take a later twin
        self.next_other = list(range(1, n + 1))
        for i in range(n - 2, -1, -1):
            if self.costs[i] == self.costs[i + 1] and all(g[i] == g[i + 1] for g in self.gains):
                self.next_other[i] = self.next_other[i + 1]
        self.best: tuple[Fraction, int] | None = None
        self.best_set: list[int] = []
        self.nodes = 0
        self.complete = True

    def run(self) -> list[int] | None:
        self._visit(0, Fraction(0), [], [Fraction(0)] * len(self.needs))
        if self.best is None:
            return None
        return sorted(self.order[i] for i in self.best_set)

    def _visit(self, i: int, cost: Fraction, chosen: list[int], got: list[Fraction]) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            self.complete = False
            return
        missing = [need - g for need, g in zip(self.needs, got)]
        if all(m <= 0 for m in missing):
            key = (cost, len(chosen))
            if self.best is None or key < self.best:
                self.best, self.best_set = key, list(chosen)
            return
        if i == len(self.costs):
            return
        bound = Fraction(0)
        for k, m in enumerate(missing):
            if m <= 0:
                continue
            if self.left[k][i] < m:
                return  # even every fix left cannot meet this condition
            bound = max(bound, m / self.ratio[k][i] if k else self._fill(i, m))
        if self.integral:
            bound = Fraction(math.ceil(bound))
        if self.best is not None:
            least = (cost + bound, len(chosen) + 1)
            if least >= self.best:
                return
        self._visit(i + 1, cost + self.costs[i], [*chosen, i], [g + self.gains[k][i] for k, g in enumerate(got)])
        self._visit(self.next_other[i], cost, chosen, got)

    def _fill(self, i: int, missing: Fraction) -> Fraction:
        """The least cost that covers ``missing`` of the main condition with the fixes from ``i`` on, were they
        divisible: they are in order of gain per cost, so filling greedily is the fractional optimum."""
        cost = Fraction(0)
        gains = self.gains[0]
        for j in range(i, len(self.costs)):
            if gains[j] >= missing:
                return cost + self.costs[j] * missing / gains[j]
            cost += self.costs[j]
            missing -= gains[j]
        return cost  # not reached: the caller checked that the fixes left can cover it


def plan(framework: Framework, score: AgencyScore, target: Target, fixes: Iterable[Fix]) -> Plan:
    """The cheapest set of ``fixes`` that makes ``score`` meet ``target`` (see the module docstring)."""
    usable, skipped = moves(framework, score, fixes)
    constraints = _constraints(framework, score, target, usable)
    already = all(need <= 0 for need, _ in constraints)
    search = _Search([m.cost for m in usable], constraints)
    chosen = [] if already else search.run()
    reachable = already or chosen is not None
    picked = [usable[i] for i in (chosen if chosen is not None else range(len(usable)))]
    order = {id(m): i for i, m in enumerate(usable)}
    picked.sort(key=lambda m: (-m.total_gain, order[id(m)]))
    indicators = {n: v for n, v in score.indicators.items() if v is not None}
    steps = []
    for i, m in enumerate(picked, start=1):
        indicators[m.indicator] += m.indicator_gain
        after = combine(framework, indicators)
        steps.append(
            PlanStep(
                order=i,
                move=m,
                total_after=after.total,  # type: ignore[arg-type]  # every indicator is known
                indicator_after=indicators[m.indicator],
                level_after=after.level or "",
            )
        )
    return Plan(
        target=target,
        current_total=score.total,
        current_level=score.level,
        already=already,
        reachable=reachable,
        steps=tuple(steps),
        cost=sum((m.cost for m in picked), Fraction(0)),
        proven=search.complete,
        moves=tuple(usable),
        skipped=tuple(skipped),
        indicators_after=indicators,
    )


def default_fixes(
    framework: Framework,
    score: AgencyScore,
    *,
    costs: Mapping[str, Fraction] | None = None,
    question_gain: Fraction = Fraction(10),
) -> list[Fix]:
    """The fixes worth offering: every OIT item below 100 (to 100), every question with a score below 100 (up
    by ``question_gain`` points, at most to 100), every indicator without item data below 100 (to 100)."""
    costs = costs or {}
    items = {c: v for c, v in score.items.items() if v is not None}
    fixes = [
        Fix("oit_item", o.code, HUNDRED, costs.get(o.code, Fraction(1)))
        for o in framework.oit_items
        if o.code in items and items[o.code] < HUNDRED
    ]
    fixes += [
        Fix("question", q.code, min(HUNDRED, items[q.code] + question_gain), costs.get(q.code, Fraction(1)))
        for q in framework.questions
        if q.code in items and items[q.code] < HUNDRED
    ]
    with_items = {o.indicator for o in framework.oit_items if o.code in items}
    with_items |= {q.indicator for q in framework.questions if q.code in items}
    fixes += [
        Fix("indicator", str(i.number), HUNDRED, costs.get(str(i.number), Fraction(1)))
        for i in framework.indicators
        if i.number not in with_items and (known := score.indicators.get(i.number)) is not None and known < HUNDRED
    ]
    return fixes
