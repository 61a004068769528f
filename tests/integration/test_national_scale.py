"""National pages at any size: stored standings, ranks equal to the core's, filters and pages, query counts that do
not grow with the number of agencies (issue 14 §2).  Timings live in bench/national.py, never here."""

from __future__ import annotations

import csv
import io
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from prongsai.core.analysis import peer_position
from prongsai.core.scoring import competition_ranks, ranks_within
from prongsai.web.agencies.models import Agency, AgencyKind
from prongsai.web.results import standings
from prongsai.web.results.models import AgencyResult, ResultSource, Standing, StandingState
from prongsai.web.rounds.models import AssessmentRound, RoundStatus

pytestmark = pytest.mark.django_db

REGIONS = ["north", "northeast", "central", "south"]
PROVINCES = ["เชียงใหม่", "ขอนแก่น", "นครปฐม", "สงขลา"]
NAMES = ["บ้านหนองแก้ว", "วัดท่าทอง", "บ้านดอนใหญ่", "บ้านโคกงาม"]


def school_rounds(cast):
    previous = AssessmentRound.objects.create(
        framework_id="ita-2563-school",
        fiscal_year=2562,
        name_th="สถานศึกษา 2562",
        status=RoundStatus.CLOSED,
        results_published=True,
    )
    current = AssessmentRound.objects.create(
        framework_id="ita-2563-school",
        fiscal_year=2563,
        name_th="สถานศึกษา 2563",
        status=RoundStatus.CLOSED,
        results_published=True,
    )
    return previous, current


def add_schools(cast, current, previous, start: int, count: int, seed: int = 7) -> list[Agency]:
    """``count`` schools under the two offices, with results this year and last (ties on purpose: totals on a
    coarse grid), some without a total; bulk writes, so the standings are invalidated by hand as bulk writers do."""
    rng = random.Random(seed + start)
    parents = [cast.samutsakhon, cast.other_office]
    schools = []
    for i in range(start, start + count):
        parent = parents[i % 2]
        agency = Agency(
            code=f"SCH-{i:05d}",
            name_th=f"โรงเรียน{NAMES[i % 4]} {i}",
            kind=AgencyKind.SCHOOL,
            parent=parent,
            province=PROVINCES[i % 4],
            region=REGIONS[i % 4],
            path=f"{parent.path}x{i}/",
        )
        schools.append(agency)
    Agency.objects.bulk_create(schools)
    results = []
    for i, agency in enumerate(schools):
        total = None if i % 37 == 5 else Decimal(rng.choice(range(7000, 9900, 25))) / 100
        level = "" if total is None else ("A" if total >= 85 else "B")
        results.append(
            AgencyResult(
                round=current,
                agency=agency,
                total=total,
                level=level,
                iit=total,
                eit=total,
                oit=total,
                source=ResultSource.OFFICIAL,
            )
        )
        if i % 3:
            before = Decimal(rng.choice(range(7000, 9900, 50))) / 100
            results.append(
                AgencyResult(round=previous, agency=agency, total=before, level="B", source=ResultSource.OFFICIAL)
            )
    AgencyResult.objects.bulk_create(results)
    standings.invalidate_round(current.pk)
    standings.invalidate_round(previous.pk)
    return schools


def count_queries(client, url: str) -> int:
    client.get(url)  # the first view after a change rebuilds the standings; the count is of a current page
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)  # a streamed export runs its queries while it is read
    assert response.status_code == 200, url
    return len(context.captured_queries)


