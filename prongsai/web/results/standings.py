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

from django.db import connection, transaction
from django.db.models import Count, Exists, F, Q, QuerySet, Subquery
from django.utils import timezone

from prongsai.core.framework import FrameworkError
from prongsai.core.scoring import ranks_within
from prongsai.web import bulk
from prongsai.web.results.models import AgencyResult, Standing, StandingState
from prongsai.web.results.queries import _decimal, _effective, percentile_rank
from prongsai.web.rounds.models import AssessmentRound

# -------------------------------------------------------------------------------------------- invalidation


def invalidate_round(round_id: int) -> None:
    """Mark the standings of round ``round_id`` and of the following fiscal year's rounds as stale (one UPDATE)."""
    next_year = Subquery(AssessmentRound.objects.filter(pk=round_id).values("fiscal_year")[:1]) + 1
    StandingState.objects.filter(Q(round_id=round_id) | Q(round__fiscal_year=next_year)).update(
        version=F("version") + 1
    )


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

ANALYZE_FROM = 1000  # rows written by a rebuild from which PostgreSQL's statistics are refreshed


def ensure(round_: AssessmentRound) -> StandingState:
    """Make the round's standings current and return their state: one query when they are, a rebuild when
    they are not."""
    state = StandingState.objects.filter(round=round_).first()
    if state is None or state.version != state.built_version:
        rebuild(round_)
        state = StandingState.objects.get(round=round_)
    return state


_RESULT_FIELDS = (
    "agency_id",
    "source",
    "total",
    "iit",
    "eit",
    "oit",
    "level",
    "agency__kind",
    "agency__region",
    "agency__code",
    "agency__name_th",
    "agency__name_en",
    "agency__short_name",
    "agency__subkind",
    "agency__province",
    "agency__parent__code",
    "agency__parent__short_name",
    "agency__parent__name_th",
)
#: the columns ``compute`` fills, in order (everything but the id)
COLUMNS = (
    "round",
    "agency",
    "source",
    "code",
    "name_th",
    "name_en",
    "short_name",
    "kind",
    "subkind",
    "region",
    "province",
    "parent",
    "search",
    "iit",
    "eit",
    "oit",
    "total",
    "level",
    "rank",
    "peers",
    "percentile",
    "region_rank",
    "region_peers",
    "previous_total",
    "change",
    "position",
)
AT = {name: i for i, name in enumerate(COLUMNS)}


def compute(round_: AssessmentRound) -> tuple[list[tuple], dict]:
    """The round's standings as rows in the order of ``COLUMNS``, and the facets per kind: two reads, then ranks
    with the core's functions."""
    rows = list(_effective(AgencyResult.objects.filter(round=round_).order_by().values(*_RESULT_FIELDS)).values())
    previous = _effective(
        AgencyResult.objects.filter(round__fiscal_year=round_.fiscal_year - 1)
        .order_by("-round_id")
        .values("agency_id", "source", "total")
    )
    totals = [_decimal(r["total"]) for r in rows]
    kinds = [r["agency__kind"] for r in rows]
    regions = [(r["agency__kind"], r["agency__region"] or "") for r in rows]
    ranks = ranks_within(totals, kinds)
    region_ranks = ranks_within(totals, regions)
    peers: dict[object, int] = {}
    ties: dict[object, int] = {}
    for kind, region, total in zip(kinds, regions, totals):
        if total is not None:
            peers[kind] = peers.get(kind, 0) + 1
            peers[region] = peers.get(region, 0) + 1
            ties[(kind, total)] = ties.get((kind, total), 0) + 1
    order = sorted(range(len(rows)), key=lambda i: (kinds[i], ranks[i] is None, ranks[i] or 0, rows[i]["agency__code"]))
    positions = [0] * len(rows)
    counters: dict[str, int] = {}
    for i in order:
        counters[kinds[i]] = positions[i] = counters.get(kinds[i], 0) + 1
    percentiles: dict[tuple, Decimal | None] = {}  # one per kind and total: a few thousand, not 30,000
    for kind, total, rank in zip(kinds, totals, ranks):
        if rank is not None and (kind, total) not in percentiles:
            percentiles[(kind, total)] = percentile_rank(rank, ties[(kind, total)], peers[kind])
    out = []
    facets: dict[str, dict] = {}
    for i, r in enumerate(rows):
        kind, total, rank = kinds[i], totals[i], ranks[i]
        before = previous.get(r["agency_id"])
        previous_total = _decimal(before["total"]) if before else None
        names = (r["agency__code"], r["agency__name_th"], r["agency__name_en"] or "", r["agency__short_name"] or "")
        out.append(
            (
                round_.pk,
                r["agency_id"],
                r["source"],
                *names,
                kind,
                r["agency__subkind"] or "",
                regions[i][1],
                r["agency__province"] or "",
                r["agency__parent__code"] or "",
                " ".join(n for n in names if n).casefold(),
                _decimal(r["iit"]),
                _decimal(r["eit"]),
                _decimal(r["oit"]),
                total,
                r["level"] or "",
                rank,
                peers.get(kind, 0),
                percentiles.get((kind, total)) if rank else None,
                region_ranks[i],
                peers.get(regions[i], 0) if region_ranks[i] else 0,
                previous_total,
                total - previous_total if total is not None and previous_total is not None else None,
                positions[i],
            )
        )
        facet = facets.setdefault(kind, {"rows": 0, "subkinds": set(), "provinces": set(), "parents": {}})
        facet["rows"] += 1
        facet["subkinds"].add(r["agency__subkind"] or "")
        facet["provinces"].add(r["agency__province"] or "")
        if r["agency__parent__code"]:
            facet["parents"][r["agency__parent__code"]] = (
                r["agency__parent__short_name"] or r["agency__parent__name_th"]
            )
    try:
        framework = round_.framework
        labels, target = [lv.label for lv in framework.levels], framework.pass_target
    except FrameworkError:
        labels, target = [], None
    groups: dict[str, dict[tuple, list[int]]] = {}
    for row in out:
        # (mypy) the kind column holds the agency's kind code, a str
        group = groups.setdefault(row[AT["kind"]], {}).setdefault((row[AT["total"]], row[AT["level"]]), [0, 0])  # type: ignore[arg-type]
        group[0] += 1
        group[1] += row[AT["previous_total"]] is not None
    for kind, facet in facets.items():
        facet["summary"] = _summary_json(
            summarise(
                [(total, level, n, before) for (total, level), (n, before) in groups[kind].items()], labels, target
            )
        )
    for facet in facets.values():
        facet["subkinds"] = sorted(x for x in facet["subkinds"] if x)
        facet["provinces"] = sorted(x for x in facet["provinces"] if x)
        facet["parents"] = sorted(facet["parents"].items())
    return out, facets


