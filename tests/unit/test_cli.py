"""The command-line contract: `prongsai score`, `score-responses` and `frameworks`, and their errors (exit 2)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from prongsai.cli import main
from prongsai.core.framework import load_framework
from prongsai.core.thai import to_thai_digits

SEED = Path(__file__).parent.parent.parent / "prongsai" / "examples" / "seed-samutsakhon-2562.csv"
HEADER = ["agency", "year"] + [f"i{n}" for n in range(1, 11)]
SEED_SCORES = ["99.08", "96.94", "99.30", "98.55", "98.72", "95.75", "91.75", "89.72", "86.81", "83.04"]


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def write_csv(path: Path, rows, header=HEADER, encoding="utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_seed_scores_give_91_25_level_a(capsys):
    code, out, err = run(capsys, "score", str(SEED), "--format", "json")
    assert code == 0 and err == ""
    [record] = json.loads(out)
    assert record == {
        "agency": "สพป.สมุทรสาคร",
        "year": 2562,
        "framework": "ita-2562-esa",
        "iit": 98.52,
        "eit": 92.41,
        "oit": 84.93,
        "total": 91.25,
        "level": "A",
        "rank": 1,
    }


def test_table_and_csv_formats(capsys):
    code, out, _ = run(capsys, "score", str(SEED))
    assert code == 0 and "91.25" in out and "สพป.สมุทรสาคร" in out
    code, out, _ = run(capsys, "score", str(SEED), "--format", "csv")
    rows = list(csv.DictReader(out.splitlines()))
    assert rows[0]["total"] == "91.25" and rows[0]["level"] == "A"


def test_ranks_are_competition_ranks_within_groups(tmp_path, capsys):
    path = write_csv(
        tmp_path / "r.csv",
        [
            ["ก", 2563, "90", "90", "80"],
            ["ข", 2563, "95", "95", "95"],
            ["ค", 2563, "90", "90", "80"],
            ["ง", 2563, "70", "70", "70"],
        ],
        header=["agency", "year", "iit", "eit", "oit", "region"][:5],
    )
    code, out, _ = run(capsys, "score", str(path), "--format", "json")
    assert code == 0
    assert [(r["agency"], r["total"], r["rank"]) for r in json.loads(out)] == [
        ("ก", 86.0, 2),
        ("ข", 95.0, 1),
        ("ค", 86.0, 2),
        ("ง", 70.0, 4),
    ]
    grouped = write_csv(
        tmp_path / "g.csv",
        [
            ["ก", 2563, "90", "90", "80", "เหนือ"],
            ["ข", 2563, "95", "95", "95", "ใต้"],
            ["ค", 2563, "91", "90", "80", "เหนือ"],
        ],
        header=["agency", "year", "iit", "eit", "oit", "region"],
    )
    code, out, _ = run(capsys, "score", str(grouped), "--format", "json", "--group-by", "region")
    assert [(r["agency"], r["rank"], r["region"]) for r in json.loads(out)] == [
        ("ก", 2, "เหนือ"),
        ("ข", 1, "ใต้"),
        ("ค", 1, "เหนือ"),
    ]


def test_thai_digits_are_accepted(tmp_path, capsys):
    path = write_csv(
        tmp_path / "thai.csv", [["สพป.สมุทรสาคร", to_thai_digits("2562")] + [to_thai_digits(s) for s in SEED_SCORES]]
    )
    code, out, _ = run(capsys, "score", str(path), "--format", "json")
    assert code == 0 and json.loads(out)[0]["total"] == 91.25


def test_xlsx_input(tmp_path, capsys):
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER)
    workbook.active.append(["สพป.สมุทรสาคร", 2562, *[float(s) for s in SEED_SCORES]])
    workbook.save(tmp_path / "seed.xlsx")
    code, out, _ = run(capsys, "score", str(tmp_path / "seed.xlsx"), "--format", "json")
    assert code == 0 and json.loads(out)[0]["total"] == 91.25 and json.loads(out)[0]["level"] == "A"


def test_explicit_framework_overrides_the_year(capsys):
    code, out, _ = run(capsys, "score", str(SEED), "--framework", "ita-2566", "--format", "json")
    assert code == 0 and json.loads(out)[0]["level"] == "ผ่าน"  # 91.25 ≥ 85 but OIT 84.93 < 85


@pytest.mark.parametrize(
    "rows, header, expected",
    [
        (
            [["สพป.ก", 2562, *SEED_SCORES[:9], "105"]],
            HEADER,
            "row 2, column 'i10': '105' is not a score between 0 and 100",
        ),
        ([["สพป.ก", 2562, *SEED_SCORES[:9], "ดี"]], HEADER, "row 2, column 'i10'"),
        ([["สพป.ก", 2562, *SEED_SCORES]], HEADER[:-1], "missing indicator column(s) i10"),
        ([["สพป.ก", 2019, *SEED_SCORES]], HEADER, "row 2, column 'year': '2019' is not a B.E. fiscal year"),
        ([["สพป.ก", 2562, *SEED_SCORES], ["", 2562, *SEED_SCORES]], HEADER, "row 3, column 'agency': agency is empty"),
        ([["สพป.ก", 2562, *SEED_SCORES], ["สพป.ก", 2562, *SEED_SCORES]], HEADER, "already appears in row 2"),
        ([["สพป.ก", 2562]], ["agency", "year"], "needs indicator columns i1…i10 or tool columns"),
        ([["สพป.ก", 2562, "90"]], ["agency", "yr", "i1"], "missing column(s) year"),
        ([["สพป.ก", 2599, *SEED_SCORES]], HEADER, "no framework edition for 2599"),
    ],
)
def test_bad_input_gives_one_clear_message_and_exit_2(tmp_path, capsys, rows, header, expected):
    code, out, err = run(capsys, "score", str(write_csv(tmp_path / "bad.csv", rows, header)), "--format", "json")
    assert code == 2
    assert out == ""  # nothing written
    assert expected in err and "bad.csv" in err
    assert "Traceback" not in err


def test_unknown_framework_empty_file_and_wrong_encoding(tmp_path, capsys):
    code, out, err = run(capsys, "score", str(SEED), "--framework", "ita-1999")
    assert code == 2 and "unknown framework 'ita-1999'" in err and out == ""
    (tmp_path / "empty.csv").write_bytes(b"")
    code, out, err = run(capsys, "score", str(tmp_path / "empty.csv"))
    assert code == 2 and "empty.csv: the file is empty" in err
    tis = write_csv(tmp_path / "tis.csv", [["สพป.สมุทรสาคร", 2562, *SEED_SCORES]], encoding="cp874")
    code, out, err = run(capsys, "score", str(tis))
    assert code == 2 and "not UTF-8" in err and "TIS-620" in err
    code, out, err = run(capsys, "score", str(tmp_path / "missing.csv"))
    assert code == 2 and "file not found" in err


def test_indicators_and_tools_must_agree_when_both_are_given(tmp_path, capsys):
    header = HEADER + ["iit", "eit", "oit"]
    good = write_csv(tmp_path / "g.csv", [["สพป.ก", 2562, *SEED_SCORES, "98.52", "92.41", "84.93"]], header)
    assert run(capsys, "score", str(good))[0] == 0
    bad = write_csv(tmp_path / "b.csv", [["สพป.ก", 2562, *SEED_SCORES, "98.52", "92.41", "90.00"]], header)
    code, _, err = run(capsys, "score", str(bad))
    assert code == 2 and "column 'oit'" in err and "84.93" in err


def test_the_installed_command_prints_no_traceback(tmp_path):
    bad = write_csv(tmp_path / "bad.csv", [["สพป.ก", 2562, *SEED_SCORES[:9], "-3"]])
    result = subprocess.run([sys.executable, "-m", "prongsai.cli", "score", str(bad)], capture_output=True, text=True)
    assert result.returncode == 2 and "Traceback" not in result.stderr and "column 'i10'" in result.stderr


# ------------------------------------------------------------------------------------------ raw responses


def responses_file(tmp_path: Path, tool: str, rows: list[dict], name: str) -> Path:
    """One row per respondent; fields not given get their best-scoring option (after reversal)."""
    fw = load_framework("ita-2563-esa")
    fields = fw.answer_fields(tool)
    best = {f.code: max(range(len(f.scale.options)), key=lambda i: f.scale.score(i, f.reverse)) for f in fields}
    labels = {f.code: f.scale.options[best[f.code]].label for f in fields}
    return write_csv(
        tmp_path / name,
        [[r.get("agency", "ก")] + [r.get(f.code, labels[f.code]) for f in fields] for r in rows],
        header=["agency", *[f.code for f in fields]],
    )


def oit_file(tmp_path: Path, rows: dict[str, dict[str, str]]) -> Path:
    fw = load_framework("ita-2563-esa")
    codes = [o.code for o in fw.oit_items]
    return write_csv(
        tmp_path / "oit.csv",
        [[agency] + [values.get(c, "100") for c in codes] for agency, values in rows.items()],
        header=["agency", *codes],
    )


def test_score_responses_from_labels_and_indexes(tmp_path, capsys):
    iit = responses_file(
        tmp_path, "IIT", [{"agency": "ก", "I1.1": "3"}, {"agency": "ก", "I4.1": "มี"}, {"agency": "ข"}], "iit.csv"
    )
    eit = responses_file(tmp_path, "EIT", [{"agency": "ก"}, {"agency": "ข", "E8": "ไม่มี"}], "eit.csv")
    oit = oit_file(tmp_path, {"ก": {"O1": "0", "O42": "NA"}, "ข": {}})
    code, out, err = run(
        capsys,
        "score-responses",
        "--framework",
        "ita-2563-esa",
        "--iit",
        str(iit),
        "--eit",
        str(eit),
        "--oit",
        str(oit),
        "--format",
        "json",
    )
    assert code == 0, err
    by_agency = {r["agency"]: r for r in json.loads(out)}
    a, b = by_agency["ก"], by_agency["ข"]
    # I1.1 answered "มาก" (66.67) by one of two respondents → 83.335 → 83.34 half-up
    assert a["items"]["I1.1"] == 83.34
    # I4.1 is reversed yes/no: "มี" (money demanded) scores 0 → mean 50
    assert a["items"]["I4.1"] == 50.0
    assert a["respondents_iit"] == 2 and a["respondents_eit"] == 1
    assert a["indicators"]["9"] == round(100 * 32 / 33, 2)  # O1 failed; 33 items under indicator 9
    assert a["indicators"]["10"] == 100.0  # O42 not applicable: mean of the other nine
    assert b["eit"] < 100 and b["items"]["E8"] == 0.0
    assert a["total"] > b["total"] and (a["rank"], b["rank"]) == (1, 2)
    assert set(a) >= {"agency", "year", "framework", "iit", "eit", "oit", "total", "level", "rank", "indicators"}


def test_score_responses_rejects_an_answer_that_is_not_an_option(tmp_path, capsys):
    iit = responses_file(tmp_path, "IIT", [{}, {"I9": "บ่อยมาก"}], "iit.csv")
    code, out, err = run(capsys, "score-responses", "--framework", "ita-2563-esa", "--iit", str(iit))
    assert code == 2 and out == ""
    assert "iit.csv, row 3, column 'I9': 'บ่อยมาก': not an option" in err


def test_score_responses_rejects_partial_scores_on_pass_fail_items(tmp_path, capsys):
    oit = oit_file(tmp_path, {"ก": {"O5": "50"}, "ข": {"O6": ""}})
    code, _, err = run(capsys, "score-responses", "--framework", "ita-2563-esa", "--oit", str(oit))
    assert code == 2
    assert "row 2, column 'O5'" in err and "pass/fail" in err
    assert "row 3, column 'O6': empty" in err


def test_frameworks_commands(capsys):
    code, out, _ = run(capsys, "frameworks", "list")
    assert code == 0 and "ita-2566" in out and "ผ่านดีเยี่ยม" in out
    code, out, _ = run(capsys, "frameworks", "show", "ita-2563-esa")
    assert code == 0 and "I18.2" in out and "O43" in out and "(6% of the total)" in out
    code, out, _ = run(capsys, "frameworks", "show", "ita-2563-esa", "--format", "json")
    assert json.loads(out)["indicators"][8]["weight_in_total"] == 20
    code, out, _ = run(capsys, "frameworks", "diff", "ita-2564", "ita-2566")
    assert code == 0 and "merged" in out and "+ added" in out
    code, _, err = run(capsys, "frameworks", "show", "nope")
    assert code == 2 and "unknown framework" in err