def test_query_counts_do_not_grow_with_the_number_of_agencies(client, cast):
    previous, current = school_rounds(cast)
    school = Agency.objects.create(
        code="SCH-OWN", name_th="โรงเรียนของเขต", kind=AgencyKind.SCHOOL, parent=cast.samutsakhon, region="central"
    )
    AgencyResult.objects.create(round=current, agency=school, total=Decimal("88.00"), level="A")
    client.force_login(cast.central)
    officer = client.__class__()
    officer.force_login(cast.officer)
    api = client.__class__(headers={"Authorization": "Bearer " + _token(cast.central)})
    pages = {
        "national": (client, f"{reverse('national')}?round={current.pk}"),
        "national, filtered": (
            client,
            f"{reverse('national')}?round={current.pk}&region=north&level=A&q=บ้าน"
            f"&parent={cast.samutsakhon.code}&province=เชียงใหม่&page=2",
        ),
        "national, ESA offices": (client, f"{reverse('national')}?round={cast.round_2562.pk}&kind=esa"),
        "CSV export": (client, f"{reverse('national_export', kwargs={'fmt': 'csv'})}?round={current.pk}"),
        "XLSX export": (
            client,
            f"{reverse('national_export', kwargs={'fmt': 'xlsx'})}?round={current.pk}&region=south",
        ),
        "API ranking": (api, f"/api/rounds/{current.pk}/rankings?kind=school&limit=100"),
        "API ranking, region": (api, f"/api/rounds/{current.pk}/rankings?region=north&limit=50&offset=10"),
        "school dashboard": (client, f"/agencies/{school.code}/?round={current.pk}"),
        "school dashboard, officer": (officer, f"/agencies/{school.code}/?round={current.pk}"),
        "office dashboard": (officer, f"/agencies/{cast.samutsakhon.code}/?round={cast.round_2562.pk}"),
    }
    add_schools(cast, current, previous, 0, 20)
    small = {name: count_queries(c, url) for name, (c, url) in pages.items()}
    add_schools(cast, current, previous, 20, 180)
    assert Standing.objects.filter(round=current).count() < 200  # not rebuilt yet: the first view rebuilds
    large = {name: count_queries(c, url) for name, (c, url) in pages.items()}
    assert Standing.objects.filter(round=current).count() == 201
    assert large == small
    # the office's own dashboard also shows its ITA officer's checklist of what is due in the open round
    # (prongsai/web/notifications/checklist.py): the open round, then one query per table the rules read (OIT
    # entries, deadlines, headcounts, measures with their reports, approved documents), whatever the number of
    # agencies; responses and the assessor's deadline only once headcounts or clarifications exist
    assert small["office dashboard"] <= 11 + 6, small
    assert max(v for name, v in small.items() if name != "office dashboard") <= 11, small


def _token(user) -> str:
    from prongsai.web.api.services import issue_api_token

    return issue_api_token(user, user, "tests")


def test_ranks_equal_the_core_competition_ranking_in_every_peer_group(client, cast):
    previous, current = school_rounds(cast)
    schools = add_schools(cast, current, previous, 0, 120)
    # a computed result beside an official one does not count twice; a computed one alone counts
    AgencyResult.objects.create(
        round=current, agency=schools[0], source=ResultSource.COMPUTED, total=Decimal("10.00"), level="F"
    )
    lone = Agency.objects.create(
        code="SCH-COMPUTED", name_th="โรงเรียนคำนวณ", kind=AgencyKind.SCHOOL, parent=cast.samutsakhon, region="north"
    )
    AgencyResult.objects.create(
        round=current, agency=lone, source=ResultSource.COMPUTED, total=Decimal("90.00"), level="A"
    )
    standings.ensure(current)
    effective = {s.agency_id: s for s in Standing.objects.filter(round=current)}
    assert len(effective) == 121
    assert effective[schools[0].pk].source == ResultSource.OFFICIAL and effective[lone.pk].source == "computed"
    rows = list(effective.values())
    totals = [s.total for s in rows]
    assert [s.rank for s in rows] == competition_ranks(totals)
    assert [s.region_rank for s in rows] == ranks_within(totals, [s.region for s in rows])
    for s in rows:
        others = [o.total for o in rows if o.agency_id != s.agency_id]
        position = peer_position(s.total, others)  # the core's own view of one agency among its peers
        if s.total is None:
            assert position is None and s.rank is None and s.percentile is None
            continue
        assert (s.rank, s.peers) == (position.rank, position.count)
        assert s.percentile == position.percentile_rounded
    ties = [s for s in rows if sum(1 for o in rows if o.total == s.total) > 1 and s.total is not None]
    assert ties, "the data must contain ties for this test to mean something"
    # the page, the export and the API show these very ranks
    client.force_login(cast.central)
    shown = client.get(reverse("national"), {"round": current.pk, "per_page": 100}).context["rows"]
    assert [(r.code, r.rank) for r in shown] == [(s.code, s.rank) for s in sorted(rows, key=lambda s: s.position)][:100]
    api = client.get(f"/api/rounds/{current.pk}/rankings", {"region": "north", "limit": 500}).json()["items"]
    assert {(x["agency"], x["rank"]) for x in api} == {(s.code, s.region_rank) for s in rows if s.region == "north"}
    exported = _csv(client, {"round": current.pk})
    assert {(line[1], line[0]) for line in exported[1:]} == {(s.code, str(s.rank or "")) for s in rows}


