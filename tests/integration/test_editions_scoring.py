"""A 2569 agency scored in the web app from raw data, end to end: codes and forms (IIT/EIT), OIT 100/0 judged and
confirmed by the assessor, the level; and the 2569 demo round with 2567 evidence carried over."""

from __future__ import annotations

import io
from fractions import Fraction

import pytest
from django.test import TestCase
from django.urls import reverse

from prongsai.core.scoring import score_agency
from prongsai.web.oit import services as oit
from prongsai.web.oit.models import EntryStatus, OITEntry
from prongsai.web.results.models import AgencyResult, ResultSource
from prongsai.web.rounds.models import RoundStatus
from prongsai.web.rounds.services import create_round, set_round_status
from prongsai.web.surveys import services as surveys
from prongsai.web.surveys.ballot import MIN_RESPONDENTS
from prongsai.web.surveys.queries import minimum_sample
from tests.cast import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_2569_esa_office_scored_from_forms_and_oit_judgements(cast, client):
    round_ = create_round(cast.central, "ita-2569", 2569, variant="esa")
    set_round_status(cast.central, round_, RoundStatus.OPEN)
    fw = round_.framework
    assert fw.variant == "esa" and [g.code for g in fw.tool("EIT").groups][:2] == ["school_directors", "teachers"]

    # surveys: headcounts (EIT minimum from the agency-group rule's fallback: ESA offices are not in ITAS's table)
    surveys.set_headcounts(cast.officer, round_, cast.samutsakhon, {("IIT", "staff"): 40, ("EIT", "teachers"): 600})
    assert minimum_sample(round_, cast.samutsakhon) == {"IIT": 25, "EIT": 60}
    answers = {"IIT": [], "EIT": []}
    for tool, group in (("IIT", "staff"), ("EIT", "teachers")):
        fields = fw.answer_fields(tool)
        # two full batches of the ballot box, released as each fills (after the submit's commit, as in production)
        batch = surveys.generate_codes(cast.officer, round_, cast.samutsakhon, tool, group, 2 * MIN_RESPONDENTS)
        for r, code in enumerate(batch.codes):
            answer = {f.code: (r + i) % len(f.scale.options) for i, f in enumerate(fields)}
            with TestCase.captureOnCommitCallbacks(execute=True):
                surveys.submit_response(surveys.check_code(code), answer)
            answers[tool].append(answer)
    surveys.compute_survey_results(cast.officer, round_, cast.samutsakhon)

    # OIT: evidence for every item, submitted; the assessor passes all but two items (100/0), and confirms
    oit.assign_assessor(cast.central, round_, cast.samutsakhon, cast.assessor)
    for item in fw.oit_items:
        oit.add_link(cast.officer, round_, cast.samutsakhon, item.code, f"https://www.skn.go.th/ita/{item.shown_code}")
        oit.set_ready(cast.officer, round_, cast.samutsakhon, item.code, True)
    assert len(oit.submit_items(cast.officer, round_, cast.samutsakhon)) == 26
    failed = {"O2", "O21"}
    for entry in OITEntry.objects.filter(round=round_, agency=cast.samutsakhon):
        passed = entry.code not in failed
        oit.record_oit_review(cast.assessor, entry, passed=passed, comment="" if passed else "ไม่มีอีเมลผู้บริหาร")
        oit.confirm_review(cast.assessor, OITEntry.objects.get(pk=entry.pk))

    result = AgencyResult.objects.get(round=round_, agency=cast.samutsakhon, source=ResultSource.COMPUTED)
    expected = score_agency(fw, answers, {o.code: Fraction(0 if o.code in failed else 100) for o in fw.oit_items})
    assert result.total == expected.total_rounded and result.level == expected.level
    assert result.indicators["9"] == "94.44" and result.indicators["10"] == "87.50"  # 17/18 and 7/8
    assert result.oit == expected.tools_rounded["OIT"] and result.items["O2"] == "0.00"
    assert result.level in {lv.label for lv in fw.levels}

    # the officer's OIT page shows the display codes and the provisional marks of the 2569 list
    assert client.login(username="officer", password=PASSWORD)
    page = client.get(reverse("oit_agency", args=[round_.pk, cast.samutsakhon.code])).content.decode()
    assert ">o19</a>" in page and ">O19</a>" not in page
    assert page.count('class="tag provisional"') == sum(o.provisional for o in fw.oit_items)
    item = client.get(reverse("oit_item", args=[round_.pk, cast.samutsakhon.code, "O12"])).content.decode()
    assert "ข้อมูลปีงบประมาณ พ.ศ. 2568 (ปีงบประมาณก่อนปีที่ประเมิน)" in item  # o12: the previous year's report


def test_the_demo_carries_2567_evidence_into_the_2569_round(cast):
    from prongsai.web.editions.demo import load_editions_demo

    out = io.StringIO()
    assert load_editions_demo(out) is True
    assert load_editions_demo(io.StringIO()) is False  # idempotent
    r2569 = next(r for r in type(cast.round_2563).objects.filter(fiscal_year=2569))
    assert (r2569.framework_id, r2569.variant, r2569.status) == ("ita-2569", "esa", RoundStatus.OPEN)
    assert oit.previous_round(r2569).fiscal_year == 2567  # no 2568 round: the lineage reaches 2567 (ita-2566)
    carried = {
        e.code: e for e in OITEntry.objects.filter(round=r2569, agency=cast.samutsakhon).prefetch_related("links")
    }
    assert set(carried) == {"O1", "O2", "O3", "O4", "O15", "O19", "O20", "O25"}
    assert all(e.needs_recheck and e.status == EntryStatus.DRAFT for e in carried.values())
    urls = sorted(link.url.rstrip("/").rsplit("/", 1)[1] for link in carried["O1"].links.all())
    assert urls == ["y2567-o1", "y2567-o3"]  # 2566 O1 + O3 → 2569 o1
    assert [link.url.rstrip("/").rsplit("/", 1)[1] for link in carried["O19"].links.all()] == ["y2567-o30"]
    assert "o1, o2, o3, o4, o15, o19, o20, o25" in out.getvalue()
