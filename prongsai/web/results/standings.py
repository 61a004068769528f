"""Standings: every agency's rank, percentile and change since last year, computed once per change of a round's
results and read by the national pages, their exports, the API's ranking and the agency dashboards.

Why stored: at national size (30,000 schools) ranking on every request cost 5–12 s a page.  Here a round's
standings are rebuilt once after its results change and every page reads an index range of ``Standing`` rows.

How it stays current:

- every write of an ``AgencyResult`` (through ``save``/``delete``, whoever makes it: the import, the survey and OIT
  computations, an admin) bumps ``StandingState.version`` of its round and of the next fiscal year's rounds
  (whose change since last year it affects), in the writer's own transaction (signals below); so does every
  edit of an existing agency (its kind or region may move it to another peer group);
- bulk writers that bypass ``save`` call ``invalidate_round`` themselves (``services.import_official_results``);
- a reader calls ``ensure(round_)``: one query when the standings are current, otherwise a rebuild.

A rebuild computes outside any transaction (one read of the round's results, one of last year's) and writes in
one short transaction (delete, bulk insert), recording the version it read *before* computing; a write that
lands meanwhile leaves the round stale, so the next reader rebuilds again.  Ranks are the core's competition
ranks (``prongsai.core.scoring.ranks_within``), so a rank shown anywhere equals the core's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, F, Max, Min, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Round
from django.utils import timezone

from prongsai.core.scoring import ranks_within
from prongsai.web.results.models import AgencyResult, Standing, StandingState
from prongsai.web.results.queries import _decimal, _effective, percentile_rank
from prongsai.web.rounds.models import AssessmentRound

BATCH = 1000

# -------------------------------------------------------------------------------------------- invalidation


def invalidate_round(round_id: int) -> None:
    """Mark the standings of round ``round_id`` and of the following fiscal year's rounds as stale (one UPDATE)."""
    next_year = Subquery(AssessmentRound.objects.filter(pk=round_id).values("fiscal_year")[:1]) + 1
    StandingState.objects.filter(Q(round_id=round_id) | Q(round__fiscal_year=next_year)) \
        .update(version=F("version") + 1)


def invalidate_all() -> None:
    StandingState.objects.update(version=F("version") + 1)


def _result_changed(sender, instance: AgencyResult, **kwargs) -> None:
    invalidate_round(instance.round_id)


def _agency_changed(sender, instance, created: bool = False, **kwargs) -> None:
    if not created:  # a new agency has no result yet; an edited one may have changed kind or region
        invalidate_all()


def connect_signals() -> None:
    """Called by ``ResultsConfig.ready``."""
    from django.db.models.signals import post_delete, post_save

    from prongsai.web.agencies.models import Agency

    post_save.connect(_result_changed, sender=AgencyResult, dispatch_uid="standings-result-saved")
    post_delete.connect(_result_changed, sender=AgencyResult, dispatch_uid="standings-result-deleted")
    post_save.connect(_agency_changed, sender=Agency, dispatch_uid="standings-agency-saved")


# ------------------------------------------------------------------------------------------------- rebuild


def ensure(round_: AssessmentRound) -> None:
    """Make the round's standings current: one query when they are, a rebuild when they are not."""
    state = StandingState.objects.filter(round=round_).values_list("version", "built_version").first()
    if state is None or state[0] != state[1]:
        rebuild(round_)


_RESULT_FIELDS = ("agency_id", "source", "total", "iit", "eit", "oit", "level", "agency__kind", "agency__region",
                  "agency__code")


