"""Editions as XLSX workbooks: lossless round trips for every edition, and every problem located in Thai."""

from __future__ import annotations

import copy
import io
import random
from pathlib import Path

import openpyxl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prongsai.core.describe import framework_as_dict
from prongsai.core.edition_io import export_edition, read_edition
from prongsai.core.edition_xlsx import EditionImportError, canonical, export_workbook
from prongsai.core.edition_xlsx_read import read_workbook
from prongsai.core.edition_yaml import dump_edition
from prongsai.core.framework import file_frameworks, load_framework, load_framework_data, with_variant

MINI = Path(__file__).parent.parent / "fixtures" / "mini.yaml"


def _same_edition(a, b) -> None:
    left, right = framework_as_dict(a), framework_as_dict(b)
    left.pop("id"), right.pop("id")
    assert left == right


@pytest.mark.parametrize("fid", file_frameworks())
def test_yaml_to_workbook_to_yaml_is_lossless_for_every_edition(fid):
    fw = load_framework(fid)
    back = read_edition(f"{fid}.xlsx", export_edition(fw))
    assert back.kind == "xlsx"
    assert back.raw == canonical(fw.raw)  # the data itself
    assert back.yaml_text == dump_edition(canonical(fw.raw))  # and the text it is stored as
    _same_edition(fw, back.framework)
    for variant in fw.variants:  # variants survive too
        _same_edition(with_variant(fw, variant), with_variant(back.framework, variant))


def test_the_mini_fixture_round_trips_with_its_legacy_words():
    raw = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    data, locate = read_workbook("mini.xlsx", export_workbook(canonical(raw)))
    assert canonical(data) == canonical(raw)
    assert locate("questions[1].sub_items[2].text").th() == "แผ่นงาน 'sub_items' แถวที่ 4 คอลัมน์ 'text' (C)"


# Texts an admin may type: Thai with tone marks and digits, quotes, a leading '=' (no formula!), '#', ': ',
# line breaks, emoji; and numbers with two decimals.
TEXT = (
    st.text(
        alphabet=st.sampled_from(
            list("กขคงจฉชซญฎฐดตถทนบปผฝพฟภมยรลวศษสหฬอฮะาิีึืุูเแโใไ่้๊๋็์ๆ๐๑๒๓") + list("abcXYZ019 =#:'\"%@-\n…🙂")
        ),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)
SCORE = st.integers(min_value=0, max_value=10000).map(lambda n: n / 100)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fid=st.sampled_from(["ita-2563-school", "ita-2566", "ita-2568", "ita-2569", "ita-2570"]),
    text=TEXT,
    caveat=TEXT,
    weight=st.integers(min_value=1, max_value=60),
    minimum=SCORE,
    seed=st.integers(0, 999),
)
def test_any_edited_edition_round_trips(fid, text, caveat, weight, minimum, seed):
    """Property: whatever an admin writes into the texts and numbers, workbook → data gives it back unchanged."""
    raw = copy.deepcopy(canonical(load_framework(fid).raw))
    rng = random.Random(seed)
    rng.choice(raw["questions"])["text"] = text
    item = rng.choice(raw["oit_items"])
    item["requirement"], item["caveat"] = text, caveat
    item["keywords"] = [line for line in text.splitlines() if line.strip()] or ["x"]
    rng.choice(raw["tools"])["weight"] = weight
    raw["pass_target"] = minimum
    raw["levels"][0]["label_en"] = text
    raw = canonical(raw)
    data, _locate = read_workbook("edited.xlsx", export_workbook(raw))
    assert canonical(data) == raw
    load_framework_data(data)  # and it is still a valid edition