def _csv(client, params) -> list[list[str]]:
    response = client.get(reverse("national_export", kwargs={"fmt": "csv"}), params)
    assert response.status_code == 200 and response.streaming
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_filters_search_and_pages(client, cast):
    previous, current = school_rounds(cast)
    add_schools(cast, current, previous, 0, 130)
    client.force_login(cast.central)
    url = reverse("national")

    def shown(**params):
        response = client.get(url, {"round": current.pk, **params})
        assert response.status_code == 200
        return response

    everything = Standing.objects.filter(round=current, kind="school")
    first = shown()
    assert first.context["count"] == 130 and first.context["pages"] == 3 and len(first.context["rows"]) == 50
    assert [r.code for r in shown(page=2).context["rows"]] == list(
        everything.order_by("position").values_list("code", flat=True)[50:100]
    )
    assert len(shown(page=99).context["rows"]) == 30  # past the end: the last page
    assert len(shown(per_page=100).context["rows"]) == 100
    assert len(shown(per_page=7).context["rows"]) == 50  # only 50 or 100
    for params, expected in (
        ({"region": "north"}, everything.filter(region="north")),
        ({"province": "ขอนแก่น"}, everything.filter(province="ขอนแก่น")),
        ({"parent": cast.other_office.code}, everything.filter(parent=cast.other_office.code)),
        ({"level": "A"}, everything.filter(level="A")),
        ({"q": "หนองแก้ว"}, everything.filter(name_th__contains="หนองแก้ว")),
        ({"q": "sch-0001"}, everything.filter(code__startswith="SCH-0001")),
        ({"region": "south", "level": "B", "q": "ดอน"}, everything.none()),
    ):
        response = shown(**params, per_page=100)
        codes = [r.code for r in response.context["rows"]]
        assert codes == list(expected.order_by("position").values_list("code", flat=True)[:100]), params
        assert response.context["count"] == expected.count()
        assert all(
            r.rank == s
            for r, s in zip(response.context["rows"], expected.order_by("position").values_list("rank", flat=True))
        )
    # a filtered view keeps each school's national rank; the summary covers the filtered rows
    north = shown(region="north")
    assert north.context["summary"]["count"] == everything.filter(region="north").exclude(total=None).count()
    # unknown filter values are ignored, not errors
    assert shown(region="mars", province="ไม่มี", parent="NOPE", level="Z").context["count"] == 130
    assert client.get(url, {"round": 999999}).status_code == 404
    # the export holds every filtered row, not one page
    assert len(_csv(client, {"round": current.pk, "region": "north"})) == everything.filter(region="north").count() + 1


def test_summary_is_exact_and_the_histogram_matches_the_rows(client, cast):
    previous, current = school_rounds(cast)
    add_schools(cast, current, previous, 0, 61)
    standings.ensure(current)
    query = standings.ranking(current, "school")
    got = standings.summary(query, ["A", "B"], Decimal(85))
    totals = sorted(s.total for s in query if s.total is not None)
    assert got.ranked == len(totals) and got.count == 61
    assert got.mean == sum(totals) / len(totals)
    middle = len(totals) // 2
    assert got.median == (totals[middle] if len(totals) % 2 else (totals[middle - 1] + totals[middle]) / 2)
    assert (got.min, got.max) == (totals[0], totals[-1])
    assert got.passed == sum(1 for t in totals if t >= 85)
    assert sum(n for *_bin, n in got.bins) == len(totals)
    for low, high, n in got.bins:
        assert n == sum(1 for t in totals if low <= t < high or (high == 100 and t == 100))
    assert got.levels == {"A": query.filter(level="A").count(), "B": query.filter(level="B").count()}


