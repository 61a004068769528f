"""The officer's year in Chromium, at phone (390×844, touch) and desktop sizes: the checklist of what is due on
the dashboard, with days left, and the notification list with its unread count in the header.

Story: the central admin has set the 2563 calendar so that the OIT deadline is in five days; the assessor has
returned O5 for clarification (due in three days) and the daily run has warned of the deadline.  The officer
signs in on a phone, sees the urgent lines first, opens the notifications and follows the clarification request.
Screenshots: $PRONGSAI_ARTIFACTS, when set (``screenshot`` in conftest.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.cast import PASSWORD

SIZES = {
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
    "desktop": {"viewport": {"width": 1366, "height": 768}},
}


def _the_year_so_far(cast):
    from django.utils import timezone

    from prongsai.web.notifications.models import RoundDeadline
    from prongsai.web.notifications.services import run_daily, seed_round_calendar, update_deadline
    from prongsai.web.oit import services as oit
    from prongsai.web.oit.models import OITEntry

    today = timezone.localdate()
    round_, agency = cast.round_2563, cast.samutsakhon
    seed_round_calendar(cast.central, round_)
    offsets = {"oit_publish": 5, "surveys": 12, "clarification": 20, "report_6m": -2, "report_12m": 60, "results": 90}
    for deadline in RoundDeadline.objects.filter(round=round_, key__in=offsets):
        due = today + timedelta(days=offsets[deadline.key])
        starts = due - timedelta(days=30) if deadline.starts_on else None
        update_deadline(cast.central, deadline, starts_on=starts, due_on=due)
    oit.assign_assessor(cast.central, round_, agency, cast.assessor)
    for code in ("O4", "O5"):
        oit.add_link(cast.officer, round_, agency, code, f"https://www.example.go.th/{code}")
        oit.set_ready(cast.officer, round_, agency, code)
    oit.submit_items(cast.officer, round_, agency)
    oit.record_oit_review(
        cast.assessor, OITEntry.objects.get(agency=agency, code="O5"), elements=["a"], comment="ไม่ครบ"
    )
    oit.open_clarification(cast.assessor, round_, agency, today + timedelta(days=3))
    from prongsai.web.measures.models import Measure

    Measure.objects.create(round=round_, agency=agency, title="ด้านการเปิดเผยข้อมูล")
    run_daily(today=today, days=7)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", list(SIZES))
def test_the_officer_sees_what_is_due_and_reads_the_notifications(
    size, cast, live_server, chromium_browser, screenshot
):
    from prongsai.web.notifications.models import Notification

    _the_year_so_far(cast)
    unread = Notification.objects.filter(user=cast.officer, read_at__isnull=True).count()
    # the clarification request (its reminder is not repeated so soon) and the OIT deadline within a week; the
    # 6-month report is already overdue and the survey window ends beyond the week
    assert unread == 2

    context = chromium_browser.new_context(locale="th-TH", timezone_id="Asia/Bangkok", **SIZES[size])
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", "officer")
        page.fill("input[name=password]", PASSWORD)
        page.click("form[action='/login/'] button[type=submit]")
        page.wait_for_url(f"**/agencies/{cast.samutsakhon.code}/")

        checklist = page.locator("#checklist")
        checklist.scroll_into_view_if_needed()
        lines = checklist.locator("li")
        keys = [lines.nth(i).get_attribute("data-rule") for i in range(lines.count())]
        assert keys[:3] == ["report_6m", "clarifications", "oit_not_submitted"]
        assert "เลยกำหนด 2 วัน" in lines.nth(0).inner_text()
        assert "เหลือ 3 วัน" in lines.nth(1).inner_text()
        assert "ผู้ตรวจขอคำชี้แจง 1 ข้อ ยังไม่ได้ตอบ" in lines.nth(1).inner_text()
        assert page.locator("#notification-count").inner_text() == "2"
        # nothing spills sideways on a phone
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        screenshot(checklist, f"officer-checklist-{size}")
        screenshot(page, f"officer-dashboard-{size}")

        page.click("#notification-bell")
        page.wait_for_url("**/notifications/")
        notes = page.locator("#notification-list > li")
        assert notes.count() == 2
        assert page.locator("#notification-list > li.unread").count() == 2
        screenshot(page, f"officer-notifications-{size}")
        request = page.locator("#notification-list > li[data-kind=clarification]")
        assert "ขอคำชี้แจง OIT 1 ข้อ" in request.inner_text()
        request.get_by_role("button").click()
        page.wait_for_url(f"**/oit/{cast.round_2563.pk}/{cast.samutsakhon.code}/")
        assert page.locator("#notification-count").inner_text() == "1"
    finally:
        context.close()
