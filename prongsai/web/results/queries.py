"""Read-side queries for the dashboards: effective results of a round, peer ranks, last year's results.

Nothing here writes.  Every function is a fixed, small number of queries (``values()`` rows, no per-agency
lookups), and ranks, percentiles and changes are computed in Python with the core's functions, so a national
table of hundreds of agencies costs the same two or three queries as one office's dashboard.

An agency's *effective* result in a round is its official (imported) result, or the result Prongsai computed
where no official one exists.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from prongsai.core.framework import FrameworkError
from prongsai.core.scoring import competition_ranks, ranks_within
from prongsai.web.agencies import access
from prongsai.web.agencies.models import Agency
from prongsai.web.results.models import AgencyResult, ResultSource
from prongsai.web.rounds.models import AssessmentRound

#: official beats computed when both exist
_SOURCE_PRIORITY = {ResultSource.OFFICIAL: 0, ResultSource.COMPUTED: 1}

_AGENCY_FIELDS = ("agency_id", "agency__code", "agency__name_th", "agency__name_en", "agency__short_name",
                  "agency__kind", "agency__subkind", "agency__province", "agency__region")
_RESULT_FIELDS = ("id", "round_id", "source", "indicators", "iit", "eit", "oit", "total", "level")


@dataclass
class RankedRow:
    """One agency's effective result in a round, with its place among its peers (same agency kind)."""

    result_id: int
    round_id: int
    agency_id: int
    code: str
    name_th: str
    name_en: str
    short_name: str
    kind: str
    subkind: str
    province: str
    region: str
    source: str
    indicators: dict[int, Decimal]
    iit: Decimal | None
    eit: Decimal | None
    oit: Decimal | None
    total: Decimal | None
    level: str
    rank: int | None = None
    peers: int = 0
    percentile: Decimal | None = None
    previous_total: Decimal | None = None
    previous_indicators: dict[int, Decimal] = field(default_factory=dict)

    @property
    def display_name(self) -> str:
        return self.short_name or self.name_th

    @property
    def change(self) -> Decimal | None:
        if self.total is None or self.previous_total is None:
            return None
        return self.total - self.previous_total


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _indicators(raw) -> dict[int, Decimal]:
    out: dict[int, Decimal] = {}
    for key, value in (raw or {}).items():
        number = _decimal(value)
        if number is not None:
            out[int(key)] = number
    return out


def _effective(rows: Iterable[dict]) -> dict[int, dict]:
    """One row per agency: the official result where there is one, else the computed one."""
    chosen: dict[int, dict] = {}
    for row in rows:
        current = chosen.get(row["agency_id"])
        if current is None or _SOURCE_PRIORITY.get(row["source"], 9) < _SOURCE_PRIORITY.get(current["source"], 9):
            chosen[row["agency_id"]] = row
    return chosen


def _ranked(row: dict) -> RankedRow:
    return RankedRow(
        result_id=row["id"], round_id=row["round_id"], agency_id=row["agency_id"], code=row["agency__code"],
        name_th=row["agency__name_th"], name_en=row["agency__name_en"], short_name=row["agency__short_name"],
        kind=row["agency__kind"], subkind=row["agency__subkind"], province=row["agency__province"],
        region=row["agency__region"], source=row["source"], indicators=_indicators(row["indicators"]),
        iit=_decimal(row["iit"]), eit=_decimal(row["eit"]), oit=_decimal(row["oit"]), total=_decimal(row["total"]),
        level=row["level"])


def percentile_rank(rank: int | None, ties: int, peers: int) -> Decimal | None:
    """Mid-rank percentile: the share of peers scoring below, counting tied peers as half (0–100, 2 places).

    The top of 225 distinct totals is 99.78, the bottom 0.22, a lone agency 50.00.
    """
    if rank is None or peers <= 0:
        return None
    below = peers - (rank - 1) - ties
    value = (Decimal(below) + Decimal(ties) / 2) * 100 / Decimal(peers)
    return value.quantize(Decimal("0.01"))


def assign_ranks(rows: Sequence[RankedRow]) -> None:
    """Competition ranks, peer counts and percentiles within each agency kind (the peer group)."""
    totals = [r.total for r in rows]
    kinds = [r.kind for r in rows]
    ranks = ranks_within(totals, kinds)
    peers: dict[str, int] = {}
    ties: dict[tuple[str, Decimal], int] = {}
    for r in rows:
        if r.total is not None:
            peers[r.kind] = peers.get(r.kind, 0) + 1
            ties[(r.kind, r.total)] = ties.get((r.kind, r.total), 0) + 1
    for r, rank in zip(rows, ranks):
        r.rank = rank
        r.peers = peers.get(r.kind, 0)
        r.percentile = percentile_rank(rank, ties.get((r.kind, r.total), 0), r.peers) if rank else None


