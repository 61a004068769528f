"""Analysis of one agency's result: what is weak, what changed, where it stands, and what fixing it is worth.

This is the arithmetic behind the O42 analysis report (``รายงานการวิเคราะห์ผลการประเมิน``) and the officer's
"what to fix first" view.  Pure Python, no Django, exact arithmetic (``Fraction``); values are rounded half-up
to 2 decimals only for display (``*_rounded`` properties, ``prongsai.core.thai.round_half_up``).

- :func:`analyse` sorts the indicators by score (high → low, ties by number; the seed's own "sorted" table is
  not), finds the weak ones (below the edition's ``pass_target``) and the lowest N, breaks each of them down into
  sub-indicators and items where item data exists, compares with last year and places the agency among peers.

What raising an indicator or passing an item is worth (``what_if``) and the cheapest path to the next level
(``cheapest_path``) are in :mod:`prongsai.core.gains`, from the weights defined here: an indicator weighs ``tool
weight / Σ tool weights × its share in the tool``, and an OIT item weighs its indicator's weight divided by the
indicator's applicable items (the OIT indicator score is the mean of its items), e.g. one of 33 items under
indicator 9 in 2563: 40 % × 1/2 × 1/33 of the total.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from typing import overload

from prongsai.core.framework import Framework, Indicator, OITItem
from prongsai.core.scoring import AgencyScore, competition_ranks, mean, rounded

HUNDRED = Fraction(100)
#: a total (or tool score) reaches a band's minimum when it *rounds* to it: exact ≥ minimum − 0.005
HALF_CENT = Fraction(1, 200)

NO_ITEM_DATA_TH = "ไม่ทราบผลคะแนนรายข้อ"
NO_ITEM_DATA_EN = "no item-level data"

__all__ = [
    "NO_ITEM_DATA_EN",
    "NO_ITEM_DATA_TH",
    "Analysis",
    "Breakdown",
    "IndicatorResult",
    "ItemResult",
    "PeerPosition",
    "SubIndicatorResult",
    "analyse",
    "indicator_weight",
    "item_weight",
    "peer_position",
]


@overload
def as_decimal(value: Fraction) -> Decimal: ...
@overload
def as_decimal(value: Fraction | None) -> Decimal | None: ...
def as_decimal(value: Fraction | None) -> Decimal | None:
    return rounded(value)


# ------------------------------------------------------------------------------------------------- weights


def indicator_weight(framework: Framework, number: int) -> Fraction:
    """Share of the total (0–1) that one indicator carries: tool weight / Σ tool weights × share in its tool."""
    indicator = framework.indicator(number)
    total_weight = sum((t.weight for t in framework.tools), Fraction(0))
    return framework.tool(indicator.tool).weight / total_weight * indicator.weight


def _applicable_items(framework: Framework, score: AgencyScore, number: int) -> list[OITItem]:
    """The OIT items of an indicator that carry a score (a missing item is not applicable, as in scoring)."""
    return [o for o in framework.oit_items if o.indicator == number and score.items.get(o.code) is not None]


def item_weight(framework: Framework, score: AgencyScore | None, code: str) -> Fraction:
    """Share of the total (0–1) that one OIT item carries: its indicator's weight / the indicator's items.

    With a score that has item data the divisor is the number of applicable (scored) items, as in
    ``scoring.score_oit``; without one it is every item of the indicator in the edition.
    """
    item = framework.oit_item(code)
    items = _applicable_items(framework, score, item.indicator) if score is not None else []
    count = len(items) or sum(1 for o in framework.oit_items if o.indicator == item.indicator)
    return indicator_weight(framework, item.indicator) / count


# -------------------------------------------------------------------------------------------- the analysis


@dataclass(frozen=True)
class IndicatorResult:
    number: int
    name_th: str
    name_en: str
    tool: str
    score: Fraction | None
    weight: Fraction  # share of the total (0–1)
    position: int  # 1-based place in the sorted table
    weak: bool  # below the edition's pass target
    previous: Fraction | None = None

    @property
    def rounded(self) -> Decimal | None:
        return as_decimal(self.score)

    @property
    def change(self) -> Fraction | None:
        if self.score is None or self.previous is None:
            return None
        return self.score - self.previous

    @property
    def change_rounded(self) -> Decimal | None:
        # the change people read is the difference of the published (rounded) scores
        if self.score is None or self.previous is None:
            return None
        return as_decimal(self.score) - as_decimal(self.previous)


@dataclass(frozen=True)
class ItemResult:
    code: str  # I1, I1.1, E6, O12
    kind: str  # "question", "sub_item" or "oit"
    text: str
    score: Fraction | None
    sub_items: tuple[ItemResult, ...] = ()
    #: the edition marks it provisional (no source found); pages show a mark beside it
    provisional: bool = False
    caveat: str = ""
    shown_code: str = ""  # the code as the edition prints it (o12 from 2568)

    @property
    def rounded(self) -> Decimal | None:
        return as_decimal(self.score)

    @property
    def label(self) -> str:
        return self.shown_code or self.code


@dataclass(frozen=True)
class SubIndicatorResult:
    code: str  # 9.1
    name_th: str
    items: tuple[ItemResult, ...]

    @property
    def score(self) -> Fraction | None:
        values = [i.score for i in self.items]
        if not values or any(v is None for v in values):
            return None
        return mean(values)  # type: ignore[arg-type]  # None scores are left out above

    @property
    def rounded(self) -> Decimal | None:
        return as_decimal(self.score)


@dataclass(frozen=True)
class Breakdown:
    """A weak (or low) indicator broken down into its sub-indicators and items."""

    indicator: IndicatorResult
    kind: str  # "survey" (questions) or "evidence" (OIT items)
    sub_indicators: tuple[SubIndicatorResult, ...]  # OIT: grouped items; survey: empty
    items: tuple[ItemResult, ...]  # every question (with sub-items) or OIT item, in framework order
    has_item_data: bool

    @property
    def item_count(self) -> int:
        return len(self.items)

    @property
    def note_th(self) -> str:
        return "" if self.has_item_data else NO_ITEM_DATA_TH

    @property
    def note_en(self) -> str:
        return "" if self.has_item_data else NO_ITEM_DATA_EN

    @property
    def weakest_items(self) -> tuple[ItemResult, ...]:
        """Items with a score, lowest first (ties in framework order)."""
        scored = [(i, item) for i, item in enumerate(self.items) if item.score is not None]
        return tuple(item for _, item in sorted(scored, key=lambda pair: (pair[1].score, pair[0])))


@dataclass(frozen=True)
class PeerPosition:
    rank: int  # competition rank on the rounded total (1, 2, 2, 4)
    count: int  # agencies in the peer group, this one included
    percentile: Fraction  # percentile rank: 100 × (below + ½ × tied, itself included) / count

    @property
    def percentile_rounded(self) -> Decimal:
        return rounded(self.percentile)


@dataclass(frozen=True)
class Analysis:
    framework_id: str
    total: Fraction | None
    level: str | None
    indicators: tuple[IndicatorResult, ...]  # sorted high → low, ties by number
    weak: tuple[IndicatorResult, ...]  # below the pass target, lowest first
    lowest: tuple[IndicatorResult, ...]  # the lowest N, lowest first
    breakdowns: dict[int, Breakdown]  # for every weak or lowest indicator
    pass_target: Decimal
    previous_total: Fraction | None = None
    previous_level: str | None = None
    peer: PeerPosition | None = None
    tools: dict[str, Fraction | None] = field(default_factory=dict)

    @property
    def total_rounded(self) -> Decimal | None:
        return as_decimal(self.total)

    @property
    def total_change_rounded(self) -> Decimal | None:
        if self.total is None or self.previous_total is None:
            return None
        return as_decimal(self.total) - as_decimal(self.previous_total)

    @property
    def highest(self) -> IndicatorResult | None:
        scored = [i for i in self.indicators if i.score is not None]
        return scored[0] if scored else None

    @property
    def lowest_one(self) -> IndicatorResult | None:
        scored = [i for i in self.indicators if i.score is not None]
        return scored[-1] if scored else None

    @property
    def focus(self) -> tuple[IndicatorResult, ...]:
        """The indicators to discuss: the lowest N plus any other weak one, lowest first."""
        seen = {i.number for i in self.lowest}
        extra = [i for i in self.weak if i.number not in seen]
        return tuple(sorted([*self.lowest, *extra], key=_low_first))

    def indicator(self, number: int) -> IndicatorResult:
        return next(i for i in self.indicators if i.number == number)


def _high_first(result: IndicatorResult) -> tuple:
    # sort on the published (rounded) value so that equal-looking scores list by number, as a reader expects
    return (result.score is None, -(result.rounded or 0), result.number)


def _low_first(result: IndicatorResult) -> tuple:
    return (result.score is None, result.rounded or 0, result.number)


def peer_position(total: Decimal | Fraction | None, peers: Sequence[Decimal | None]) -> PeerPosition | None:
    """This agency's place among ``peers``: the rounded totals of the *other* agencies in its peer group."""
    own = rounded(total) if total is not None else None
    if own is None:
        return None
    others = [rounded(p) for p in peers if p is not None]
    ranks = competition_ranks([own, *others])
    count = len(others) + 1
    below = sum(1 for p in others if p < own)
    tied = sum(1 for p in others if p == own) + 1
    percentile = HUNDRED * (below + Fraction(tied, 2)) / count
    # (mypy) own is not None, so it has a rank
    return PeerPosition(rank=ranks[0], count=count, percentile=percentile)  # type: ignore[arg-type]