def rebuild(round_: AssessmentRound, *, force: bool = False) -> int:
    """Recompute and store the round's standings; returns the number of rows.  Without ``force`` a rebuild that
    finds the version it read already stored by a concurrent one stops there."""
    StandingState.objects.get_or_create(round=round_)
    version = StandingState.objects.filter(round=round_).values_list("version", flat=True).get()
    rows, facets = compute(round_)  # outside the transaction: SQLite's write lock is held only for the writes
    with transaction.atomic():
        state = StandingState.objects.select_for_update().get(round=round_)
        if state.built_version >= version and not force:  # a concurrent rebuild stored this version already
            return state.rows
        Standing.objects.filter(round=round_).delete()  # one DELETE: nothing refers to standings
        # written in ranking order, so the rows of a page, filtered or not, lie together on disk
        bulk.insert(Standing, COLUMNS, sorted(rows, key=lambda row: (row[AT["kind"]], row[AT["position"]])))
        StandingState.objects.filter(round=round_).update(
            built_version=version, built_at=timezone.now(), rows=len(rows), facets=facets
        )
    if connection.vendor == "postgresql" and len(rows) >= ANALYZE_FROM:
        # fresh statistics after replacing thousands of rows, so the planner keeps using the ranking indexes
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Standing._meta.db_table)}")
    return len(rows)


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
        for field in ("region", "province", "subkind", "parent", "level"):
            if getattr(self, field):
                query = query.filter(**{field: getattr(self, field)})
        if self.q:
            query = query.filter(search__contains=self.q.casefold())
        return query

    def active(self) -> bool:
        return any((self.region, self.province, self.subkind, self.parent, self.level, self.q))


_ROW_FIELDS = (
    "code",
    "name_th",
    "name_en",
    "short_name",
    "kind",
    "subkind",
    "province",
    "region",
    "parent",
    "source",
    "iit",
    "eit",
    "oit",
    "total",
    "level",
    "rank",
    "peers",
    "percentile",
    "region_rank",
    "region_peers",
    "previous_total",
    "change",
    "position",
)


@dataclass
class StandingRow:
    """One row of a ranking as pages and exports show it."""

    code: str
    name_th: str
    name_en: str
    short_name: str
    kind: str
    subkind: str
    province: str
    region: str
    parent: str
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
    position: int

    @property
    def display_name(self) -> str:
        return self.short_name or self.name_th


def ranking(round_: AssessmentRound, kind: str | None = None, filters: Filters | None = None) -> QuerySet:
    """The round's standings (of one kind), filtered, in ranking order.  Call ``ensure`` first."""
    query = Standing.objects.filter(round=round_)
    if kind:
        query = query.filter(kind=kind)
    return (filters or Filters()).apply(query).order_by("kind", "position")


def rows(query: QuerySet) -> list[StandingRow]:
    return [StandingRow(*values) for values in query.values_list(*_ROW_FIELDS)]


def page(query: QuerySet, number: int, size: int, *, filtered: bool) -> list[StandingRow]:
    """One page of a ranking of one kind.  Unfiltered, positions are 1…n without gaps, so the page is the index
    range of its positions (no OFFSET to walk); filtered, it is an OFFSET into the filtered index order."""
    if not filtered:
        first = (number - 1) * size + 1
        return rows(query.filter(position__gte=first, position__lt=first + size))
    return rows(query[(number - 1) * size : number * size])


