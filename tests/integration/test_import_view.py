"""The import page: all-or-nothing uploads with every problem listed in Thai, then the new rank."""

from __future__ import annotations

import csv
import html as html_module
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from prongsai.web.audit.models import AuditEntry
from prongsai.web.results.models import AgencyResult, ImportBatch

pytestmark = pytest.mark.django_db

HEADER = "agency,year,i1,i2,i3,i4,i5,i6,i7,i8,i9,i10\n"
SEED_ROW = "ESA-SKN,2562,99.08,96.94,99.30,98.55,98.72,95.75,91.75,89.72,86.81,83.04\n"


def upload(client, round_, text: str, name: str = "results.csv", data: bytes | None = None):
    file = SimpleUploadedFile(name, data if data is not None else text.encode("utf-8"), content_type="text/csv")
    return client.post(reverse("results_import"), {"round": round_.pk, "file": file})


def errors_of(response) -> str:
    html = response.content.decode()
    match = re.search(r'id="import-errors".*?</section>', html, re.DOTALL)
    assert match, "no import-errors element"
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0))))


def total_of(cast, agency):
    return str(AgencyResult.objects.get(round=cast.round_2562, agency=agency).total)


def test_form_has_round_file_and_thai_button(client, cast):
    client.force_login(cast.officer)
    response = client.get(reverse("results_import"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="round"' in html and 'name="file"' in html and 'type="file"' in html
    assert re.search(r"<button[^>]*>\s*นำเข้าผลการประเมิน\s*</button>", html)
    assert '<label for="id_file">' in html and '<label for="id_round">' in html
    # the officer's office is an ESA, so both ESA rounds are offered
    assert set(response.context["rounds"]) == {cast.round_2562, cast.round_2563}


@pytest.mark.parametrize("who", ["director", "staff", "viewer", "assessor"])
def test_only_officers_and_central_may_import(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get(reverse("results_import")).status_code == 403
    assert upload(client, cast.round_2562, HEADER + SEED_ROW).status_code == 403


def test_one_bad_row_lists_the_thai_error_and_imports_nothing(client, cast):
    client.force_login(cast.central)
    batches, audits = ImportBatch.objects.count(), AuditEntry.objects.count()
    text = HEADER + SEED_ROW.replace("99.08", "70.00") + "ESA-OTHER,2562,90,90,abc,90,90,90,90,90,90,90\n"
    response = upload(client, cast.round_2562, text)
    assert response.status_code == 400
    errors = errors_of(response)
    assert "แถวที่ 3" in errors and "คอลัมน์ 'i3'" in errors and "'abc' ไม่ใช่คะแนนระหว่าง 0 ถึง 100" in errors
    assert "ไม่ได้นำเข้าข้อมูลใด" in errors
    # nothing imported: the good row did not change the seed result either
    assert total_of(cast, cast.samutsakhon) == "91.25" and total_of(cast, cast.other_office) == "80.00"
    assert ImportBatch.objects.count() == batches and AuditEntry.objects.count() == audits


def test_every_problem_is_listed(client, cast):
    client.force_login(cast.central)
    text = HEADER + "ESA-SKN,2562,90,90,90,90,90,90,90,90,90,\n" + "ESA-OTHER,2562,90,90,90,90,101,90,90,90,90,90\n"
    errors = errors_of(upload(client, cast.round_2562, text))
    assert "แถวที่ 2" in errors and "คอลัมน์ 'i10'" in errors and "ไม่มีค่า" in errors
    assert "แถวที่ 3" in errors and "คอลัมน์ 'i5'" in errors and "พบปัญหาในไฟล์ 2 รายการ" in errors
    errors = errors_of(upload(client, cast.round_2562, HEADER + SEED_ROW.replace("ESA-SKN", "ESA-NOPE")))
    assert "แถวที่ 2" in errors and "ไม่พบหน่วยงาน 'ESA-NOPE'" in errors


def test_officer_fixes_the_file_imports_and_sees_the_new_rank(client, cast):
    client.force_login(cast.officer)
    dashboard = reverse("agency_dashboard", kwargs={"code": "ESA-SKN"})
    assert "ลำดับที่ 1 จาก 2" in client.get(dashboard).content.decode()

    bad = HEADER + "ESA-SKN,2562,70,70,70,70,70,70,70,70,70,x70\n"
    response = upload(client, cast.round_2562, bad)
    assert response.status_code == 400
    assert "แถวที่ 2" in errors_of(response) and "คอลัมน์ 'i10'" in errors_of(response)
    assert total_of(cast, cast.samutsakhon) == "91.25"

    response = upload(client, cast.round_2562, bad.replace("x70", "70"))
    assert response.status_code == 302
    assert response["Location"] == f"{dashboard}?round={cast.round_2562.pk}"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "นำเข้าผลการประเมิน 1 รายการ" in html  # the success message says how many rows
    assert re.search(r'id="total"[^>]*>70.00<', html)
    assert re.search(r'id="level"[^>]*>C<', html)
    assert re.search(r'id="rank"[^>]*>ลำดับที่ 2 จาก 2<', html)
    assert total_of(cast, cast.samutsakhon) == "70.00"


def test_officer_cannot_import_another_office(client, cast):
    client.force_login(cast.officer)
    response = upload(client, cast.round_2562, HEADER + SEED_ROW.replace("ESA-SKN", "ESA-OTHER"))
    assert response.status_code == 400
    assert "ไม่อยู่ในหน่วยงานที่ท่านรับผิดชอบ" in errors_of(response)
    assert total_of(cast, cast.other_office) == "80.00"


def test_central_import_goes_to_the_national_dashboard(client, cast):
    client.force_login(cast.central)
    text = HEADER + SEED_ROW + "ESA-OTHER,2562,95,95,95,95,95,95,95,95,95,95\n"
    response = upload(client, cast.round_2562, text)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('national')}?round={cast.round_2562.pk}"
    rows = client.get(response["Location"]).context["rows"]
    assert [(r.code, r.rank) for r in rows] == [("ESA-OTHER", 1), ("ESA-SKN", 2)]


def test_xlsx_upload(client, cast):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(["ESA-SKN", 2562, 99.08, 96.94, 99.30, 98.55, 98.72, 95.75, 91.75, 89.72, 86.81, 83.04])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(cast.officer)
    response = upload(client, cast.round_2562, "", name="ผล.xlsx", data=buffer.getvalue())
    assert response.status_code == 302
    assert total_of(cast, cast.samutsakhon) == "91.25"


def test_wrong_kind_of_file_and_size(client, cast):
    client.force_login(cast.officer)
    response = upload(client, cast.round_2562, "hello", name="notes.txt")
    assert response.status_code == 400 and "กรุณาเลือกไฟล์ .csv หรือ .xlsx" in response.content.decode()
    big = HEADER.encode() + b"x" * (5 * 1024 * 1024)
    response = upload(client, cast.round_2562, "", data=big)
    assert response.status_code == 400 and "ไฟล์มีขนาดเกิน 5 MB" in response.content.decode()


def test_round_outside_choices_is_refused(client, cast, django_user_model):
    from prongsai.web.agencies.models import Agency, AgencyKind, Membership, Role

    school_admin = django_user_model.objects.create_user("school_admin", password="x" * 12)
    Membership.objects.create(user=school_admin, agency=cast.school, role=Role.AGENCY_ADMIN)
    assert cast.school.kind == AgencyKind.SCHOOL and Agency.objects.filter(kind="school").exists()
    client.force_login(school_admin)
    response = upload(client, cast.round_2562, HEADER + SEED_ROW)
    assert response.status_code == 400  # no ESA round is offered to a school's officer
    assert AgencyResult.objects.get(round=cast.round_2562, agency=cast.samutsakhon).batch is None


def test_template_csv(client, cast):
    client.force_login(cast.officer)
    response = client.get(reverse("results_import_template"), {"round": cast.round_2562.pk})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["agency", "year"] + [f"i{n}" for n in range(1, 11)]
    assert rows[1][:2] == ["ESA-SKN", "2562"] and len(rows) == 2  # only the ESA the officer manages
    client.force_login(cast.staff)
    assert client.get(reverse("results_import_template"), {"round": cast.round_2562.pk}).status_code == 403