def analyse(
    framework: Framework,
    score: AgencyScore,
    *,
    previous: AgencyScore | None = None,
    peers: Sequence[Decimal | None] | None = None,
    lowest_n: int = 4,
) -> Analysis:
    """Analyse one agency's result (see the module docstring).

    ``previous`` is last year's result (matched by indicator number; the edition may differ); ``peers`` are the
    totals of the other agencies of the peer group (the agency itself excluded); ``lowest_n`` how many of the
    lowest indicators to break down (the seed discusses 4).
    """
    target = framework.pass_target
    results = []
    for indicator in framework.indicators:
        value = score.indicators.get(indicator.number)
        before = previous.indicators.get(indicator.number) if previous is not None else None
        results.append(
            IndicatorResult(
                number=indicator.number,
                name_th=indicator.name_th,
                name_en=indicator.name_en,
                tool=indicator.tool,
                score=value,
                weight=indicator_weight(framework, indicator.number),
                position=0,
                weak=value is not None and rounded(value) < target,
                previous=before,
            )
        )
    ordered = sorted(results, key=_high_first)
    ordered = [replace(r, position=i) for i, r in enumerate(ordered, start=1)]
    low_first = sorted((r for r in ordered if r.score is not None), key=_low_first)
    weak = tuple(r for r in low_first if r.weak)
    lowest = tuple(low_first[: max(lowest_n, 0)])
    breakdowns = {r.number: _breakdown(framework, score, r) for r in (*lowest, *weak)}
    return Analysis(
        framework_id=framework.id,
        total=score.total,
        level=score.level,
        indicators=tuple(ordered),
        weak=weak,
        lowest=lowest,
        breakdowns=breakdowns,
        pass_target=target,
        previous_total=previous.total if previous is not None else None,
        previous_level=previous.level if previous is not None else None,
        peer=peer_position(score.total, peers) if peers is not None else None,
        tools=dict(score.tools),
    )


