"""Read-side queries for the dashboards: effective results, last year's results, rounds with results.

Nothing here writes.  Every function is a fixed, small number of queries (``values()`` rows, no per-agency
lookups).  Ranks, percentiles and changes since last year are stored per round by ``standings``, which uses
``_effective`` and ``percentile_rank`` from here.

An agency's *effective* result in a round is its official (imported) result, or the result Prongsai computed
where no official one exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

from prongsai.core.framework import FrameworkError
from prongsai.core.scoring import rounded
from prongsai.web.agencies import access
from prongsai.web.agencies.models import Agency
from prongsai.web.results.models import AgencyResult, ResultSource
from prongsai.web.rounds.models import AssessmentRound

#: official beats computed when both exist
_SOURCE_PRIORITY = {ResultSource.OFFICIAL: 0, ResultSource.COMPUTED: 1}

_RESULT_FIELDS = ("id", "round_id", "source", "indicators", "iit", "eit", "oit", "total", "level")


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _effective(rows: Iterable[dict]) -> dict[int, dict]:
    """One row per agency: the official result where there is one, else the computed one."""
    chosen: dict[int, dict] = {}
    for row in rows:
        current = chosen.get(row["agency_id"])
        if current is None or _SOURCE_PRIORITY.get(row["source"], 9) < _SOURCE_PRIORITY.get(current["source"], 9):
            chosen[row["agency_id"]] = row
    return chosen


def percentile_rank(rank: int | None, ties: int, peers: int) -> Decimal | None:
    """Mid-rank percentile: the share of peers scoring below, counting tied peers as half (0–100, 2 places).

    The top of 225 distinct totals is 99.78, the bottom 0.22, a lone agency 50.00.
    """
    if rank is None or peers <= 0:
        return None
    below = peers - (rank - 1) - ties
    # exact, then half-up like every published figure (and core.analysis.PeerPosition): 1 of 16 is 3.125 → 3.13
    return rounded(Fraction(2 * below + ties, 2) * 100 / peers)


def previous_year_results(
    fiscal_year: int, *, kind: str | None = None, agency: Agency | None = None
) -> dict[int, dict]:
    """Effective results of fiscal year − 1 (any round of that year) by agency id: one query."""
    query = AgencyResult.objects.filter(round__fiscal_year=fiscal_year - 1)
    if kind:
        query = query.filter(agency__kind=kind)
    if agency is not None:
        query = query.filter(agency=agency)
    return _effective(query.values(*_RESULT_FIELDS, "agency_id").order_by("-round_id"))


def effective_result(round_: AssessmentRound, agency: Agency) -> AgencyResult | None:
    results = sorted(
        AgencyResult.objects.filter(round=round_, agency=agency), key=lambda r: _SOURCE_PRIORITY.get(r.source, 9)
    )
    return results[0] if results else None


def rounds_with_results(agency: Agency) -> list[AssessmentRound]:
    """Rounds in which the agency has a result, latest fiscal year first (one query)."""
    ids = AgencyResult.objects.filter(agency=agency).order_by().values("round_id")
    return list(AssessmentRound.objects.filter(pk__in=ids).order_by("-fiscal_year", "-pk"))


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
    return list(
        access.agencies_for(user, access.MANAGE_ROLES).filter(kind__in=kinds, is_active=True).order_by("kind", "code")
    )
