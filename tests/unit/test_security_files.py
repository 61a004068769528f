"""Files cannot exhaust the machine (issue 9 §2, review H1 and H2).

Bombs are generated here (``tests/bombs.py``): ZIPs of many repeated members, a DOCX with a gigabyte
document.xml, a member whose header lies, nested ZIPs, a directory of 70,000 entries, an XLSX that declares
A1:XFD1048576, one with a single cell at XFD1048576, two with 2,000,000 tiny rows, one that is narrow but
far-reaching, a PDF of 300 Flate streams of 20 MB and one of 3,000 pages.  Each is refused with a named rule
and an English and a Thai reason; memory stays bounded (the refusals run in a child process whose address
space is capped far below what the bombs inflate to), and the text extraction of evidence runs in a child
with its own memory and time limits.  Legitimate files still read.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from prongsai.core import extract, safefiles
from prongsai.core.tabular import InputError, read_table
from tests import bombs

#: bomb → the rule that refuses it (each file is refused by exactly this rule)
ZIP_BOMBS = {
    "docx_many_members": "zip_ratio",
    "docx_huge_document": "zip_entry_size",
    "docx_lying_header": "zip_damaged",
    "nested_zip": "nested_archive",
    "many_entries": "zip_entries",
}
XLSX_BOMBS = {
    "xlsx_dimension_bomb": "sheet_dimension",
    "xlsx_far_cell": "sheet_rows",
    "xlsx_many_rows": "sheet_rows",
    "xlsx_wide_and_tall": "sheet_cells",
}
PDF_BOMBS = {"pdf_flate_streams": "pdf_inflated", "pdf_many_pages": "pdf_pages"}


@pytest.fixture(scope="module")
def made():
    """Every bomb, built once (a few MB each)."""
    names = [*ZIP_BOMBS, *XLSX_BOMBS, *PDF_BOMBS]
    files = {name: getattr(bombs, name)() for name in names}
    files["xlsx_many_rows_compressible"] = bombs.xlsx_many_rows(compressible=True)
    return files


@pytest.mark.parametrize(("name", "code"), ZIP_BOMBS.items())
def test_zip_bombs_are_refused_by_their_rule(made, name, code):
    with pytest.raises(safefiles.FileTooComplex) as refused:
        safefiles.check_zip(made[name])
    assert refused.value.code == code
    assert refused.value.th.startswith("ไฟล์") and refused.value.en


@pytest.mark.parametrize(("name", "code"), [*XLSX_BOMBS.items(), ("xlsx_many_rows_compressible", "zip_ratio")])
def test_xlsx_bombs_are_refused_before_openpyxl(made, name, code, monkeypatch):
    import openpyxl

    def never(*args, **kwargs):
        raise AssertionError("openpyxl must not open a refused workbook")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    with pytest.raises(safefiles.FileTooComplex) as refused:
        safefiles.scan_xlsx(made[name])
    assert refused.value.code == code
    with pytest.raises(InputError) as problem:
        read_table("results.xlsx", data=made[name])
    assert problem.value.problems[0].th == refused.value.th
    assert "ไฟล์ซับซ้อนเกินไป" in problem.value.render(thai=True)


def test_the_messages_say_what_to_do(made):
    with pytest.raises(safefiles.FileTooComplex) as dimension:
        safefiles.scan_xlsx(made["xlsx_dimension_bomb"])
    assert "A1:XFD1048576" in dimension.value.th and "คัดลอกเฉพาะข้อมูล" in dimension.value.th
    with pytest.raises(safefiles.FileTooComplex) as rows:
        safefiles.scan_xlsx(made["xlsx_far_cell"])
    assert "1,048,576" in rows.value.th and "100,000 แถว" in rows.value.th


@pytest.mark.parametrize(("name", "code"), PDF_BOMBS.items())
def test_pdf_bombs_are_refused(made, name, code):
    with pytest.raises(safefiles.FileTooComplex) as refused:
        safefiles.scan_pdf(made[name])
    assert refused.value.code == code


def test_a_header_that_lies_never_yields_more_than_it_declares():
    data = bombs.docx_lying_header(actual=8 * bombs.MiB, declared=5_000)
    with safefiles.SafeZip(data, replace(safefiles.DEFAULT, max_zip_ratio=10**9)) as package:
        assert package.info("word/document.xml").file_size == 5_000
        with pytest.raises(safefiles.FileTooComplex) as refused:
            for _ in package.chunks("word/document.xml"):
                pass
        assert refused.value.code == "zip_damaged"
        assert package.inflated <= 5_000 + 8  # the declared size (and the 8 bytes peeked at opening)


def test_the_reading_budget_is_counted_across_members():
    members = [bombs.member("word/document.xml", b"<w:t>x</w:t>" * 1000)]
    members += [bombs.member(f"word/p{i}.xml", os.urandom(bombs.MiB)) for i in range(6)]  # 1 MB each
    data = bombs.raw_zip(members)
    limits = replace(safefiles.DEFAULT, max_zip_total_bytes=10 * bombs.MiB)
    with safefiles.SafeZip(data, limits) as package:
        for i in range(6):
            package.read(f"word/p{i}.xml")
    tight = replace(limits, max_zip_total_bytes=4 * bombs.MiB)
    with pytest.raises(safefiles.FileTooComplex) as refused:
        safefiles.SafeZip(data, tight)  # declared total already over
    assert refused.value.code == "zip_total"


def test_office_embeddings_are_counted_not_opened():
    inner = bombs.raw_zip([bombs.member("payload.txt", b"x" * 1000)])
    base = [
        bombs.Member("[Content_Types].xml", *bombs.deflated(bombs.CONTENT_TYPES, 1)),
        bombs.member("word/document.xml", b"<w:document/>"),
    ]
    ok = bombs.raw_zip(base + [bombs.Member("word/embeddings/chart1.xlsx", inner, 0, len(inner), stored=True)])
    assert "word/embeddings/chart1.xlsx" in safefiles.check_zip(ok)
    too_many = bombs.raw_zip(
        base
        + [
            bombs.Member(f"word/embeddings/o{i}.xlsx", inner, 0, len(inner), stored=True)
            for i in range(safefiles.MAX_NESTED_ARCHIVES + 1)
        ]
    )
    with pytest.raises(safefiles.FileTooComplex) as refused:
        safefiles.check_zip(too_many)
    assert refused.value.code == "nested_archive"


def test_dimension_and_column_arithmetic():
    assert safefiles.column_number("A") == 1 and safefiles.column_number("XFD") == 16_384
    assert safefiles.dimension_size("A1:XFD1048576") == (1_048_576, 16_384)
    assert safefiles.dimension_size("B2") == (1, 1)
    assert safefiles.dimension_size("nonsense") is None


# ---------------------------------------------------------------------------------------- legitimate files


def test_a_real_workbook_reads_with_gaps_kept_and_the_empty_tail_dropped():
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["code", "name", "score"])
    sheet.append(["ESA-SKN", "สพป.สมุทรสาคร", 91.25])
    sheet.cell(row=5, column=1, value="ESA-X")  # rows 3 and 4 empty: a gap before data
    sheet.cell(row=20_000, column=2).number_format = "0.00"  # a formatted, empty cell far below
    buffer = io.BytesIO()
    workbook.save(buffer)
    scan = safefiles.scan_xlsx(buffer.getvalue())
    assert scan.max_row >= 5
    table = read_table("x.xlsx", data=buffer.getvalue())
    assert table.header == ["code", "name", "score"]
    assert table.rows == [["ESA-SKN", "สพป.สมุทรสาคร", "91.25"], ["", "", ""], ["", "", ""], ["ESA-X", "", ""]]


def test_a_large_csv_is_refused_with_the_limits_named(tmp_path):
    rows = "\n".join(f"A{i},x" for i in range(safefiles.MAX_SHEET_ROWS + 5))
    with pytest.raises(InputError) as refused:
        read_table("big.csv", data=("code,name\n" + rows).encode())
    assert "100,000 แถว" in refused.value.render(thai=True)


def test_evidence_text_of_real_files_still_reads():
    from prongsai.web.oit.testing import docx_bytes, pdf_bytes

    docx = extract.extract(docx_bytes("รายงาน ปี ๒๕๖๓"))
    assert docx.problem is None and docx.extracted and "๒๕๖๓" in docx.text
    pdf = extract.extract(pdf_bytes("Annual report 2562", compress=True))
    assert pdf.problem is None and "2562" in pdf.text
    assert extract.extract(b"<html><body>ok 2563</body></html>", "text/html").text.strip() == "ok 2563"


# ------------------------------------------------------------------------------------------ child process


@pytest.mark.parametrize(
    "name", ["docx_many_members", "docx_huge_document", "nested_zip", "pdf_flate_streams", "pdf_many_pages"]
)
def test_evidence_extraction_of_a_bomb_ends_with_a_refusal(made, name):
    result = extract.extract(made[name])
    assert result.problem is not None and result.text == ""
    assert result.problem.code == {**ZIP_BOMBS, **PDF_BOMBS}[name]


def test_the_child_is_stopped_by_its_memory_limit():
    """A file within every size rule whose reading still needs more memory than the child may have."""
    data = bombs.docx_big_text(40 * bombs.MiB)  # 40 MB of text: passes the ZIP rules (ratio ~2)
    safefiles.check_zip(data)
    result = extract.extract(data, memory=48 * bombs.MiB)
    assert result.problem is not None and result.problem.code == "memory"
    assert "หน่วยความจำ" in result.problem.th
    roomy = extract.extract(data, memory=1024 * bombs.MiB)
    # read, and cut at the text cap (so reported as partial, never as "year not in the file")
    assert roomy.problem is None and len(roomy.text) == extract.MAX_TEXT_CHARS and roomy.extracted is False


def test_the_child_is_killed_at_its_wall_clock_limit():
    from prongsai.web.oit.testing import pdf_bytes

    result = extract.extract(pdf_bytes("x"), timeout=0.001)  # no interpreter starts in a millisecond
    assert result.problem is not None and result.problem.code == "timeout"
    assert "วินาที" in result.problem.th


def test_html_reading_is_linear_on_hostile_markup():
    """Thousands of unclosed <script, <!-- and < would make a backtracking reader quadratic (minutes)."""
    hostile = "<p>ปี ๒๕๖๓</p>" + "<script" * 200_000 + "<!--" * 200_000 + "<" * 2_000_000
    text = extract.html_text(hostile)
    assert "ปี ๒๕๖๓" in text
    assert extract.html_text("a<script>x</script>b<!-- c -->d<img alt='ภาพ 2563'>e").split() == [
        "a",
        "b",
        "d",
        "e",
        "ภาพ",
        "2563",
    ]


CHILD = """
import json, resource, sys
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from prongsai.core import extract, safefiles
from prongsai.core.tabular import InputError, read_table
out = {}
for path in sys.argv[2:]:
    data = open(path, "rb").read()
    name = path.rsplit("/", 1)[-1]
    try:
        if name.startswith("xlsx"):
            read_table(name + ".xlsx", data=data)
            out[name] = "read"
        else:
            result = extract.text_of(data)
            out[name] = result.problem.code if result.problem else "read"
    except InputError as exc:
        out[name] = "refused: " + exc.problems[0].en
    except MemoryError:
        out[name] = "MemoryError"
