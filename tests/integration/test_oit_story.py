"""The OIT demo story through the web pages, on the real task queue:

the ITA officer of สพป.สมุทรสาคร fills a few O-items; the link checks run on django-tasks' database queue,
executed by django-tasks-db's own worker (``prongsai.web.oit.tasks.run_pending_checks`` runs ``db_worker --batch``'s
Worker in this process); the officer sees a broken link flagged before submitting, fixes it and submits; the
central admin assigns the assessor; the assessor reviews and comments; the agency clarifies in round 2; the
assessor confirms; the confirmed scores flow into the computed AgencyResult (merged with survey indicators),
the agency dashboard and the public page.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from prongsai.web.audit.models import AuditEntry
from prongsai.web.oit.models import EntryStatus, EvidenceLink, LinkCheck, OITEntry, OITReview
from prongsai.web.oit.tasks import run_pending_checks
from prongsai.web.oit.testing import EvidenceServer
from prongsai.web.results.models import AgencyResult, ResultSource
from prongsai.web.results.services import publish_results

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    with EvidenceServer() as server:
        yield server


@pytest.fixture(autouse=True)
def oit_settings(settings, tmp_path):
    settings.PRONGSAI_LINKCHECK_ALLOW_LOOPBACK = True
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }


def url(name, cast, *extra):
    return reverse(name, args=[cast.round_2563.pk, cast.samutsakhon.code, *extra])


def add_link(client, cast, item, link, label=""):
    response = client.post(url("oit_link_add", cast, item), {"url": link, "label": label, "is_public": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]


def row_verdict(html: str, code: str) -> str:
    marker = f'id="row-{code}" data-code="{code}" data-verdict="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_demo_story(client, cast, site):
    officer, assessor, central = cast.officer, cast.assessor, cast.central
    agency, round_ = cast.samutsakhon, cast.round_2563

    # --- survey indicators 1–8 already computed for 2563 (as the survey scoring would write them)
    AgencyResult.objects.create(
        round=round_, agency=agency, source=ResultSource.COMPUTED, indicators={str(n): "90.00" for n in range(1, 9)}
    )

    # --- the officer fills a few O-items; O7's link is broken
    client.force_login(officer)
    assert client.get(reverse("oit_home")).status_code == 200
    page = client.get(url("oit_agency", cast))
    assert page.status_code == 200
    assert page.content.decode().count('data-verdict="missing"') == 43
    add_link(client, cast, "O1", site.url("/o1"), "แผนผังโครงสร้าง")
    add_link(client, cast, "O7", site.url("/missing"), "ข่าวประชาสัมพันธ์")
    add_link(client, cast, "O10", site.url("/o10"), "แผนปฏิบัติการ 2563")
    add_link(client, cast, "O34", site.url("/o34"), "ประกาศเจตจำนงสุจริต")
    links = EvidenceLink.objects.filter(entry__agency=agency)
    assert all(link.pending_task for link in links)  # queued on the database queue …
    assert DBTaskResult.objects.ready().count() == 4  # … as real task rows
    html = client.get(url("oit_agency", cast)).content.decode()
    assert row_verdict(html, "O1") == "pending"

    # --- the worker runs the queue
    assert run_pending_checks() == 4
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 4
    assert LinkCheck.objects.count() == 4

    # --- before submitting, the officer sees the broken link flagged, with the reason, and the forecast
    html = client.get(url("oit_agency", cast)).content.decode()
    assert row_verdict(html, "O1") == "pass"
    assert row_verdict(html, "O10") == "pass"
    assert row_verdict(html, "O34") == "pass"
    assert row_verdict(html, "O7") == "fail"
    assert "ไม่พบหน้านี้ (HTTP 404)" in html
    assert 'data-testid="forecast-9">6.06<' in html  # O1, O10 of 33 items predicted to pass: 2/33
    assert 'data-testid="forecast-10">10.00<' in html  # O34 of 10 items
    item_page = client.get(url("oit_item", cast, "O7")).content.decode()
    assert "พบลิงก์ที่ใช้งานไม่ได้ แก้ไขก่อนส่ง" in item_page

    # --- fix O7: remove the broken link, add the right one, re-check with the button
    broken = EvidenceLink.objects.get(entry__code="O7")
    assert client.post(url("oit_link_remove", cast, "O7", broken.pk)).status_code == 302
    add_link(client, cast, "O7", site.url("/o7"), "ข่าวประชาสัมพันธ์ 2563")
    assert client.post(url("oit_recheck", cast, "O7")).status_code == 302  # the re-check button
    run_pending_checks()
    html = client.get(url("oit_agency", cast)).content.decode()
    assert row_verdict(html, "O7") == "pass"

    # --- ready, then submit every ready item
    for code in ("O1", "O7", "O10", "O34"):
        response = client.post(url("oit_set_status", cast, code), {"action": "ready"})
        assert response.status_code == 302
    # submission cannot be taken back: the button first shows the four items; the page's POST submits them
    page = client.post(url("oit_submit_ready", cast)).content.decode()
    assert "O34" in page and not OITEntry.objects.filter(status=EntryStatus.SUBMITTED).exists()
    response = client.post(url("oit_submit_ready", cast), {"confirmed": "yes", "items": "O1,O7,O10,O34"}, follow=True)
    assert "ส่งให้ผู้ตรวจประเมินแล้ว 4 ข้อ" in response.content.decode()
    assert set(OITEntry.objects.filter(status=EntryStatus.SUBMITTED).values_list("code", flat=True)) == {
        "O1",
        "O7",
        "O10",
        "O34",
    }
    # once submitted, the agency cannot change the evidence
    response = client.post(url("oit_link_add", cast, "O1"), {"url": site.url("/news")})
    assert response.status_code == 400
    assert "แก้ไขหลักฐานไม่ได้" in response.content.decode()

    # --- the assessor cannot see the agency until the central admin assigns them
    client.force_login(assessor)
    assert client.get(url("oit_agency", cast)).status_code == 403
    client.force_login(central)
    response = client.post(
        reverse("oit_assignments", args=[round_.pk]), {"agency": agency.code, "assessor": assessor.pk}
    )
    assert response.status_code == 302

    # --- round 1: the assessor sees evidence and check results, judges, comments
    client.force_login(assessor)
    item_page = client.get(url("oit_item", cast, "O1")).content.decode()
    assert site.url("/o1") in item_page and "SHA-256" in item_page and 'id="review-form"' in item_page
    assert client.post(url("oit_review", cast, "O1"), {"elements": ["a", "b"], "comment": ""}).status_code == 302
    assert client.post(url("oit_review", cast, "O34"), {"passed": "1"}).status_code == 302
    response = client.post(url("oit_review", cast, "O7"), {"passed": "0", "comment": ""})
    assert response.status_code == 400  # a fail needs a comment
    assert "ต้องมีความเห็นของผู้ตรวจ" in response.content.decode()
    assert (
        client.post(
            url("oit_review", cast, "O7"), {"passed": "0", "comment": "ข่าวต้องเป็นกิจกรรมของปี 2563 อย่างน้อยเดือนละครั้ง"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            url("oit_review", cast, "O10"), {"elements": ["a", "b"], "comment": "ไม่พบรายละเอียดงบประมาณของแต่ละโครงการ"}
        ).status_code
        == 302
    )
    assert OITEntry.objects.get(code="O10").score == Decimal("0.00")  # pass/fail checklist: all or nothing
    # clarification window (round 2) for the items below full marks
    deadline = (timezone.localdate() + timedelta(days=7)).isoformat()
    response = client.post(
        url("oit_open_clarification", cast), {"deadline": deadline, "note": "ชี้แจงภายใน 7 วัน"}, follow=True
    )
    assert "เปิดให้หน่วยงานชี้แจง 2 ข้อ" in response.content.decode()
    assert set(OITEntry.objects.filter(status=EntryStatus.CLARIFYING).values_list("code", flat=True)) == {"O7", "O10"}
    # an item in clarification cannot be confirmed before the deadline
    response = client.post(url("oit_confirm", cast, "O7"), follow=True)
    assert "ยังอยู่ในช่วงชี้แจง" in response.content.decode()

    # --- the officer sees the comment, amends the link and answers
    client.force_login(officer)
    item_page = client.get(url("oit_item", cast, "O7")).content.decode()
    assert "ข่าวต้องเป็นกิจกรรมของปี 2563" in item_page and 'id="clarify-form"' in item_page
    add_link(client, cast, "O7", site.url("/o7") + "?page=2", "ข่าวเดือนกรกฎาคม 2563")
    run_pending_checks()
    response = client.post(url("oit_clarify", cast, "O7"), {"text": "เพิ่มลิงก์ข่าวรายเดือนของปี 2563 แล้ว"})
    assert response.status_code == 302
    assert OITEntry.objects.get(code="O7").status == EntryStatus.CLARIFIED

    # --- round 2 and confirmation
    client.force_login(assessor)
    response = client.post(url("oit_confirm", cast, "O7"), follow=True)
    assert "บันทึกผลการตรวจรอบที่ 2 ก่อนยืนยัน" in response.content.decode()
    assert client.post(url("oit_review", cast, "O7"), {"passed": "1", "comment": "ครบถ้วนแล้ว"}).status_code == 302
    for code in ("O1", "O7", "O34"):
        assert client.post(url("oit_confirm", cast, code)).status_code == 302
    assert set(OITEntry.objects.filter(status=EntryStatus.CONFIRMED).values_list("code", flat=True)) == {
        "O1",
        "O7",
        "O34",
    }

    # --- the confirmed scores are in the computed result, merged with the survey indicators
    result = AgencyResult.objects.get(round=round_, agency=agency, source=ResultSource.COMPUTED)
    assert result.items == {"O1": "100.00", "O7": "100.00", "O34": "100.00"}
    assert result.indicators["9"] == "100.00" and result.indicators["10"] == "100.00"
    assert result.indicators["1"] == "90.00"  # survey indicators untouched
    assert result.oit == Decimal("100.00") and result.iit == Decimal("90.00")
    assert result.total == Decimal("94.00") and result.level == "A"  # 0.3·90 + 0.3·90 + 0.4·100

    # --- the agency sees per-item scores with the assessor's reasons, and the dashboard shows the result
    client.force_login(officer)
    item_page = client.get(url("oit_item", cast, "O7")).content.decode()
    assert 'data-testid="item-score">100.00<' in item_page and "ครบถ้วนแล้ว" in item_page
    dashboard = client.get(reverse("agency_dashboard", args=[agency.code]) + f"?round={round_.pk}")
    assert dashboard.status_code == 200 and "94.00" in dashboard.content.decode()

    # --- the public page (no login): submitted items with their public links; scores once results are public
    client.logout()
    public = client.get(reverse("oit_public", args=[agency.code, round_.pk])).content.decode()
    assert site.url("/o1") in public and site.url("/o7") in public
    assert site.url("/missing") not in public
    assert "ผ่านการตรวจและยืนยันผลแล้ว" in public
    data = client.get(reverse("oit_public_json", args=[agency.code, round_.pk])).json()
    o1 = next(i for i in data["items"] if i["code"] == "O1")
    assert o1["status"] == "confirmed" and o1["score"] is None and o1["last_checked_th"]
    publish_results(central, round_)
    data = client.get(reverse("oit_public_json", args=[agency.code, round_.pk])).json()
    assert next(i for i in data["items"] if i["code"] == "O1")["score"] == "100.00"
    assert next(i for i in data["items"] if i["code"] == "O10")["score"] is None  # not confirmed

    # --- the whole story is in the audit trail, with who and why
    actions = list(AuditEntry.objects.filter(agency=agency).values_list("action", flat=True))
    for action in (
        "add_oit_link",
        "remove_oit_link",
        "record_link_check",
        "request_oit_recheck",
        "set_oit_ready",
        "submit_oit_items",
        "assign_assessor",
        "record_oit_review",
        "open_oit_clarification",
        "submit_oit_clarification",
        "confirm_oit_review",
        "sync_oit_result",
    ):
        assert action in actions, action
    fail = AuditEntry.objects.get(action="record_oit_review", changes__item="O7", changes__stage="round1")
    assert fail.actor == assessor and "ปี 2563" in fail.changes["comment"]
    assert OITReview.objects.filter(entry__code="O7").count() == 2
    client.force_login(officer)
    trail = client.get(url("oit_audit", cast) + "?item=O7").content.decode()
    assert "submit_oit_clarification" in trail and "เพิ่มลิงก์ข่าวรายเดือนของปี 2563 แล้ว" in trail
