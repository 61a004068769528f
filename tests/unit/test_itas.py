"""Working beside ITAS: the officer copies item results out of ITAS into a sheet and brings it back; every bad
row is named (row, column, reason in Thai and English), nothing is half-read."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from prongsai.core import itas
from prongsai.core.framework import load_framework
from prongsai.core.tabular import InputError, Table, read_table
from prongsai.web.exports import Sheet, csv_bytes, xlsx_bytes

ESA = load_framework("ita-2562-esa")
NEW = load_framework("ita-2568")


def table(*rows, header=("รหัสข้อ", "ผล")) -> Table:
    return Table(file="itas.csv", header=list(header), rows=[list(r) for r in rows])


def test_oit_items_pass_fail_questions_and_indicators_are_read():
    o1, o2 = NEW.oit_items[0], NEW.oit_items[1]
    got = itas.read_item_results(
        table(
            (o1.shown_code, "ผ่าน"),
            (o2.code, "ไม่ผ่าน"),
            ("I1", "๙๒.๕๐"),
            ("ตัวชี้วัดที่ 3", "88.10"),
            ("ตัวอย่าง o9", "ผ่าน"),
            ("I2", ""),
        ),
        NEW,
    )
    assert got.items == {o1.code: Fraction(100), o2.code: Fraction(0), "I1": Fraction("92.5")}
    assert got.indicators == {3: Fraction("88.10")}
    assert got.rows[o2.code] == 3


def test_every_bad_row_is_reported_at_once_with_row_column_and_thai_reason():
    o1 = NEW.oit_items[0]
    with pytest.raises(InputError) as caught:
        itas.read_item_results(
            table((o1.shown_code, "50"), ("Z9", "ผ่าน"), ("I1", "120"), (o1.code, "ผ่าน"), ("", "ผ่าน")), NEW
        )
    thai = caught.value.render(thai=True).splitlines()
    assert thai == [
        f"itas.csv, แถวที่ 2, คอลัมน์ 'ผล': '50' ไม่ใช่ผลของข้อ {o1.shown_code} (ใช้ ผ่าน/ไม่ผ่าน (100/0))",
        "itas.csv, แถวที่ 3, คอลัมน์ 'รหัสข้อ': 'Z9' ไม่ใช่ข้อ OIT ข้อคำถาม หรือตัวชี้วัดของกรอบการประเมิน ita-2568",
        "itas.csv, แถวที่ 4, คอลัมน์ 'ผล': '120' ไม่ใช่คะแนนระหว่าง 0 ถึง 100",
        f"itas.csv, แถวที่ 5, คอลัมน์ 'รหัสข้อ': '{o1.code}' ซ้ำกับแถวที่ 2",
        "itas.csv, แถวที่ 6, คอลัมน์ 'รหัสข้อ': ไม่ได้ระบุรหัสข้อ",
    ]
    english = caught.value.render().splitlines()
    assert english[2] == "itas.csv, row 4, column 'ผล': '120' is not a score between 0 and 100"


def test_a_code_twice_is_refused():
    with pytest.raises(InputError) as caught:
        itas.read_item_results(table(("I1", "90"), ("i1", "91")), NEW)
    assert caught.value.problems[0].th == "'i1' ซ้ำกับแถวที่ 2"


def test_missing_columns_and_an_empty_file_are_named():
    with pytest.raises(InputError) as caught:
        itas.read_item_results(table(("I1", "90"), header=("code", "ค่า")), NEW)
    assert caught.value.problems[0].column == "ผล"
    with pytest.raises(InputError) as caught:
        itas.read_item_results(table(("I1", "")), NEW)
    assert caught.value.problems[0].th == "ยังไม่ได้กรอกผลข้อใดเลย"


def test_all_items_of_an_oit_indicator_give_its_score_and_must_agree_with_the_published_one():
    items9 = [o for o in ESA.oit_items if o.indicator == 9]
    rows = [(o.code, "ผ่าน" if k % 3 else "ไม่ผ่าน") for k, o in enumerate(items9)]
    rows[0] = (items9[0].code, "ไม่เกี่ยวข้อง")  # not applicable: left out of the mean
    got = itas.read_item_results(table(*rows), ESA)
    passed = sum(1 for k in range(1, len(items9)) if k % 3)
    expected = Fraction(100 * passed, len(items9) - 1)
    assert got.derived(ESA)[9] == expected
    published = {n: Decimal("90.00") for n in range(1, 11)}
    published[9] = Decimal(str(round(float(expected), 2)))
    assert itas.merge(ESA, got, published)[9] == Fraction(published[9])
    published[9] = Decimal("99.00")
    with pytest.raises(InputError) as caught:
        itas.merge(ESA, got, published)
    assert caught.value.problems[0].row == 2  # the row of the first item of indicator 9
    assert "แต่ผลที่ประกาศคือ 99.00" in caught.value.problems[0].th


def test_without_published_results_every_indicator_is_needed():
    got = itas.read_item_results(table(("ตัวชี้วัดที่ 1", "90")), ESA)
    with pytest.raises(InputError) as caught:
        itas.merge(ESA, got, {})
    assert caught.value.problems[0].th.startswith("ไม่มีคะแนนตัวชี้วัดที่ 2, 3")
    full = itas.read_item_results(table(*[(f"ตัวชี้วัดที่ {n}", "90") for n in range(1, 11)]), ESA)
    assert itas.merge(ESA, full, {}) == {n: Fraction(90) for n in range(1, 11)}


def test_questions_give_a_survey_indicator_in_flat_and_item_mean_editions():
    questions = [q for q in ESA.questions if q.indicator == 1]
    got = itas.read_item_results(table(*[(q.code, str(80 + k)) for k, q in enumerate(questions)]), ESA)
    assert got.derived(ESA)[1] == Fraction(sum(80 + k for k in range(len(questions))), len(questions))


def test_the_template_reads_back_as_no_data_and_the_filled_template_imports(tmp_path):
    rows = itas.template_rows(NEW)
    assert rows[0][0].startswith("ตัวอย่าง")
    data = xlsx_bytes([Sheet("ผล ITAS", itas.TEMPLATE_HEADER, rows)])
    with pytest.raises(InputError) as caught:
        itas.read_item_results(read_table("t.xlsx", data=data), NEW)
    assert caught.value.problems[0].th == "ยังไม่ได้กรอกผลข้อใดเลย"
    filled = [r if r[0] != NEW.oit_items[0].shown_code else [r[0], r[1], "ผ่าน", ""] for r in rows]
    got = itas.read_item_results(read_table("t.csv", data=csv_bytes(itas.TEMPLATE_HEADER, filled)), NEW)
    assert got.items == {NEW.oit_items[0].code: Fraction(100)}


def test_the_sheet_lists_every_item_with_one_url_and_what_is_missing():
    first, second = NEW.oit_items[0], NEW.oit_items[1]
    rows = itas.sheet_rows(
        NEW,
        2568,
        {
            first.code: itas.Evidence(
                urls=("https://a.go.th/1", "https://a.go.th/2"), explanation="โครงสร้าง", status="submitted"
            )
        },
        {"submitted": "ส่งแล้ว"},
    )
    assert len(rows) == len(NEW.oit_items)
    assert rows[0].cells()[:6] == [
        first.shown_code,
        first.title,
        first.window_th(2568),
        "https://a.go.th/1",
        "โครงสร้าง",
        "ส่งแล้ว",
    ]
    assert rows[0].warnings_th == ("มี URL สาธารณะ 2 รายการ ITAS รับได้ 1 รายการ (ใช้รายการแรก)",)
    assert rows[1].code == second.code and rows[1].warnings_th == ("ยังไม่มี URL สาธารณะ", "ยังไม่มีคำอธิบาย")
