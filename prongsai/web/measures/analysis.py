"""Read side of the analysis page: which round is analysed, and the page's view of one agency's result.

The numbers (sorting, weak indicators, gains, the cheapest path) come from ``prongsai.core.analysis`` and
``prongsai.core.gains``; this module only finds the rows in the database (one result, last year's result, the peer
totals, the notes) and shapes them for the template and the documents.  Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from prongsai.core.framework import Framework, FrameworkError, split_key
from prongsai.core.scoring import rounded
from prongsai.core.thai import round_half_up
from prongsai.web.agencies.models import Agency
from prongsai.web.measures.models import AnalysisNote
from prongsai.web.results import queries
from prongsai.web.results.models import AgencyResult
from prongsai.web.rounds.models import AssessmentRound

DEFAULT_LOWEST = 4


def framework_of(round_: AssessmentRound | None) -> Framework | None:
    if round_ is None:
        return None
    try:
        return round_.framework
    except FrameworkError:
        return None


def _related(round_: AssessmentRound, year: int, link: str | None) -> AssessmentRound | None:
    """The round of fiscal ``year`` that is linked to ``round_`` by edition lineage, else one of the same agency
    types."""
    candidates = list(AssessmentRound.objects.filter(fiscal_year=year).order_by("-pk"))
    if not candidates:
        return None
    if link:
        for c in candidates:
            if split_key(c.framework_id)[0] == split_key(link)[0]:  # ita-2568 and its uploaded versions
                return c
    fw = framework_of(round_)
    kinds = set(fw.agency_types) if fw else set()
    for c in candidates:
        other = framework_of(c)
        if other is not None and kinds & set(other.agency_types):
            return c
    return None


def analysed_round(round_: AssessmentRound) -> AssessmentRound | None:
    """The round whose result the working ``round_`` analyses: last fiscal year's (seed: 2563 analyses 2562)."""
    fw = framework_of(round_)
    return _related(round_, round_.fiscal_year - 1, fw.previous if fw else None)


def working_round(analysed: AssessmentRound) -> AssessmentRound | None:
    """The round whose measures answer the analysis of ``analysed`` (next fiscal year)."""
    candidates = AssessmentRound.objects.filter(fiscal_year=analysed.fiscal_year + 1).order_by("-pk")
    for c in candidates:
        fw = framework_of(c)
        if fw is not None and fw.previous and split_key(fw.previous)[0] == split_key(analysed.framework_id)[0]:
            return c
    return _related(analysed, analysed.fiscal_year + 1, None)


@dataclass
class IndicatorRow:
    number: int
    name: str
    tool: str
    score: Decimal | None
    previous: Decimal | None = None
    weak: bool = False
    lowest: bool = False
    rank: int = 0  # 1 = highest score
    gain: Decimal | None = None  # total points gained by raising this indicator to 100
    per_point: Decimal | None = None  # total points per point of this indicator
    note: str = ""
    breakdown: Any = None  # core.analysis.Breakdown for the weak and lowest indicators

    @property
    def change(self) -> Decimal | None:
        if self.score is None or self.previous is None:
            return None
        return self.score - self.previous


@dataclass
class AgencyAnalysis:
    round: AssessmentRound
    agency: Agency
    framework: Framework
    result: AgencyResult
    core: Any  # core.analysis.Analysis
    score: Any  # core.scoring.AgencyScore (with item data when the result has it)
    rank: int | None
    peers: int
    indicators: list[IndicatorRow]  # truly sorted, highest first
    weak: list[IndicatorRow]  # below the target, lowest first
    lowest: list[IndicatorRow]  # the lowest N, lowest first
    focus: list[IndicatorRow]  # lowest N and any other weak one, lowest first
    indicator_gains: list[IndicatorRow]  # by gain, largest first
    item_gains: list[Any]  # core.gains.Gain of OIT items, largest first
    indicator_gains_core: list[Any]  # core.gains.Gain of every change, largest first (for the report)
    plan: Any  # core.gains.Plan: the cheapest path to the next level

    @property
    def total(self) -> Decimal | None:
        return self.result.total

    @property
    def level(self) -> str:
        return self.result.level

    @property
    def target(self) -> Decimal:
        return self.framework.pass_target

    @property
    def previous_total(self) -> Decimal | None:
        return rounded(self.core.previous_total) if self.core.previous_total is not None else None

    @property
    def total_change(self) -> Decimal | None:
        return self.core.total_change_rounded

    @property
    def next_level(self) -> str | None:
        return self.plan.target.label if self.plan.target is not None else None

    @property
    def highest(self) -> IndicatorRow | None:
        return self.indicators[0] if self.indicators else None

    @property
    def lowest_one(self) -> IndicatorRow | None:
        scored = [i for i in self.indicators if i.score is not None]
        return scored[-1] if scored else None


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    return Decimal(str(value))