def round_table(round_: AssessmentRound, kind: str | None = None, *, with_previous: bool = True) -> list[RankedRow]:
    """Every agency's effective result in ``round_``, ranked within its kind, best first.

    Ranks always cover the whole peer group (all agencies of the kind in the round); filters such as region are
    applied afterwards by the caller, so an agency keeps its national rank in a filtered view.
    """
    query = AgencyResult.objects.filter(round=round_)
    if kind:
        query = query.filter(agency__kind=kind)
    rows = [_ranked(r) for r in _effective(query.values(*_RESULT_FIELDS, *_AGENCY_FIELDS)).values()]
    assign_ranks(rows)
    if with_previous and rows:
        previous = previous_year_results(round_.fiscal_year, kind=kind)
        for r in rows:
            before = previous.get(r.agency_id)
            if before is not None:
                r.previous_total = _decimal(before["total"])
                r.previous_indicators = _indicators(before["indicators"])
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.name_th))
    return rows


def previous_year_results(fiscal_year: int, *, kind: str | None = None,
                          agency: Agency | None = None) -> dict[int, dict]:
    """Effective results of fiscal year − 1 (any round of that year) by agency id: one query."""
    query = AgencyResult.objects.filter(round__fiscal_year=fiscal_year - 1)
    if kind:
        query = query.filter(agency__kind=kind)
    if agency is not None:
        query = query.filter(agency=agency)
    return _effective(query.values(*_RESULT_FIELDS, "agency_id").order_by("-round_id"))


def effective_result(round_: AssessmentRound, agency: Agency) -> AgencyResult | None:
    results = sorted(AgencyResult.objects.filter(round=round_, agency=agency),
                     key=lambda r: _SOURCE_PRIORITY.get(r.source, 9))
    return results[0] if results else None


def peer_rank(round_: AssessmentRound, agency: Agency) -> tuple[int | None, int]:
    """The agency's competition rank among agencies of the same kind in the round, and the peer count.

    Only totals are read; nothing about another agency leaves this function but the count.
    """
    rows = AgencyResult.objects.filter(round=round_, agency__kind=agency.kind).values("agency_id", "source", "total")
    chosen = _effective(rows)
    ids = list(chosen)
    totals = [_decimal(chosen[i]["total"]) for i in ids]
    ranks = competition_ranks(totals)
    rank = dict(zip(ids, ranks)).get(agency.pk)
    return rank, sum(1 for t in totals if t is not None)


def rounds_with_results(agency: Agency) -> list[AssessmentRound]:
    """Rounds in which the agency has a result, latest fiscal year first."""
    ids = AgencyResult.objects.filter(agency=agency).order_by().values_list("round_id", flat=True).distinct()
    return list(AssessmentRound.objects.filter(pk__in=list(ids)).order_by("-fiscal_year", "-pk"))


def level_counts(rows: Sequence[RankedRow], labels: Sequence[str]) -> list[tuple[str, int]]:
    """How many agencies reached each level, in the framework's order (best first), then any unknown label."""
    counts: dict[str, int] = {label: 0 for label in labels}
    for r in rows:
        if r.level:
            counts[r.level] = counts.get(r.level, 0) + 1
    return list(counts.items())


def histogram(values: Sequence[Decimal], width: int = 5) -> list[tuple[int, int, int]]:
    """Bins ``(low, high, count)`` of ``width`` points from the lowest occupied bin (at most 50) up to 100.

    A bin holds low ≤ value < high; the last bin also holds 100.
    """
    if not values:
        return []
    lowest = min(int(min(values)) // width * width, 50)
    bins = [(low, low + width, 0) for low in range(lowest, 100, width)]
    counts = [0] * len(bins)
    for v in values:
        index = min(int((v - lowest) // width), len(bins) - 1)
        counts[max(index, 0)] += 1
    return [(low, high, count) for (low, high, _), count in zip(bins, counts)]


def movers(rows: Sequence[RankedRow], n: int = 5) -> tuple[list[RankedRow], list[RankedRow]]:
    """The ``n`` largest rises and the ``n`` largest falls of total since last year."""
    changed = [r for r in rows if r.change is not None]
    risers = sorted((r for r in changed if r.change > 0), key=lambda r: (-r.change, r.name_th))[:n]
    fallers = sorted((r for r in changed if r.change < 0), key=lambda r: (r.change, r.name_th))[:n]
    return risers, fallers


def importable_rounds(user) -> list[AssessmentRound]:
    """Rounds the user may import results into: those assessing a kind of agency the user manages."""
    rounds = list(AssessmentRound.objects.order_by("-fiscal_year", "framework_id"))
    if access.is_central_admin(user):
        return rounds
    if not access.can_import_results(user):
        return []
    kinds = set(access.agencies_for(user, access.MANAGE_ROLES).values_list("kind", flat=True).distinct())
    return [r for r in rounds if kinds & set(_agency_kinds(r))]


def _agency_kinds(round_: AssessmentRound) -> tuple[str, ...]:
    try:
        return round_.agency_kinds
    except FrameworkError:  # a round whose framework file went missing: show it to nobody for import
        return ()


def template_agencies(user, round_: AssessmentRound) -> list[Agency]:
    """Agencies to prefill in a results template: those the user manages that the round assesses."""
    kinds = _agency_kinds(round_)
    return list(access.agencies_for(user, access.MANAGE_ROLES).filter(kind__in=kinds, is_active=True)
                .order_by("kind", "code"))
