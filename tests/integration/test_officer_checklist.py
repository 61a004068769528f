"""The ITA officer's checklist on the agency dashboard: one test per rule, then the page.

Story: the 2563 round of สพป.สมุทรสาคร carries the edition's calendar (OIT due 31 July 2563); a week before,
the officer opens the dashboard and sees what is still due, with the days left."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from prongsai.web.notifications import checklist as rules
from prongsai.web.notifications.services import seed_round_calendar
from prongsai.web.oit import services as oit
from prongsai.web.oit.models import OITEntry
from tests.cast import PASSWORD

pytestmark = pytest.mark.django_db
WEEK_BEFORE_OIT = date(2020, 7, 24)


@pytest.fixture
def year(cast):
    seed_round_calendar(cast.central, cast.round_2563)
    return rules.Context(round=cast.round_2563, agency=cast.samutsakhon, today=WEEK_BEFORE_OIT)


def again(ctx: rules.Context) -> rules.Context:
    """The next page's context: one context reads each table once (one page's view), so a change shows on the next."""
    return rules.Context(ctx.round, ctx.agency, ctx.today)


def _submit(cast, *codes):
    for code in codes:
        oit.add_link(cast.officer, cast.round_2563, cast.samutsakhon, code, f"https://www.example.go.th/{code}")
        oit.set_ready(cast.officer, cast.round_2563, cast.samutsakhon, code)
    oit.submit_items(cast.officer, cast.round_2563, cast.samutsakhon)


def test_oit_items_not_submitted_count_down_as_the_officer_submits(cast, year):
    rule = rules.OITItemsNotSubmitted()
    total = len(cast.round_2563.framework.oit_items)
    line = rule.line(year)
    assert (line.count, line.due_on, line.days_left, line.state) == (total, date(2020, 7, 31), 7, "soon")
    _submit(cast, "O1", "O2")
    assert rule.count(year) == total  # the page already shown
    assert rule.count(again(year)) == total - 2
    # the second office's submissions do not count for สพป.สมุทรสาคร
    assert (
        rules.OITItemsNotSubmitted().count(rules.Context(cast.round_2563, cast.other_office, WEEK_BEFORE_OIT)) == total
    )


def test_sample_not_reached_appears_once_headcounts_give_a_minimum(cast, year):
    from prongsai.web.surveys.queries import minimum_for
    from prongsai.web.surveys.services import set_headcounts

    rule = rules.SampleNotReached()
    assert rule.line(year) is None  # no headcounts: no minimum to miss yet
    set_headcounts(cast.officer, cast.round_2563, cast.samutsakhon, {("IIT", "staff"): 68, ("EIT", "teachers"): 500})
    framework = cast.round_2563.framework
    expected = minimum_for(framework, "IIT", 68, cast.samutsakhon) + minimum_for(
        framework, "EIT", 500, cast.samutsakhon
    )
    line = rule.line(year)
    assert line.count == expected > 0
    assert line.due_on == date(2020, 7, 31)  # the end of the IIT/EIT window in the 2563 calendar


def test_clarifications_asked_by_the_assessor_are_due_by_the_assessors_deadline(cast, year):
    round_, agency = cast.round_2563, cast.samutsakhon
    oit.assign_assessor(cast.central, round_, agency, cast.assessor)
    _submit(cast, "O4", "O5")
    oit.record_oit_review(
        cast.assessor, OITEntry.objects.get(agency=agency, code="O5"), elements=["a"], comment="ไม่ครบ"
    )
    rule = rules.ClarificationsUnanswered()
    assert rule.line(year) is None
    deadline = timezone.localdate() + timedelta(days=5)
    oit.open_clarification(cast.assessor, round_, agency, deadline)
    today = rules.Context(round_, agency, timezone.localdate())
    line = rule.line(today)
    assert (line.count, line.due_on, line.days_left) == (1, deadline, 5)
    oit.submit_clarification(cast.officer, OITEntry.objects.get(agency=agency, code="O5"), "แก้ไขแล้ว")
    assert rule.line(again(today)) is None


def test_six_and_twelve_month_reports_missing_per_measure(cast, year):
    from prongsai.web.measures.models import Measure, ProgressReport

    measures = [
        Measure.objects.create(round=cast.round_2563, agency=cast.samutsakhon, title=t, order=i)
        for i, t in enumerate(["ด้านการเปิดเผยข้อมูล", "ด้านการป้องกันการทุจริต"])
    ]
    Measure.objects.create(round=cast.round_2563, agency=cast.other_office, title="ของเขตอื่น")
    six, twelve = rules.ReportsMissing(6), rules.ReportsMissing(12)
    assert (six.count(year), twelve.count(year)) == (2, 2)
    ProgressReport.objects.create(measure=measures[0], unit=cast.unit, period=6, text="ดำเนินการแล้ว")
    year = again(year)
    assert (six.count(year), twelve.count(year)) == (1, 2)
    assert six.line(year).due_on == date(2020, 4, 30)
    assert twelve.line(year).due_on == date(2020, 10, 31)  # after the fiscal year ends


def test_documents_not_final_until_the_director_approves_each_kind(cast, year, settings, tmp_path):
    from prongsai.web.documents import services, signoff
    from prongsai.web.documents.models import DocumentKind

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    rule = rules.DocumentsNotFinal()
    assert rule.count(year) == len(DocumentKind.values) == 5
    (memo,) = services.generate_pack(
        cast.officer, cast.round_2563, cast.samutsakhon, kinds=["memo"], with_zip=False
    ).versions
    assert rule.count(year) == 5  # a generated draft is not final
    proposed = signoff.propose(cast.officer, memo)
    assert rule.count(year) == 5  # nor a proposed one
    signoff.approve(cast.director, proposed)
    assert rule.count(year) == 4  # the approved memo is


def test_the_dashboard_lists_what_is_due_with_days_left_most_urgent_first(cast, year, client):
    from prongsai.web.measures.models import Measure

    Measure.objects.create(round=cast.round_2563, agency=cast.samutsakhon, title="ด้านการเปิดเผยข้อมูล")
    lines = rules.checklist(cast.round_2563, cast.samutsakhon, WEEK_BEFORE_OIT)
    assert [(ln.key, ln.state, ln.days_left) for ln in lines] == [
        ("report_6m", "overdue", -85),
        ("oit_not_submitted", "soon", 7),
        ("documents_not_final", "soon", 7),
        ("report_12m", "later", 99),
    ]

    client.login(username="officer", password=PASSWORD)
    page = client.get(f"/agencies/{cast.samutsakhon.code}/").content.decode()
    assert 'id="checklist"' in page
    total = len(cast.round_2563.framework.oit_items)
    assert f"OIT ที่ยังไม่ส่ง {total} ข้อ" in page
    assert 'data-rule="report_6m"' in page and 'data-rule="documents_not_final"' in page
    # the second office's officer sees its own checklist, not สพป.สมุทรสาคร's measure
    client.login(username="other_officer", password=PASSWORD)
    other = client.get(f"/agencies/{cast.other_office.code}/").content.decode()
    assert 'id="checklist"' in other and 'data-rule="report_6m"' not in other