print(json.dumps(out))
"""


def test_memory_stays_bounded_whatever_the_bombs_declare(made, tmp_path):
    """The refusals run in a child capped at 256 MB of address space (Python and its libraries take ~60 MB);
    the bombs inflate to gigabytes, so any attempt to inflate them would fail there with MemoryError."""
    paths = []
    for name, data in made.items():
        path = tmp_path / name
        path.write_bytes(data)
        paths.append(str(path))
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(256 * 1024 * 1024), *paths],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        check=False,
    )
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout)
    for name, code in {**ZIP_BOMBS, **PDF_BOMBS}.items():
        assert outcome[name] == code, (name, outcome[name])
    for name in XLSX_BOMBS:
        assert outcome[name].startswith("refused: "), (name, outcome[name])


def test_a_link_check_says_complex_or_damaged_as_it_is():
    from prongsai.web.oit import linkcheck

    complex_ = linkcheck.CheckResult(url="x", years_expected=[2563])
    linkcheck.analyse_body(complex_, bombs.nested_zip(), "", ["โครงสร้าง"])
    assert [p.code for p in complex_.problems] == ["too_complex"]
    assert complex_.problems[0].message.startswith("ตรวจไม่ได้ — ไฟล์ซับซ้อนเกินไป (มีไฟล์บีบอัดซ้อน")
    damaged = linkcheck.CheckResult(url="x", years_expected=[2563])
    linkcheck.analyse_body(damaged, bombs.docx_lying_header(), "", ["โครงสร้าง"])
    assert [p.code for p in damaged.problems] == ["unreadable_file"]
    assert damaged.problems[0].message.startswith("ตรวจไม่ได้ — ไฟล์เสียหาย")
    assert complex_.verdict == damaged.verdict == "warning" and not damaged.text_extracted
