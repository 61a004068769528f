"""`prongsai frameworks show|diff|check|export|import --check`, `score` by year and `score-responses` for 2569."""

from __future__ import annotations

import csv
import io
import json
from fractions import Fraction
from pathlib import Path

import openpyxl

from prongsai.cli import main
from prongsai.core.framework import load_framework
from prongsai.core.scoring import score_agency


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_show_marks_provisional_items(capsys):
    code, out, _ = run(capsys, "frameworks", "show", "ita-2569")
    assert code == 0
    assert "o1 (O1) โครงสร้าง หน้าที่และอำนาจ [pass_fail, 3 elements; data current; corroborated]" in out
    assert "o7 (O7) รายงานผลการดำเนินงานประจำปี [pass_fail; data previous; provisional] [?]" in out
    assert "[?] = provisional (ชั่วคราว ยังไม่ยืนยัน): 70 of 71" in out
    code, out, _ = run(capsys, "frameworks", "show", "ita-2570", "--format", "json")
    data = json.loads(out)
    assert data["provisional"] is True and all(o["provisional"] for o in data["oit_items"])
    code, out, _ = run(capsys, "frameworks", "show", "ita-2569", "--variant", "esa")
    assert code == 0 and "(variant esa)" in out and "agency types esa;" in out
    code, _, err = run(capsys, "frameworks", "show", "ita-2569", "--variant", "hospital")
    assert code == 2 and "unknown variant 'hospital'" in err


def test_diff_2566_to_2568_shows_merges_and_renumbering(capsys):
    code, out, _ = run(capsys, "frameworks", "diff", "ita-2566", "ita-2568")
    assert code == 0
    assert "~ merged    O1 โครงสร้าง [9 / 9.1], O3 อำนาจหน้าที่ [9 / 9.1]  →  o1 โครงสร้างและอำนาจหน้าที่ [9]" in out
    assert "~ moved     O30 การเปิดโอกาสให้เกิดการมีส่วนร่วม [9 / 9.5]  →  o20 การเปิดโอกาสให้เกิดการมีส่วนร่วม [9]" in out
    assert "+ added     o22 รายงานการรับทรัพย์สินหรือประโยชน์อื่นใดโดยธรรมจรรยา [10]" in out
    code, out, _ = run(capsys, "frameworks", "diff", "ita-2566", "ita-2568", "--format", "json")
    merged = [c for c in json.loads(out)["changes"] if c["kind"] == "merged"]
    assert {"code": "O1", "display_code": "o1"}.items() <= merged[0]["new"][0].items()


def test_export_then_check_then_import_check(tmp_path, capsys):
    target = tmp_path / "ita-2569.xlsx"
    code, out, _ = run(capsys, "frameworks", "export", "ita-2569", str(target))
    assert code == 0 and "wrote ita-2569" in out
    code, out, _ = run(capsys, "frameworks", "check", str(target))
    assert code == 0 and "ita-2569.xlsx: ok (ita-2569: 45 questions, 26 OIT items, 70 provisional)" in out
    code, out, _ = run(capsys, "frameworks", "import", str(target), "--check")
    assert code == 0 and "nothing stored (--check)" in out
    yaml_target = tmp_path / "copy.yaml"
    assert run(capsys, "frameworks", "export", "ita-2569", str(yaml_target))[0] == 0
    assert "id: ita-2569" in yaml_target.read_text(encoding="utf-8")
    assert run(capsys, "frameworks", "export", "ita-2569", str(tmp_path / "x.docx"))[0] == 2