def iter_rows(query: QuerySet, chunk_size: int = 2000) -> Iterator[StandingRow]:
    """Every row of ``query``, fetched in chunks (a server-side cursor on PostgreSQL): memory stays flat."""
    for values in query.values_list(*_ROW_FIELDS).iterator(chunk_size=chunk_size):
        yield StandingRow(*values)


def agency_standing(round_: AssessmentRound, agency) -> Standing | None:
    """The agency's row of the round's current standings: one query when they are current (the row and whether
    its state is built, without the state's facets, which only the national page reads), else a rebuild."""
    built = StandingState.objects.filter(round=round_, version=F("built_version"))
    row = (
        Standing.objects.filter(round=round_, agency=agency)
        .only("rank", "peers", "percentile")
        .annotate(current=Exists(built))
        .first()
    )
    if row is not None and row.current:
        return row
    ensure(round_)
    return Standing.objects.filter(round=round_, agency=agency).only("rank", "peers", "percentile").first()


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


def summary(query: QuerySet, level_labels: list[str], pass_target: Decimal | None) -> Summary:
    """Counts, exact mean and median, extremes, levels and the histogram of ``query`` from one grouped query:
    one row per distinct (total, level), a few thousand at most at national size.  (The unfiltered summary of
    each kind is computed at rebuild time: ``stored_summary``.)"""
    groups = query.order_by().values_list("total", "level").annotate(n=Count("pk"), previous=Count("previous_total"))
    return summarise(groups, level_labels, pass_target)


def summarise(groups, level_labels: list[str], pass_target: Decimal | None, width: int = 5) -> Summary:
    """The summary of rows given as ``(total, level, rows, rows with a previous total)`` groups."""
    count = ranked = with_previous = passed = 0
    levels = {label: 0 for label in level_labels}
    totals: list[tuple[Decimal, int]] = []
    for total, level, n, before in groups:
        count += n
        with_previous += before
        if level:
            levels[level] = levels.get(level, 0) + n
        if total is None:
            continue
        total = _decimal(total)
        ranked += n
        totals.append((total, n))  # type: ignore[arg-type]  # not None: skipped above
        # (mypy) not None: skipped above
        if pass_target is not None and total >= pass_target:  # type: ignore[operator]
            passed += n
    totals.sort()
    mean = median = None
    bins: list[tuple[int, int, int]] = []
    if ranked:
        mean = sum(t * n for t, n in totals) / ranked
        middle, seen, picked = ((ranked - 1) // 2, ranked // 2), 0, []
        for total, n in totals:
            picked += [total for k in middle if seen <= k < seen + n]
            seen += n
        median = sum(picked) / len(picked)
        lowest = min(int(totals[0][0]) // width * width, 50)
        counts = {low: 0 for low in range(lowest, 100, width)}
        for total, n in totals:
            low = min(int(total) // width * width, 100 - width)
            counts[max(low, lowest)] += n
        bins = [(low, low + width, n) for low, n in counts.items()]
    # (mypy) sums of Decimals divided by an int are Decimals
    return Summary(
        count=count,
        ranked=ranked,
        mean=mean,  # type: ignore[arg-type]  # Decimals divided by an int are Decimals
        median=median,  # type: ignore[arg-type]  # the same
        max=totals[-1][0] if totals else None,
        min=totals[0][0] if totals else None,
        passed=passed,
        with_previous=with_previous,
        levels=levels,
        bins=bins,
    )


def _summary_json(summary: Summary) -> dict:
    text = {
        k: None if getattr(summary, k) is None else str(getattr(summary, k)) for k in ("mean", "median", "max", "min")
    }
    return {
        **text,
        "count": summary.count,
        "ranked": summary.ranked,
        "passed": summary.passed,
        "with_previous": summary.with_previous,
        "levels": list(summary.levels.items()),
        "bins": [list(b) for b in summary.bins],
    }


def stored_summary(state: StandingState, kind: str) -> Summary | None:
    """The unfiltered summary of ``kind`` computed by the last rebuild (None when the kind has no rows)."""
    stored = (state.facets.get(kind) or {}).get("summary")
    if stored is None:
        return None
    return Summary(
        count=stored["count"],
        ranked=stored["ranked"],
        mean=_decimal(stored["mean"]),
        median=_decimal(stored["median"]),
        max=_decimal(stored["max"]),
        min=_decimal(stored["min"]),
        passed=stored["passed"],
        with_previous=stored["with_previous"],
        levels=dict(stored["levels"]),
        bins=[tuple(b) for b in stored["bins"]],
    )


def movers(query: QuerySet, n: int = 5) -> tuple[list[StandingRow], list[StandingRow]]:
    """The ``n`` largest rises and falls of the total since last year: two short walks of the change index
    (round, kind, change, position), one from each end; equal changes list the better-ranked fall first and
    the lower-ranked rise first, the index's own order."""
    risers = rows(query.filter(change__gt=0).order_by("-change", "-position")[:n])
    fallers = rows(query.filter(change__lt=0).order_by("change", "position")[:n])
    return risers, fallers