def _with_items(result: AgencyResult):
    """The result as the core sees it, with its item-level scores (I1, E6, O12 …) where it has them."""
    score = result.core_score()
    items: dict[str, Fraction | None] = {}
    for code, value in (result.items or {}).items():
        # None (or "") is an item known to be not applicable: kept, so the planner knows the item set is complete
        items[code] = Fraction(str(value)) if value not in (None, "") else None
    score.items = items
    return score


def item_score(result: AgencyResult):
    """The stored result with its item-level scores, as the analysis and the what-if planner see it."""
    return _with_items(result)


def peer_totals(round_: AssessmentRound, agency: Agency) -> list[Decimal | None]:
    """The effective totals of the *other* agencies of the same kind in the round (official beats computed)."""
    chosen: dict[int, dict] = {}
    for row in (
        AgencyResult.objects.filter(round=round_, agency__kind=agency.kind)
        .exclude(agency=agency)
        .values("agency_id", "source", "total")
    ):
        current = chosen.get(row["agency_id"])
        if current is None or (row["source"] == "official" and current["source"] != "official"):
            chosen[row["agency_id"]] = row
    return [r["total"] for r in chosen.values() if r["total"] is not None]


def build(
    round_: AssessmentRound, agency: Agency, lowest_n: int = DEFAULT_LOWEST, viewer=None
) -> AgencyAnalysis | None:
    """The analysis of ``agency``'s effective result in ``round_``; ``None`` when there is no usable result.

    The rank among peers is computed only when ``viewer`` may see ranks of the round (``access.can_see_ranks``:
    central admins, or anyone once the results are published); without a viewer (documents) only once the
    results are published, so nothing compares an agency with others' unpublished results."""
    from prongsai.core import analysis as core
    from prongsai.core.gains import cheapest_path, what_if
    from prongsai.web.agencies import access

    framework = framework_of(round_)
    result = queries.effective_result(round_, agency)
    if framework is None or result is None or result.total is None:
        return None
    previous_row = queries.previous_year_results(round_.fiscal_year, agency=agency).get(agency.pk)
    previous = None
    if previous_row is not None:
        try:
            previous = AgencyResult.objects.select_related("round").get(pk=previous_row["id"]).core_score()
        except (FrameworkError, AgencyResult.DoesNotExist, TypeError, ValueError):
            previous = None
    score = _with_items(result)
    peers = peer_totals(round_, agency) if access.can_see_ranks(viewer, round_) else None
    a = core.analyse(framework, score, previous=previous, peers=peers, lowest_n=lowest_n)
    notes = {n.indicator: n.text for n in AnalysisNote.objects.filter(round=round_, agency=agency)}
    gains = what_if(framework, score)
    indicator_gain = {g.indicator: g for g in gains if g.kind == "indicator"}

    rows: dict[int, IndicatorRow] = {}
    ordered: list[IndicatorRow] = []
    for ind in a.indicators:
        g = indicator_gain.get(ind.number)
        row = IndicatorRow(
            number=ind.number,
            name=ind.name_th,
            tool=ind.tool,
            score=ind.rounded,
            previous=rounded(ind.previous) if ind.previous is not None else None,
            weak=ind.weak,
            rank=ind.position,
            gain=g.gain_rounded if g else None,
            per_point=round_half_up(ind.weight, 4) if ind.weight is not None else None,
            note=notes.get(ind.number, ""),
            breakdown=a.breakdowns.get(ind.number),
        )
        rows[ind.number] = row
        ordered.append(row)
    for ind in a.lowest:
        rows[ind.number].lowest = True
    # (mypy) only rows with a gain are sorted
    by_gain = sorted((r for r in ordered if r.gain is not None), key=lambda r: (-r.gain, r.number))  # type: ignore[operator]
    rank = a.peer.rank if a.peer else None
    peer_count = a.peer.count if a.peer else 0
    return AgencyAnalysis(
        round=round_,
        agency=agency,
        framework=framework,
        result=result,
        core=a,
        score=score,
        rank=rank,
        peers=peer_count,
        indicators=ordered,
        weak=[rows[i.number] for i in a.weak],
        lowest=[rows[i.number] for i in a.lowest],
        focus=[rows[i.number] for i in a.focus],
        indicator_gains=by_gain,
        item_gains=[g for g in gains if g.kind == "oit_item"],
        indicator_gains_core=gains,
        plan=cheapest_path(framework, score),
    )
