"""No oracle on unpublished results (issue 9 §5, security-reliability.md M9).

The attack: an officer re-imports its own result with chosen totals and reads its rank after each import; a
bisection finds the best unpublished total of the country in a dozen imports.  Before the round's results are
published, nothing an office can open (dashboard, analysis page, API rankings and results, documents) may carry a
rank, a percentile or a peer count; the central admin still sees everything, and after publication everyone does.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from prongsai.core.scoring import competition_ranks
from prongsai.core.tabular import Table
from prongsai.web.agencies.models import Agency, AgencyKind
from prongsai.web.api.services import issue_api_token
from prongsai.web.measures import analysis as analysis_view
from prongsai.web.results.models import AgencyResult, ResultSource
from prongsai.web.results.services import import_official_results, publish_results

pytestmark = pytest.mark.django_db

HEADER = ["agency", "year"] + [f"i{n}" for n in range(1, 11)]
#: the hidden totals of the other offices (one of them the country's best: 99.91, as in the review)
HIDDEN = ["99.91", "97.50", "95.40", "91.30", "88.80", "86.20", "83.10", "79.90", "75.00", "70.40"]
PROBES = ["50.00", "80.00", "90.00", "95.00", "99.00", "99.90", "99.95", "100.00"]


@pytest.fixture
def unpublished(cast):
    """Round 2563 (open, not published) holds ten other offices' results, hidden from สพป.สมุทรสาคร."""
    for i, total in enumerate(HIDDEN):
        agency = Agency.objects.create(
            code=f"ESA-HIDDEN-{i}",
            name_th=f"สพป.ลับ {i}",
            kind=AgencyKind.ESA,
            parent=cast.central_office,
            region="central" if i % 2 else "north",
        )
        AgencyResult.objects.create(
            round=cast.round_2563,
            agency=agency,
            source=ResultSource.OFFICIAL,
            total=Decimal(total),
            iit=Decimal(total),
            eit=Decimal(total),
            oit=Decimal(total),
            level="A",
        )
    return cast


def own_import(cast, score: str) -> None:
    import_official_results(
        cast.officer, cast.round_2563, Table("own.csv", HEADER, [[cast.samutsakhon.code, "2563"] + [score] * 10])
    )


