"""The OIT story in a real browser (Playwright + Debian's Chromium): officer → assessor → officer → assessor.

The officer attaches evidence, sees the broken link flagged before submitting, fixes it and submits; the central
admin assigns the assessor; the assessor judges with a comment and opens the clarification round; the officer
answers; the assessor confirms; the public page shows the result.  Link checks run on the real database queue,
executed between steps by django-tasks-db's worker (``run_pending_checks``) against a loopback evidence site.

Screenshots go to ``$PRONGSAI_SCREENSHOTS``, or to an ``oit-screens`` folder in ``$PRONGSAI_ARTIFACTS``; with neither
set none is taken (no assertion reads them; tests/functional/conftest.py).
Skipped when Playwright or Chromium is missing, unless ``PRONGSAI_CI=1`` (then it fails; tests/functional/conftest.py).
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the browser fixture (tests/functional/conftest.py) skips, or fails in CI
    expect = None

# the page comes from tests/functional/conftest.py's ``browser_page``: the worker's one Chromium, a fresh context


@pytest.mark.django_db(transaction=True)
def test_oit_story_in_the_browser(cast, live_server, settings, tmp_path, browser_page, artifacts):
    from django.utils import timezone

    from prongsai.web.oit.models import EntryStatus, OITEntry
    from prongsai.web.oit.tasks import run_pending_checks
    from prongsai.web.oit.testing import EvidenceServer
    from prongsai.web.results.models import AgencyResult, ResultSource
    from tests.cast import PASSWORD

    settings.PRONGSAI_LINKCHECK_ALLOW_LOOPBACK = True
    settings.BASE_URL = live_server.url
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "files")},
        },
    }
    shots = Path(os.environ["PRONGSAI_SCREENSHOTS"]) if os.environ.get("PRONGSAI_SCREENSHOTS") else None
    if shots is None and os.environ.get("PRONGSAI_ARTIFACTS"):
        shots = artifacts / "oit-screens"
    if shots is not None:
        shots.mkdir(parents=True, exist_ok=True)
    page = browser_page
    base = live_server.url
    round_id, code = cast.round_2563.pk, cast.samutsakhon.code
    agency_url = f"{base}/oit/{round_id}/{code}/"

    def shot(name: str) -> None:
        if shots is not None:
            page.screenshot(path=str(shots / f"{name}.png"), full_page=True)

    def login(username: str) -> None:
        page.context.clear_cookies()
        page.goto(f"{base}/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("form[action='/login/'] button[type=submit]")
        page.wait_for_load_state()

    def add_link(item: str, url: str, label: str) -> None:
        page.goto(f"{agency_url}items/{item}/")
        page.fill("#link-form input[name=url]", url)
        page.fill("#link-form input[name=label]", label)
        page.click("#link-form button[type=submit]")
        expect(page.locator(".messages")).to_contain_text("เพิ่มลิงก์แล้ว")

    with EvidenceServer() as site:
        # --- 1. the officer fills O1 and O7; O7's link is broken
        login("officer")
        page.goto(f"{base}/oit/")
        page.click(f"a[href='/oit/{round_id}/{code}/']")
        expect(page.locator("h1")).to_contain_text("สพป.สมุทรสาคร")
        add_link("O1", site.url("/o1"), "แผนผังโครงสร้าง ปี 2563")
        add_link("O7", site.url("/missing"), "ข่าวประชาสัมพันธ์")
        expect(page.locator("[data-testid=link]").first).to_contain_text("รอตรวจลิงก์")
        assert run_pending_checks() == 2
        page.goto(agency_url)
        expect(page.locator("#row-O7")).to_have_attribute("data-verdict", "fail")
        expect(page.locator("#row-O7")).to_contain_text("ไม่พบหน้านี้ (HTTP 404)")
        expect(page.locator("#row-O1")).to_have_attribute("data-verdict", "pass")
        page.locator("#row-O7").scroll_into_view_if_needed()
        shot("01-officer-sees-broken-link")
        page.goto(f"{agency_url}items/O7/")
        expect(page.locator("#check-summary")).to_contain_text("พบลิงก์ที่ใช้งานไม่ได้")
        shot("02-officer-item-o7-broken")

        # --- fix O7, re-check, mark ready, submit
        page.click("[data-testid=link] form button:has-text('ลบลิงก์นี้')")
        add_link("O7", site.url("/o7"), "ข่าวประชาสัมพันธ์ ปี 2563")
        run_pending_checks()
        page.click("button:has-text('ตรวจลิงก์ของข้อนี้อีกครั้ง')")  # the re-check button
        run_pending_checks()
        page.reload()
        expect(page.locator("[data-testid=item-verdict]")).to_have_text("น่าจะผ่าน")
        for item in ("O7", "O1"):
            page.goto(f"{agency_url}items/{item}/")
            page.click("button:has-text('พร้อมส่ง')")
            expect(page.locator("[data-testid=item-status]")).to_have_text("พร้อมส่ง")
        page.goto(agency_url)
        page.click("button:has-text('ส่งข้อที่พร้อมส่งให้ผู้ตรวจ')")
        # submission cannot be taken back: the confirmation page lists the two items first
        expect(page.locator(".confirm-names")).to_contain_text("O7")
        page.click(".confirm-actions button[type=submit]")
        expect(page.locator(".messages")).to_contain_text("ส่งให้ผู้ตรวจประเมินแล้ว 2 ข้อ")
        shot("03-officer-submitted")

        # --- 2. the central admin assigns the assessor
        login("central")
        page.goto(f"{base}/oit/assignments/{round_id}/")
        page.select_option("select[name=agency]", code)
        page.select_option("select[name=assessor]", str(cast.assessor.pk))
        page.click("form[method=post] button:has-text('มอบหมาย')")
        expect(page.locator(".messages")).to_contain_text("มอบหมายผู้ตรวจประเมินแล้ว")

        # --- 3. the assessor reviews: O1 passes, O7 fails with a comment; clarification round opens
        login("assessor")
        page.goto(f"{base}/oit/")
        page.click(f"a[href='/oit/{round_id}/{code}/']")
        page.goto(f"{agency_url}items/O1/")
        page.check("#review-form input[value=a]")
        page.check("#review-form input[value=b]")
        page.click("#review-form button[type=submit]")
        expect(page.locator("[data-testid=item-score]")).to_have_text("100.00")
        page.goto(f"{agency_url}items/O7/")
        expect(page.locator("[data-testid=link]")).to_contain_text("ผ่าน")
        page.check("#review-form input[name=passed][value='0']")
        page.fill("#review-form textarea[name=comment]", "ข่าวต้องเป็นกิจกรรมของปี 2563 อย่างน้อยเดือนละครั้ง")
        page.click("#review-form button[type=submit]")
        expect(page.locator("[data-testid=item-score]")).to_have_text("0.00")
        shot("04-assessor-reviewed-o7")
        page.goto(agency_url)
        from prongsai.core.thai import format_date_input

        deadline = format_date_input(timezone.localdate() + timedelta(days=7))  # typed the Thai way: 10/12/2569
        page.fill("input[name=deadline]", deadline)
        page.click("button:has-text('เปิดให้หน่วยงานชี้แจง')")
        expect(page.locator(".messages")).to_contain_text("เปิดให้หน่วยงานชี้แจง 1 ข้อ")
        shot("05-assessor-opened-clarification")

        # --- 4. the officer reads the comment, amends the evidence and answers
        login("officer")
        page.goto(f"{agency_url}items/O7/")
        expect(page.locator("[data-testid=review-comment]")).to_contain_text("อย่างน้อยเดือนละครั้ง")
        add_link("O7", site.url("/o7") + "?month=7", "ข่าวเดือนกรกฎาคม 2563")
        run_pending_checks()
        page.fill("#clarify-form textarea[name=text]", "เพิ่มลิงก์ข่าวรายเดือนของปี 2563 แล้ว")
        page.click("#clarify-form button[type=submit]")
        expect(page.locator("[data-testid=item-status]")).to_have_text("ชี้แจงแล้ว รอตรวจรอบที่ 2")
        shot("06-officer-clarified")

        # --- 5. the assessor judges round 2 and confirms both items
        login("assessor")
        page.goto(f"{agency_url}items/O7/")
        page.check("#review-form input[name=passed][value='1']")
        page.fill("#review-form textarea[name=comment]", "ครบถ้วนแล้ว")
        page.click("#review-form button[type=submit]")
        for item in ("O7", "O1"):
            page.goto(f"{agency_url}items/{item}/")
            page.click("button:has-text('ยืนยันผล')")
            expect(page.locator("[data-testid=item-status]")).to_have_text("ยืนยันผลแล้ว")
        shot("07-assessor-confirmed")

    # --- 6. the officer sees the scores; the result and the public page have them
    assert set(OITEntry.objects.filter(status=EntryStatus.CONFIRMED).values_list("code", flat=True)) == {"O1", "O7"}
    result = AgencyResult.objects.get(round=cast.round_2563, agency=cast.samutsakhon, source=ResultSource.COMPUTED)
    assert result.indicators == {"9": "100.00"} and result.items == {"O1": "100.00", "O7": "100.00"}
    login("officer")
    page.goto(agency_url)
    expect(page.locator("[data-testid=confirmed-9]")).to_have_text("100.00")
    shot("08-officer-scores")
    page.context.clear_cookies()
    page.goto(f"{base}/oit/public/{code}/{round_id}/")
    expect(page.locator("tr[data-code=O7]")).to_contain_text("ผ่านการตรวจและยืนยันผลแล้ว")
    assert re.search(r"/o7\?month=7", page.content())
    shot("09-public-page")
    page.goto(f"{base}/oit/embed/{code}/{round_id}/")
    expect(page.locator("h1")).to_contain_text("การเปิดเผยข้อมูลสาธารณะ")
    shot("10-embed")
    if shots is not None:
        print(f"screenshots: {shots}")
