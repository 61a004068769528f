"""The central admin loads NACC's new manual in a real browser (Chromium + Playwright).

She downloads ita-2570 as a workbook, makes two mistakes while entering the manual (a weight typed in Thai
words, an unknown scale), uploads it and reads both problems at once, located by sheet, row and column in Thai; fixes
the workbook, uploads it again, reads the diff and the officer's preview of the OIT list (provisional items
marked), and activates it. A full-page screenshot is taken at every step (``screenshot`` in conftest.py).
"""

from __future__ import annotations

import io

import openpyxl
import pytest

from prongsai.core.edition_io import export_edition
from prongsai.core.framework import load_framework
from tests.cast import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _workbook(tmp_path, name: str, edit) -> str:
    workbook = openpyxl.load_workbook(io.BytesIO(export_edition(load_framework("ita-2570"))))
    edit(workbook)
    path = tmp_path / name
    workbook.save(path)
    return str(path)


def test_central_admin_uploads_fixes_previews_and_activates_an_edition(
    cast, live_server, browser_page, screenshot, tmp_path
):
    from prongsai.web.editions.models import EditionStatus, StoredEdition

    def mistakes(wb):
        wb["tools"]["E4"] = "สี่สิบห้า"  # OIT weight in words
        wb["questions"]["D2"] = "four_levels"

    def fixed(wb):
        wb["tools"]["E2"], wb["tools"]["E3"], wb["tools"]["E4"] = 25, 25, 50
        wb["oit_items"]["G2"] = "โครงสร้าง หน้าที่และอำนาจ (คู่มือ 2570)"

    page = browser_page
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", cast.central.username)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/editions/")
    assert page.locator("#builtin-editions tr[data-key='ita-2570'] .tag.provisional").count() == 1
    screenshot(page, "editions-1-list")

    page.click("#upload-link")
    page.set_input_files("input[name=file]", _workbook(tmp_path, "ita-2570-นำเข้า.xlsx", mistakes))
    page.click("#upload-form button[type=submit]")
    page.wait_for_load_state()
    problems = page.locator("#problem-table tbody tr")
    assert problems.count() == 2  # every problem at once
    table = page.locator("#problem-table").inner_text()
    assert "แผ่นงาน 'tools' แถวที่ 4 คอลัมน์ 'weight' (E)" in table and "'สี่สิบห้า' ไม่ใช่ตัวเลข" in table
    assert "แผ่นงาน 'questions' แถวที่ 2 คอลัมน์ 'scale' (D)" in table and "ไม่มีมาตรวัด 'four_levels'" in table
    screenshot(page, "editions-2-problems")
    assert not StoredEdition.objects.exists()

    page.set_input_files("input[name=file]", _workbook(tmp_path, "ita-2570-นำเข้า.xlsx", fixed))
    page.click("#upload-form button[type=submit]")
    page.wait_for_load_state()
    assert page.url.endswith("/editions/ita-2570@2/")
    assert "ฉบับร่าง" in page.locator("#edition-status").inner_text()
    diff = page.locator("#diff-table").inner_text()
    assert "โครงสร้าง หน้าที่และอำนาจ (คู่มือ 2570)" in diff and "เปลี่ยนชื่อ" in diff
    assert "tool OIT weight 40 → 50" in page.locator("#diff-settings").inner_text()
    screenshot(page, "editions-3-draft")

    page.click("#preview-oit")
    page.wait_for_load_state()
    assert page.locator("tr[data-provisional='1']").count() == 26
    assert page.locator("#item-O12 td").nth(1).inner_text().startswith("ข้อมูลปีงบประมาณ พ.ศ. 2569")
    screenshot(page, "editions-4-preview-oit")

    page.go_back()
    page.click("#activate")
    page.wait_for_load_state()
    assert "ใช้งานอยู่" in page.locator("#edition-status").inner_text()
    assert StoredEdition.objects.get().status == EditionStatus.ACTIVE
    screenshot(page, "editions-5-active")