def compute(round_: AssessmentRound) -> list[Standing]:
    """The round's standings, unsaved: two reads, then ranks with the core's functions."""
    rows = list(_effective(AgencyResult.objects.filter(round=round_).order_by()
                           .values(*_RESULT_FIELDS)).values())
    previous = _effective(AgencyResult.objects.filter(round__fiscal_year=round_.fiscal_year - 1)
                          .order_by("-round_id").values("agency_id", "source", "total"))
    totals = [_decimal(r["total"]) for r in rows]
    kinds = [r["agency__kind"] for r in rows]
    ranks = ranks_within(totals, kinds)
    region_ranks = ranks_within(totals, [(r["agency__kind"], r["agency__region"]) for r in rows])
    peers: dict[object, int] = {}
    ties: dict[object, int] = {}
    for r, total in zip(rows, totals):
        if total is not None:
            for key in (r["agency__kind"], (r["agency__kind"], r["agency__region"])):
                peers[key] = peers.get(key, 0) + 1
            ties[(r["agency__kind"], total)] = ties.get((r["agency__kind"], total), 0) + 1
    standings = []
    for r, total, rank, region_rank in zip(rows, totals, ranks, region_ranks):
        kind, region = r["agency__kind"], r["agency__region"] or ""
        before = previous.get(r["agency_id"])
        previous_total = _decimal(before["total"]) if before else None
        standings.append(Standing(
            round_id=round_.pk, agency_id=r["agency_id"], source=r["source"], kind=kind, region=region,
            iit=_decimal(r["iit"]), eit=_decimal(r["eit"]), oit=_decimal(r["oit"]), total=total,
            level=r["level"] or "", rank=rank, peers=peers.get(kind, 0),
            percentile=percentile_rank(rank, ties.get((kind, total), 0), peers.get(kind, 0)) if rank else None,
            region_rank=region_rank, region_peers=peers.get((kind, region), 0) if region_rank else 0,
            previous_total=previous_total,
            change=total - previous_total if total is not None and previous_total is not None else None,
            position=0))
    codes = {r["agency_id"]: r["agency__code"] for r in rows}
    counters: dict[str, int] = {}
    for s in sorted(standings, key=lambda s: (s.kind, s.rank is None, s.rank or 0, codes[s.agency_id])):
        counters[s.kind] = s.position = counters.get(s.kind, 0) + 1
    return standings


def rebuild(round_: AssessmentRound) -> int:
    """Recompute and store the round's standings; returns the number of rows."""
    StandingState.objects.get_or_create(round=round_)
    version = StandingState.objects.filter(round=round_).values_list("version", flat=True).get()
    standings = compute(round_)  # outside the transaction: SQLite's write lock is held only for the writes
    with transaction.atomic():
        state = StandingState.objects.select_for_update().get(round=round_)
        if state.built_version >= version:  # a concurrent rebuild already stored this version (or a later one)
            return state.rows
        Standing.objects.filter(round=round_).delete()
        Standing.objects.bulk_create(standings, batch_size=BATCH)
        StandingState.objects.filter(round=round_).update(built_version=version, built_at=timezone.now(),
                                                          rows=len(standings))
    return len(standings)


# ------------------------------------------------------------------------------------------------- reading


@dataclass
class Filters:
    """What the national page, its exports and the API may narrow a ranking to (empty = no filter)."""

    region: str = ""
    province: str = ""
    subkind: str = ""
    parent: str = ""  # the parent agency's code: the schools of one ESA office
    level: str = ""
    q: str = ""  # part of the code or a name

    def apply(self, query: QuerySet) -> QuerySet:
        if self.region:
            query = query.filter(region=self.region)
        if self.province:
            query = query.filter(agency__province=self.province)
        if self.subkind:
            query = query.filter(agency__subkind=self.subkind)
        if self.parent:
            query = query.filter(agency__parent__code=self.parent)
        if self.level:
            query = query.filter(level=self.level)
        if self.q:
            query = query.filter(Q(agency__code__icontains=self.q) | Q(agency__name_th__icontains=self.q)
                                 | Q(agency__short_name__icontains=self.q) | Q(agency__name_en__icontains=self.q))
        return query

    def active(self) -> bool:
        return any((self.region, self.province, self.subkind, self.parent, self.level, self.q))


@dataclass
class StandingRow:
    """One row of a ranking as pages and exports show it (agency details joined at read time)."""

    code: str
    name_th: str
    name_en: str
    short_name: str
    kind: str
    subkind: str
    province: str
    region: str
    source: str
    iit: Decimal | None
    eit: Decimal | None
    oit: Decimal | None
    total: Decimal | None
    level: str
    rank: int | None
    peers: int
    percentile: Decimal | None
    region_rank: int | None
    region_peers: int
    previous_total: Decimal | None
    change: Decimal | None

    @property
    def display_name(self) -> str:
        return self.short_name or self.name_th


_ROW_FIELDS = ("agency__code", "agency__name_th", "agency__name_en", "agency__short_name", "kind", "agency__subkind",
               "agency__province", "region", "source", "iit", "eit", "oit", "total", "level", "rank", "peers",
               "percentile", "region_rank", "region_peers", "previous_total", "change")