def _edited(fid: str, edit) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(export_edition(load_framework(fid))))
    edit(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _problems(data: bytes) -> list[str]:
    with pytest.raises(EditionImportError) as caught:
        read_edition("new.xlsx", data)
    return [p.message(thai=True) for p in caught.value.problems]


def test_every_problem_is_reported_at_once_with_sheet_row_and_column_in_thai():
    def edit(wb):
        wb["questions"]["D3"] = "four_levels"  # an unknown scale
        wb["levels"]["C2"] = "เก้าสิบห้า"  # not a number
        wb["oit_items"]["A4"] = "O1"  # a duplicate code
        wb["oit_items"]["N5"] = "เดาเอา"  # a confidence outside the vocabulary
        wb["sub_items"]["A2"] = "I99"  # a sub-item of no question

    found = _problems(_edited("ita-2569", edit))
    assert "แผ่นงาน 'levels' แถวที่ 2 คอลัมน์ 'min' (C): 'เก้าสิบห้า' ไม่ใช่ตัวเลข" in found
    assert "แผ่นงาน 'sub_items' แถวที่ 2 คอลัมน์ 'question' (A): ไม่มีข้อคำถาม 'I99' ในกรอบนี้" in found
    assert (
        "แผ่นงาน 'questions' แถวที่ 3 คอลัมน์ 'scale' (D): ไม่มีมาตรวัด 'four_levels' (ที่มี: four_level, yes_no, "
        "yes_no_ever)" in found
    )
    assert (
        "แผ่นงาน 'oit_items' แถวที่ 4 คอลัมน์ 'code' (A): ข้อ OIT 'O1' ซ้ำ (ครั้งแรกที่ แผ่นงาน 'oit_items' "
        "แถวที่ 2 คอลัมน์ 'code' (A))"
    ) in found
    assert any(
        p.startswith("แผ่นงาน 'oit_items' แถวที่ 5 คอลัมน์ 'confidence' (N): 'เดาเอา' ไม่ใช่ระดับความมั่นใจ") for p in found
    )
    # a bad cell is one problem: the validator's echo ("levels[0].min: required", at the same cell) is left out
    assert sum("แผ่นงาน 'levels' แถวที่ 2 คอลัมน์ 'min'" in p for p in found) == 1


def test_missing_and_unknown_sheets_and_columns_are_named():
    def edit(wb):
        del wb["levels"]
        wb.create_sheet("ระดับ")
        wb["tools"]["J1"] = "weigth"

    found = _problems(_edited("ita-2568", edit))
    assert "แผ่นงาน 'levels': ไม่พบแผ่นงานนี้" in found
    assert any(p.startswith("แผ่นงาน 'ระดับ': ไม่รู้จักแผ่นงานนี้") for p in found)
    assert any(p.startswith("แผ่นงาน 'tools' แถวที่ 1 คอลัมน์ 'weigth' (J): ไม่รู้จักคอลัมน์นี้") for p in found)


def test_a_formula_looking_text_stays_text_and_no_formula_is_written():
    raw = canonical(load_framework("ita-2569").raw)
    raw["oit_items"][0]["caveat"] = '=HYPERLINK("http://evil.example", "คลิก")'
    data = export_workbook(raw)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    cells = [c for row in workbook["oit_items"].iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    back, _ = read_workbook("x.xlsx", data)
    assert back["oit_items"][0]["caveat"] == raw["oit_items"][0]["caveat"]


def test_yaml_problems_name_the_line():
    text = Path(load_framework("ita-2569").path).read_text(encoding="utf-8")
    broken = text.replace("    scale: four_level\n", "    scale: four_levels\n", 1)
    with pytest.raises(EditionImportError) as caught:
        read_edition("ita-2569.yaml", broken.encode())
    first = caught.value.problems[0]
    line = broken.splitlines().index("    scale: four_levels") + 1
    assert first.where.line == line and first.path == "questions[0].scale"
    assert first.message(thai=True).startswith(f"บรรทัดที่ {line} [questions[0].scale]: ไม่มีมาตรวัด 'four_levels'")


def test_an_alias_bomb_is_refused_before_anything_walks_it():
    """Nine levels of nine aliases stand for 9⁹ strings in a few hundred bytes: refused at once, in Thai too."""
    rows = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    rows += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    bomb = "\n".join([*rows, "id: ita-bomb", "name_th: *a8"]).encode()
    with pytest.raises(EditionImportError) as caught:
        read_edition("bomb.yaml", bomb)
    assert "ใช้ alias ของ YAML" in caught.value.render(thai=True)
    # one alias is enough to be refused; a repeated plain value (a scalar alias) is not a part used twice
    with pytest.raises(EditionImportError):
        read_edition("x.yaml", b"id: x\nsources: &s [a]\nnotes_list: *s\n")


def test_a_part_held_twice_is_written_out_in_full():
    """The writer never uses anchors, so what it writes (an upload made canonical, an export) reads back."""
    shared_part = ["คู่มือ ITA 2568", "หน้า 12"]
    text = dump_edition({"id": "x", "sources": shared_part, "notes": {"seen": shared_part}})
    assert "&" not in text and "*" not in text
    assert yaml.safe_load(text) == {"id": "x", "sources": shared_part, "notes": {"seen": shared_part}}


def test_not_an_edition_file():
    for name, data, expected in [
        ("x.csv", b"a,b\n", "ต้องเป็นไฟล์ .yaml หรือ .xlsx"),
        # openpyxl's message, or the safe-open scan's where prongsai.core.safefiles is present
        ("x.xlsx", b"PK\x03\x04 broken", ("ไม่ใช่ไฟล์ .xlsx ที่อ่านได้", "ไฟล์เสียหาย")),
        ("x.yaml", b"\xff\xfe", "ไฟล์ไม่ได้เข้ารหัสแบบ UTF-8"),
        ("x.yaml", b"- 1\n- 2\n", "เนื้อหาต้องเป็นชุดข้อมูลแบบคีย์-ค่า"),
    ]:
        with pytest.raises(EditionImportError) as caught:
            read_edition(name, data)
        rendered = caught.value.render(thai=True)
        assert any(e in rendered for e in ((expected,) if isinstance(expected, str) else expected)), name