def element(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</', html, re.DOTALL)
    assert match, f"no element with id={element_id}"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def observe(cast, who, own: str = "") -> dict:
    """Everything rank-like that ``who`` can read about สพป.สมุทรสาคร in round 2563 (``own``: its own total)."""
    client = Client()
    client.force_login(who)
    api = Client(headers={"Authorization": f"Bearer {issue_api_token(who, who, 'probe')}"})
    r = cast.round_2563
    dashboard = client.get(f"/agencies/{cast.samutsakhon.code}/?round={r.pk}").content.decode()
    analysis = client.get(reverse("measures_analysis", kwargs={"code": cast.samutsakhon.code, "round_id": r.pk}))
    rankings = api.get(f"/api/rounds/{r.pk}/rankings").json()["items"]
    regional = api.get(f"/api/rounds/{r.pk}/rankings", {"region": "central"}).json()["items"]
    results = api.get(f"/api/rounds/{r.pk}/results").json()["items"]
    own = next(x for x in rankings if x["agency"] == cast.samutsakhon.code)
    return {
        "dashboard rank": element(dashboard, "rank"),
        "analysis rank": element(analysis.content.decode(), "rank"),
        "API rank": own["rank"],
        "API regional rank": next(x for x in regional if x["agency"] == cast.samutsakhon.code)["rank"],
        "API rows": sorted(x["agency"] for x in rankings),
        "API results": sorted(x["agency"] for x in results),
        "documents rank": analysis_view.build(r, cast.samutsakhon).rank,
        "analysis (as viewer)": analysis_view.build(r, cast.samutsakhon, viewer=who).rank,
        "analysis peers": analysis_view.build(r, cast.samutsakhon, viewer=who).peers,
        "hidden totals shown": [t for t in HIDDEN if t != own and (t in dashboard or t in analysis.content.decode())],
    }


def test_the_bisection_attack_learns_nothing_before_publication(unpublished):
    cast = unpublished
    seen = []
    for score in PROBES:
        own_import(cast, score)
        for who in (cast.officer, cast.director, cast.viewer):
            seen.append(observe(cast, who, score))
    # whatever total the office imports, every rank-like answer is the same: absent
    differ = [{k: (o[k], seen[0][k]) for k in o if o[k] != seen[0][k]} for o in seen if o != seen[0]]
    assert not differ, differ[:2]
    assert seen[0] == {
        "dashboard rank": "–",
        "analysis rank": "–",
        "API rank": None,
        "API regional rank": None,
        "API rows": [cast.samutsakhon.code],
        "API results": [cast.samutsakhon.code],
        "documents rank": None,
        "analysis (as viewer)": None,
        "analysis peers": 0,
        "hidden totals shown": [],
    }


def test_the_dashboard_says_why_there_is_no_rank(client, unpublished):
    cast = unpublished
    own_import(cast, "90.00")
    client.force_login(cast.officer)
    html = client.get(f"/agencies/{cast.samutsakhon.code}/?round={cast.round_2563.pk}").content.decode()
    assert element(html, "rank") == "–" and 'id="rank-note"' in html
    assert element(html, "total") == "90.00"  # its own figures are all there
    assert "จาก 11" not in html and "11" not in element(html, "rank-note")


def test_central_admin_sees_the_ranks_before_publication(unpublished):
    cast = unpublished
    ranks = []
    for score in ("80.00", "99.95"):
        own_import(cast, score)
        seen = observe(cast, cast.central)
        ranks.append(seen["dashboard rank"])
        totals = [Decimal(t) for t in HIDDEN] + [Decimal(score)]
        expected = competition_ranks(totals)[-1]
        assert seen["API rank"] == expected and seen["analysis (as viewer)"] == expected
        assert seen["documents rank"] is None  # documents go to the agency: no rank before publication
        assert len(seen["API rows"]) == 11
    assert ranks == ["ลำดับที่ 8 จาก 11", "ลำดับที่ 1 จาก 11"]


def test_after_publication_every_page_shows_the_core_rank(unpublished):
    cast = unpublished
    own_import(cast, "97.50")
    publish_results(cast.central, cast.round_2563)
    cast.round_2563.refresh_from_db()
    totals = [Decimal(t) for t in HIDDEN] + [Decimal("97.50")]
    expected = competition_ranks(totals)[-1]  # 2, tied with one hidden office
    assert expected == 2
    seen = observe(cast, cast.officer)
    assert seen["dashboard rank"] == f"ลำดับที่ {expected} จาก 11"
    assert seen["analysis rank"] == f"ลำดับที่ {expected} จาก 11"
    assert seen["API rank"] == expected and seen["documents rank"] == expected
    assert len(seen["API rows"]) == 11
    regional = [Decimal(t) for i, t in enumerate(HIDDEN) if i % 2] + [Decimal("97.50")]
    assert seen["API regional rank"] == competition_ranks(regional)[-1]


def test_the_document_pack_carries_no_rank_of_an_unpublished_year(unpublished):
    """The pack of 2564 analyses the 2563 result: its sentence "เป็นลำดับที่ …" appears only once 2563 is
    published."""
    from prongsai.web.documents import pack
    from prongsai.web.rounds.models import AssessmentRound

    cast = unpublished
    own_import(cast, "97.50")
    working = AssessmentRound.objects.create(framework_id="ita-2564", fiscal_year=2564, name_th="ITA 2564")
    data = pack.gather(working, cast.samutsakhon)
    assert data.analysed_round == cast.round_2563 and data.analysis.rank is None
    assert pack.to_pack_input(data).rank is None
    publish_results(cast.central, cast.round_2563)
    data = pack.gather(working, cast.samutsakhon)
    assert data.analysis.rank == 2 and pack.to_pack_input(data).rank == 2