def _breakdown(framework: Framework, score: AgencyScore, result: IndicatorResult) -> Breakdown:
    indicator: Indicator = framework.indicator(result.number)
    if framework.tool(indicator.tool).kind == "evidence":
        items = tuple(
            ItemResult(
                code=o.code,
                kind="oit",
                text=o.title,
                score=score.items.get(o.code),
                provisional=o.provisional,
                caveat=o.caveat,
                shown_code=o.shown_code,
            )
            for o in framework.oit_items
            if o.indicator == indicator.number
        )
        by_code = {o.code: o for o in framework.oit_items}
        subs = tuple(
            SubIndicatorResult(
                code=s.code, name_th=s.name_th, items=tuple(i for i in items if by_code[i.code].sub_indicator == s.code)
            )
            for s in indicator.sub_indicators
        )
        has_data = any(i.score is not None for i in items)
        return Breakdown(indicator=result, kind="evidence", sub_indicators=subs, items=items, has_item_data=has_data)
    questions = []
    for q in framework.questions:
        if q.indicator != indicator.number:
            continue
        subs_items = (
            tuple(
                ItemResult(code=f.code, kind="sub_item", text=f.text, score=score.items.get(f.code)) for f in q.fields
            )
            if q.has_sub_items
            else ()
        )
        questions.append(
            ItemResult(
                code=q.code,
                kind="question",
                text=q.text,
                score=score.items.get(q.code),
                sub_items=subs_items,
                provisional=q.provisional,
                caveat=q.caveat,
            )
        )
    has_data = any(q.score is not None for q in questions)
    return Breakdown(indicator=result, kind="survey", sub_indicators=(), items=tuple(questions), has_item_data=has_data)