def test_standings_follow_every_change(client, cast):
    """A result saved or deleted, an agency moved to another region, last year's result changed, an import:
    the next reader sees the change, without anyone rebuilding by hand."""
    r = cast.round_2562
    state = standings.ensure(r)
    assert state.facets["esa"]["rows"] == 2
    skn = lambda: Standing.objects.get(round=r, agency=cast.samutsakhon)  # noqa: E731
    assert (skn().rank, skn().region_rank) == (1, 1)
    other = AgencyResult.objects.get(round=r, agency=cast.other_office)
    other.total = Decimal("95.00")
    other.save()
    standings.ensure(r)
    assert skn().rank == 2
    cast.other_office.region = "north"
    cast.other_office.save()
    standings.ensure(r)
    assert (skn().rank, skn().region_rank, skn().region_peers) == (2, 1, 1)
    other.delete()
    standings.ensure(r)
    assert (skn().rank, skn().peers) == (1, 1)
    # next year's change since last year follows last year's result
    AgencyResult.objects.create(round=cast.round_2563, agency=cast.samutsakhon, total=Decimal("92.00"), level="A")
    standings.ensure(cast.round_2563)
    this_year = lambda: Standing.objects.get(round=cast.round_2563, agency=cast.samutsakhon)  # noqa: E731
    assert this_year().change == Decimal("0.75")
    last = AgencyResult.objects.get(round=r, agency=cast.samutsakhon)
    last.total = Decimal("90.00")
    last.save()
    standings.ensure(cast.round_2563)
    assert this_year().change == Decimal("2.00")
    # an import leaves the standings current: no rebuild is left for the first reader
    from prongsai.core.tabular import Table
    from prongsai.web.results.services import import_official_results

    header = ["agency", "year"] + [f"i{n}" for n in range(1, 11)]
    import_official_results(
        cast.central, cast.round_2563, Table("r.csv", header, [[cast.other_office.code, "2563"] + ["97.00"] * 10])
    )
    state = StandingState.objects.get(round=cast.round_2563)
    assert state.version == state.built_version
    assert Standing.objects.get(round=cast.round_2563, agency=cast.other_office).rank == 1


def test_a_write_during_a_rebuild_leaves_the_round_stale(cast, monkeypatch):
    """The rebuild records the version it read before computing: a result written while it computes (from
    another process) is not lost, the next reader rebuilds again."""
    r = cast.round_2562
    standings.ensure(r)
    real = standings.compute

    def compute_then_someone_writes(round_):
        computed = real(round_)
        AgencyResult.objects.filter(round=r, agency=cast.other_office).update(total=Decimal("99.00"))
        standings.invalidate_round(r.pk)  # what the other writer's transaction does
        return computed

    standings.invalidate_round(r.pk)
    monkeypatch.setattr(standings, "compute", compute_then_someone_writes)
    standings.ensure(r)
    monkeypatch.setattr(standings, "compute", real)
    state = StandingState.objects.get(round=r)
    assert state.version != state.built_version  # still stale
    assert Standing.objects.get(round=r, agency=cast.other_office).total == Decimal("80.00")
    standings.ensure(r)
    assert Standing.objects.get(round=r, agency=cast.other_office).total == Decimal("99.00")


def test_national_page_renders_pages_and_filters(client, cast):
    previous, current = school_rounds(cast)
    add_schools(cast, current, previous, 0, 75)
    client.force_login(cast.central)
    html = client.get(reverse("national"), {"round": current.pk, "region": "north"}).content.decode()
    assert 'name="q"' in html and 'name="province"' in html and 'name="parent"' in html and 'name="level"' in html
    assert "สพป.สมุทรสาคร" in html  # the parent offices are choices
    html = client.get(reverse("national"), {"round": current.pk}).content.decode()
    assert 'rel="next"' in html and "page=2" in html and 'id="showing"' in html
    assert "1–50" in html


def test_api_pages_of_a_ranking_cover_it_exactly_once(client, cast):
    previous, current = school_rounds(cast)
    add_schools(cast, current, previous, 0, 123)
    client.force_login(cast.central)
    standings.ensure(current)
    expected = list(
        Standing.objects.filter(round=current, kind="school").order_by("position").values_list("code", "rank")
    )
    for params in ({"kind": "school"}, {"kind": "school", "region": "north"}, {"kind": "school", "source": "official"}):
        whole = [
            x
            for x in expected
            if "region" not in params or Standing.objects.get(round=current, code=x[0]).region == "north"
        ]
        got, count = [], None
        for offset in range(0, 200, 50):
            body = client.get(f"/api/rounds/{current.pk}/rankings", {**params, "limit": 50, "offset": offset}).json()
            count = body["count"]
            got += [x["agency"] for x in body["items"]]
        assert got == [code for code, _rank in whole] and count == len(whole), params
    body = client.get(f"/api/rounds/{current.pk}/rankings", {"kind": "school", "limit": 3, "offset": 120}).json()
    assert [(x["agency"], x["rank"]) for x in body["items"]] == expected[120:123] and body["count"] == 123
