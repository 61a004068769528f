"""The ESA office's ITA officer works beside ITAS: they print the sheet to fill ITAS with, bring back the item
results ITAS shows, and plan what to fix.  The second office sees none of it."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from prongsai.core.tabular import InputError, Table
from prongsai.web.audit.models import AuditEntry
from prongsai.web.itas.services import import_itas_results
from prongsai.web.results.models import AgencyResult, ImportKind, ResultSource

pytestmark = pytest.mark.django_db


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def evidence(cast):
    """O1 has two public links, an explanation and a private file; O2 nothing yet."""
    from prongsai.web.oit import services

    r, a = cast.round_2563, cast.samutsakhon
    services.add_link(cast.officer, r, a, "O1", "https://www.example.go.th/ita/o1")
    services.add_link(cast.officer, r, a, "O1", "https://www.example.go.th/ita/o1-old")
    services.update_note(cast.officer, r, a, "O1", "=1+1 โครงสร้างองค์กรตามประกาศ")
    return cast


def test_the_sheet_lists_each_item_with_its_first_public_url_and_explanation(evidence):
    cast = evidence
    page = client(cast.officer).get(reverse("itas_sheet", args=[cast.samutsakhon.code, cast.round_2563.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "https://www.example.go.th/ita/o1" in text and "โครงสร้างองค์กรตามประกาศ" in text
    assert "ITAS รับได้ 1 รายการ" in text
    framework = cast.round_2563.framework
    assert text.count('<tr id="item-') == len(framework.oit_items)


def test_the_sheet_downloads_are_formula_safe(evidence):
    cast = evidence
    officer = client(cast.officer)
    args = [cast.samutsakhon.code, cast.round_2563.pk]
    csv_text = body(officer.get(reverse("itas_sheet_export", args=[*args, "csv"]))).decode("utf-8-sig")
    assert "'=1+1 โครงสร้างองค์กรตามประกาศ" in csv_text
    xlsx = officer.get(reverse("itas_sheet_export", args=[*args, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(body(xlsx))).active
    first = [c.value for c in sheet[2]]
    assert first[3] == "https://www.example.go.th/ita/o1"
    assert first[4] == "=1+1 โครงสร้างองค์กรตามประกาศ" and sheet.cell(2, 5).data_type == "s"


@pytest.mark.parametrize(
    "name,args",
    [("itas_sheet", []), ("itas_sheet_export", ["xlsx"]), ("itas_import", []), ("itas_import_template", ["csv"])],
)
def test_the_second_office_is_refused(cast, name, args):
    url = reverse(name, args=[cast.samutsakhon.code, cast.round_2563.pk, *args])
    assert client(cast.other_officer).get(url).status_code == 403
    assert client(cast.central).get(url).status_code == 200


def _upload(rows: list[tuple[str, str]], name="itas.csv") -> SimpleUploadedFile:
    text = "รหัสข้อ,ผล\n" + "".join(f"{c},{v}\n" for c, v in rows)
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_importing_item_results_feeds_the_analysis_and_is_audited(cast):
    framework = cast.round_2562.framework
    items9 = [o for o in framework.oit_items if o.indicator == 9][:3]
    url = reverse("itas_import", args=[cast.samutsakhon.code, cast.round_2562.pk])
    officer = client(cast.officer)
    response = officer.post(
        url, {"file": _upload([(items9[0].code, "ผ่าน"), (items9[1].code, "ไม่ผ่าน"), ("I1", "97.50")])}
    )
    assert response.status_code == 302
    result = AgencyResult.objects.get(round=cast.round_2562, agency=cast.samutsakhon, source=ResultSource.OFFICIAL)
    assert result.items == {items9[0].code: "100", items9[1].code: "0", "I1": "97.5"}
    assert result.items_batch.kind == ImportKind.ITAS_ITEMS and result.items_batch.agency == cast.samutsakhon
    assert result.total == Decimal("91.25")  # the published result is untouched
    entry = AuditEntry.objects.get(action="import_itas_results")
    assert entry.actor == cast.officer and entry.changes["items"]["I1"] == [None, "97.5"]
    analysis = officer.get(reverse("measures_analysis", args=[cast.samutsakhon.code, cast.round_2562.pk]))
    assert analysis.status_code == 200


def test_a_bad_file_changes_nothing_and_names_row_column_and_reason(cast):
    url = reverse("itas_import", args=[cast.samutsakhon.code, cast.round_2562.pk])
    response = client(cast.officer).post(url, {"file": _upload([("I1", "97.50"), ("O1", "บางส่วน"), ("X77", "ผ่าน")])})
    assert response.status_code == 400
    text = response.content.decode()
    assert "itas.csv, แถวที่ 3, คอลัมน์ &#x27;ผล&#x27;: &#x27;บางส่วน&#x27; ไม่ใช่ผลของข้อ O1" in text
    assert "แถวที่ 4, คอลัมน์ &#x27;รหัสข้อ&#x27;: &#x27;X77&#x27;" in text
    assert AgencyResult.objects.get(round=cast.round_2562, agency=cast.samutsakhon).items == {}
    assert not AuditEntry.objects.filter(action="import_itas_results").exists()


def test_items_that_contradict_the_published_indicator_are_refused(cast):
    framework = cast.round_2562.framework
    rows = [(o.code, "ไม่ผ่าน") for o in framework.oit_items if o.indicator == 10]
    table = Table(file="itas.csv", header=["รหัสข้อ", "ผล"], rows=[list(r) for r in rows])
    with pytest.raises(InputError) as caught:
        import_itas_results(cast.officer, cast.round_2562, cast.samutsakhon, table)
    assert caught.value.problems[0].th == "ตัวชี้วัดที่ 10 คำนวณได้ 0.00 แต่ผลที่ประกาศคือ 83.04"


def test_a_new_result_needs_every_indicator_and_is_scored(cast):
    table = Table(file="itas.csv", header=["รหัสข้อ", "ผล"], rows=[[f"ตัวชี้วัดที่ {n}", "90"] for n in range(1, 11)])
    import_itas_results(cast.officer, cast.round_2563, cast.samutsakhon, table)
    result = AgencyResult.objects.get(round=cast.round_2563, agency=cast.samutsakhon)
    assert (result.total, result.level, result.oit) == (Decimal("90.00"), "A", Decimal("90.00"))


def test_the_planner_answers_from_the_form_and_the_link_can_be_shared(cast):
    """Indicator 9 (86.81) from its 33 items: 28 passed, 4 failed and one scored 64.73 — ITAS's own mean."""
    from django.utils.text import slugify

    framework = cast.round_2562.framework
    items9 = [o.code for o in framework.oit_items if o.indicator == 9]
    rows = [[code, "ผ่าน"] for code in items9[:28]] + [[code, "ไม่ผ่าน"] for code in items9[28:32]]
    table = Table(file="itas.csv", header=["รหัสข้อ", "ผล"], rows=[*rows, [items9[32], "64.73"]])
    import_itas_results(cast.officer, cast.round_2562, cast.samutsakhon, table)
    url = reverse("measures_plan", args=[cast.samutsakhon.code, cast.round_2562.pk])
    first = client(cast.director).get(url).content.decode()
    for code in items9[28:]:  # the first visit ticks every OIT item below 100
        assert f'name="fix" value="oit_item:{code}" id="fix-{slugify("oit_item:" + code)}" checked' in first
    # each failed item adds 40 % × ½ × 100/33 = 0.61 to 91.25; indicator 10 to 100 adds 3.39 but costs 5
    query = {
        "target": "total",
        "total": "92.40",
        "fix": [f"oit_item:{c}" for c in items9[28:32]] + ["indicator:10"],
        "cost:indicator:10": "5",
    }
    page = client(cast.director).get(url, query).content.decode()
    assert "ถึงเป้าหมายได้ใน 2 ขั้นตอน (ต้นทุน 2)" in page
    assert page.count('<tr><td class="step-no">') == 2
    unreachable = client(cast.director).get(url, {**query, "total": "99.50"}).content.decode()
    assert "ไม่สามารถถึงเป้าหมายได้" in unreachable


def test_a_bad_plan_form_says_what_is_wrong_in_thai(cast):
    url = reverse("measures_plan", args=[cast.samutsakhon.code, cast.round_2562.pk])
    page = (
        client(cast.officer)
        .get(
            url,
            {
                "target": "indicator",
                "indicator": "99",
                "indicator_value": "สูง",
                "fix": "indicator:10",
                "cost:indicator:10": "-1",
            },
        )
        .content.decode()
    )
    assert "กรุณาเลือกตัวชี้วัดของกรอบการประเมินนี้" in page
    assert "คะแนนเป้าหมายของตัวชี้วัดต้องอยู่ระหว่าง 0 ถึง 100" in page
    assert "10: ต้นทุนต้องเป็นตัวเลขมากกว่า 0 (ไม่เกิน 1000)" in page


def test_without_indicator_scores_the_planner_says_what_to_import(cast):
    from prongsai.web.results.models import AgencyResult

    AgencyResult.objects.filter(round=cast.round_2562, agency=cast.samutsakhon).update(indicators={})
    url = reverse("measures_plan", args=[cast.samutsakhon.code, cast.round_2562.pk])
    page = client(cast.officer).get(url).content.decode()
    assert "ยังไม่มีข้อมูลสำหรับวางแผน" in page