def _row(values: dict) -> StandingRow:
    return StandingRow(
        code=values["agency__code"], name_th=values["agency__name_th"], name_en=values["agency__name_en"],
        short_name=values["agency__short_name"], kind=values["kind"], subkind=values["agency__subkind"],
        province=values["agency__province"], region=values["region"], source=values["source"],
        iit=_decimal(values["iit"]), eit=_decimal(values["eit"]), oit=_decimal(values["oit"]),
        total=_decimal(values["total"]), level=values["level"], rank=values["rank"], peers=values["peers"],
        percentile=_decimal(values["percentile"]), region_rank=values["region_rank"],
        region_peers=values["region_peers"], previous_total=_decimal(values["previous_total"]),
        change=_decimal(values["change"]))


def ranking(round_: AssessmentRound, kind: str | None = None, filters: Filters | None = None) -> QuerySet:
    """The round's standings (of one kind), filtered, in ranking order.  Call ``ensure`` first."""
    query = Standing.objects.filter(round=round_)
    if kind:
        query = query.filter(kind=kind)
    return (filters or Filters()).apply(query).order_by("kind", "position")


def rows(query: QuerySet) -> list[StandingRow]:
    return [_row(v) for v in query.values(*_ROW_FIELDS)]


def iter_rows(query: QuerySet, chunk_size: int = 2000) -> Iterator[StandingRow]:
    """Every row of ``query``, fetched in chunks (a server-side cursor on PostgreSQL): memory stays flat."""
    for values in query.values(*_ROW_FIELDS).iterator(chunk_size=chunk_size):
        yield _row(values)


def agency_standing(round_: AssessmentRound, agency) -> Standing | None:
    ensure(round_)
    return Standing.objects.filter(round=round_, agency=agency).first()


@dataclass
class Summary:
    count: int
    ranked: int
    mean: Decimal | None
    median: Decimal | None
    max: Decimal | None
    min: Decimal | None
    passed: int
    with_previous: int
    levels: dict[str, int]
    bins: list[tuple[int, int, int]]


def summary(query: QuerySet, level_labels: list[str], pass_target: Decimal | None, width: int = 5) -> Summary:
    """Counts, mean, extremes, levels and the histogram of ``query`` in one aggregate query, plus one for the
    median (the middle row or two by total)."""
    query = query.order_by()
    aggregates = {
        # the sum in whole hundredths is exact on every database (SQLite adds REALs), so the mean is too
        "count": Count("pk"), "ranked": Count("total"), "hundredths": Sum(Round(F("total") * 100)),
        "max": Max("total"), "min": Min("total"), "with_previous": Count("previous_total"),
    }
    if pass_target is not None:
        aggregates["passed"] = Count("pk", filter=Q(total__gte=pass_target))
    for i, label in enumerate(level_labels):
        aggregates[f"level_{i}"] = Count("pk", filter=Q(level=label))
    for low in range(0, 100, width):
        high = low + width
        condition = Q(total__gte=low) & (Q(total__lt=high) if high < 100 else Q(total__lte=100))
        aggregates[f"bin_{low}"] = Count("pk", filter=condition)
    got = query.aggregate(**aggregates)
    ranked = got["ranked"]
    median = None
    if ranked:
        middle = list(query.exclude(total=None).order_by("total").values_list("total", flat=True)
                      [(ranked - 1) // 2:ranked // 2 + 1])
        median = sum(_decimal(v) for v in middle) / len(middle)
    bins = [(low, low + width, got[f"bin_{low}"]) for low in range(0, 100, width)]
    if ranked:  # from the lowest occupied bin, and at least 50–100 (levels E to AA), as queries.histogram
        lowest = min([b[0] for b in bins if b[2]] + [50])
        bins = [b for b in bins if b[0] >= lowest]
    else:
        bins = []
    mean = Decimal(int(got["hundredths"])) / 100 / ranked if ranked else None
    return Summary(count=got["count"], ranked=ranked, mean=mean,
                   median=median, max=_decimal(got["max"]), min=_decimal(got["min"]), passed=got.get("passed", 0),
                   with_previous=got["with_previous"],
                   levels={label: got[f"level_{i}"] for i, label in enumerate(level_labels)}, bins=bins)


def movers(query: QuerySet, n: int = 5) -> tuple[list[StandingRow], list[StandingRow]]:
    """The ``n`` largest rises and falls of the total since last year (two queries)."""
    risers = rows(query.filter(change__gt=0).order_by("-change", "agency__name_th")[:n])
    fallers = rows(query.filter(change__lt=0).order_by("change", "agency__name_th")[:n])
    return risers, fallers