def test_a_bad_workbook_exits_2_naming_sheet_row_and_column(tmp_path, capsys):
    path = tmp_path / "new.xlsx"
    assert run(capsys, "frameworks", "export", "ita-2568", str(path))[0] == 0
    workbook = openpyxl.load_workbook(path)
    workbook["oit_items"]["D3"] = "สิบ"  # indicator must be a whole number
    workbook["tools"]["E2"] = -5  # weight below 0
    workbook.save(path)
    code, out, err = run(capsys, "frameworks", "import", str(path), "--check")
    assert code == 2 and out == ""
    assert "2 problem(s); nothing was imported / พบปัญหา 2 รายการ" in err
    assert "new.xlsx: sheet 'oit_items', row 3, column 'indicator' (D): 'สิบ' is not a whole number" in err
    assert "    แผ่นงาน 'oit_items' แถวที่ 3 คอลัมน์ 'indicator' (D): 'สิบ' ไม่ใช่จำนวนเต็ม" in err
    assert "sheet 'tools', row 2, column 'weight' (E): -5 is outside 0–100" in err  # every problem at once
    code, _, err = run(capsys, "frameworks", "check", str(path))
    assert code == 2 and "'สิบ'" in err and "-5 is outside" in err


def test_score_picks_the_edition_of_each_row_by_fiscal_year(tmp_path, capsys):
    path = tmp_path / "r.csv"
    path.write_text(
        "agency,year,iit,eit,oit\nก,2567,90,84.9,90\nข,2569,90,84.9,90\nค,2570,96,96,96\n", encoding="utf-8"
    )
    code, out, _ = run(capsys, "score", str(path), "--format", "json")
    assert code == 0
    rows = {r["agency"]: r for r in json.loads(out)}
    assert (rows["ก"]["framework"], rows["ข"]["framework"], rows["ค"]["framework"]) == (
        "ita-2566",
        "ita-2569",
        "ita-2570",
    )
    assert rows["ข"]["level"] == "ผ่าน"  # 88.47 but the EIT below 85: not ผ่านดี (NACC 2568)
    assert rows["ค"]["level"] == "ผ่านดีเยี่ยม"


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def test_score_responses_for_a_2569_agency_from_raw_data(tmp_path, capsys):
    """Forms (IIT/EIT answers by label), OIT 100/0 per item, level: the CLI agrees with the plain engine."""
    fw = load_framework("ita-2569")
    responses = {"IIT": [], "EIT": []}
    files = {}
    for tool in ("IIT", "EIT"):
        fields = fw.answer_fields(tool)
        rows = []
        for r in range(7):  # seven respondents with varied answers
            answer = {f.code: (r + i) % len(f.scale.options) for i, f in enumerate(fields)}
            responses[tool].append(answer)
            rows.append(["สพป.สมุทรสาคร"] + [f.scale.options[answer[f.code]].label for f in fields])
        files[tool] = _write(tmp_path / f"{tool}.csv", ["agency", *[f.code for f in fields]], rows)
    failed = {"O7", "O12", "O22"}  # three items fail: 0; the others pass: 100
    oit = {o.code: Fraction(0 if o.code in failed else 100) for o in fw.oit_items}
    files["OIT"] = _write(
        tmp_path / "oit.csv", ["agency", *oit], [["สพป.สมุทรสาคร", *[str(int(v)) for v in oit.values()]]]
    )
    code, out, err = run(
        capsys,
        "score-responses",
        "--framework",
        "ita-2569",
        "--iit",
        str(files["IIT"]),
        "--eit",
        str(files["EIT"]),
        "--oit",
        str(files["OIT"]),
        "--year",
        "2569",
        "--format",
        "json",
    )
    assert code == 0, err
    [record] = json.loads(out)
    expected = score_agency(fw, responses, oit)
    assert record["framework"] == "ita-2569" and record["year"] == 2569
    assert record["total"] == float(expected.total_rounded) and record["level"] == expected.level
    assert record["oit"] == float(expected.tools_rounded["OIT"])
    # indicator 9 holds o1–o19 but o15 (ethics, under 10 as in 2566): o7 and o12 fail among 18; o22 among 8
    assert record["indicators"]["9"] == round(100 * 16 / 18, 2) and record["indicators"]["10"] == 87.5
    assert record["items"]["O7"] == 0.0 and record["items"]["O1"] == 100.0
    bad = _write(tmp_path / "bad.csv", ["agency", *oit], [["สพป.สมุทรสาคร", "50", *["100"] * (len(oit) - 1)]])
    code, _, err = run(capsys, "score-responses", "--framework", "ita-2569", "--oit", str(bad))
    assert code == 2 and "O1" in err  # a pass/fail item scores 0 or 100
