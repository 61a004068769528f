"""Files cannot exhaust the machine, told with the cast (issue 9 §2, review H1, H2, M3, M8).

The officer uploads bombs everywhere a file is taken: the results import, the people import (and the central admin
the agencies import), OIT evidence and DOCX templates; each is refused with a Thai message in the form, nothing
is stored, and the server answers the next request.  ``prongsai import-results`` exits 2 with the reason.  A
link that serves a bomb is checked in the worker: the check ends recorded as "ตรวจไม่ได้ — ไฟล์ซับซ้อนเกินไป",
visible on the item, never pending.  A check that raises is recorded too.  The analysis of an upload runs
outside any database transaction.
"""

from __future__ import annotations

import errno
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from prongsai.web.documents.models import DocumentTemplate
from prongsai.web.oit import services
from prongsai.web.oit.models import EvidenceFile, EvidenceLink, LinkCheck
from prongsai.web.oit.tasks import run_pending_checks
from prongsai.web.results.models import AgencyResult, ImportBatch
from tests import bombs

pytestmark = pytest.mark.django_db

XLSX_BOMBS = [
    "xlsx_dimension_bomb",
    "xlsx_far_cell",
    "xlsx_many_rows",
    "xlsx_many_rows_compressible",
    "xlsx_wide_and_tall",
]
DOCX_BOMBS = ["docx_many_members", "docx_huge_document", "docx_lying_header", "nested_zip"]
PDF_BOMBS = ["pdf_flate_streams", "pdf_many_pages"]


@pytest.fixture(scope="module")
def made():
    files = {
        name: getattr(bombs, name)()
        for name in DOCX_BOMBS + PDF_BOMBS + ["xlsx_dimension_bomb", "xlsx_far_cell", "xlsx_wide_and_tall"]
    }
    # imports take 5 MB at most: a million varied rows (3 MB) and two million alike (140 KB)
    files["xlsx_many_rows"] = bombs.xlsx_many_rows(1_000_000)
    files["xlsx_many_rows_compressible"] = bombs.xlsx_many_rows(2_000_000, compressible=True)
    assert all(len(files[n]) < 5 * bombs.MiB for n in XLSX_BOMBS)
    return files


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.PRONGSAI_LINKCHECK_ALLOW_LOOPBACK = True
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    return tmp_path


def _server_still_answers(client) -> None:
    assert client.get(reverse("healthz")).status_code == 200


# ---------------------------------------------------------------------------------------------- imports


@pytest.mark.parametrize("name", XLSX_BOMBS)
def test_results_import_refuses_an_xlsx_bomb(client, cast, made, name):
    client.force_login(cast.officer)
    file = SimpleUploadedFile("results.xlsx", made[name])
    response = client.post(reverse("results_import"), {"round": cast.round_2563.pk, "file": file})
    assert response.status_code == 400
    assert "ไฟล์ซับซ้อนเกินไป" in response.content.decode()
    assert not ImportBatch.objects.exists() and not AgencyResult.objects.filter(round=cast.round_2563).exists()
    _server_still_answers(client)


@pytest.mark.parametrize("name", ["xlsx_dimension_bomb", "xlsx_far_cell", "xlsx_wide_and_tall"])
def test_agencies_and_people_imports_refuse_an_xlsx_bomb(client, cast, made, name):
    from prongsai.web.agencies.models import Agency, Membership

    agencies, memberships = Agency.objects.count(), Membership.objects.count()
    for user, what in ((cast.central, "agencies"), (cast.officer, "people")):
        client.force_login(user)
        response = client.post(
            reverse("agencies_manage_import"), {"what": what, "file": SimpleUploadedFile("list.xlsx", made[name])}
        )
        assert response.status_code == 400, what
        assert "ไฟล์ซับซ้อนเกินไป" in response.content.decode()
    assert (Agency.objects.count(), Membership.objects.count()) == (agencies, memberships)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("xlsx_dimension_bomb", "declares the range A1:XFD1048576"),
        ("xlsx_many_rows", "reaches row"),
        ("xlsx_many_rows_compressible", "is compressed"),
    ],
)
def test_cli_import_results_exits_2_with_the_reason(cast, made, name, expected, tmp_path, capsys):
    from prongsai.cli import main

    path = tmp_path / "results.xlsx"
    path.write_bytes(made[name])
    assert main(["import-results", str(path), "--round", str(cast.round_2563.pk)]) == 2
    err = capsys.readouterr().err
    assert "nothing was imported" in err and expected in err
    assert not ImportBatch.objects.exists()


# --------------------------------------------------------------------------------------- evidence uploads


def item_url(name, cast, item):
    return reverse(name, args=[cast.round_2563.pk, cast.samutsakhon.code, item])


@pytest.mark.parametrize(
    ("name", "filename"),
    [
        *((n, "report.docx") for n in DOCX_BOMBS),
        *((n, "report.pdf") for n in PDF_BOMBS),
        ("xlsx_dimension_bomb", "data.xlsx"),
        ("xlsx_many_rows", "data.xlsx"),
        ("xlsx_far_cell", "data.xlsx"),
    ],
)
def test_an_evidence_bomb_is_refused_in_the_form(client, cast, made, name, filename):
    client.force_login(cast.officer)
    response = client.post(
        item_url("oit_upload", cast, "O1"), {"file": SimpleUploadedFile(filename, made[name]), "label": "รายงานประจำปี"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    # a header that lies is a damaged file; every other bomb is "too complex"
    assert ("ไฟล์เสียหาย" if name == "docx_lying_header" else "ไฟล์ซับซ้อนเกินไป") in html
    assert "รายงานประจำปี" in html  # the label typed is kept
    assert not EvidenceFile.objects.exists()
    assert client.get(item_url("oit_item", cast, "O1")).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_analysis_of_an_upload_runs_outside_any_transaction(cast, monkeypatch):
    """M8: on SQLite a transaction holds the whole database's write lock; extraction may take seconds."""
    from django.db import connection

    from prongsai.core import extract
    from prongsai.web.oit.testing import docx_bytes

    seen = []
    real = extract.extract

    def watching(*args, **kwargs):
        seen.append(connection.in_atomic_block)
        return real(*args, **kwargs)

    monkeypatch.setattr(extract, "extract", watching)
    evidence = services.upload_file(
        cast.officer,
        cast.round_2563,
        cast.samutsakhon,
        "O1",
        SimpleUploadedFile("plan.docx", docx_bytes("แผนปฏิบัติการ ๒๕๖๓")),
    )
    assert seen == [False]
    assert evidence.years_found == [2563] and evidence.text_extracted


# ------------------------------------------------------------------------------------------- templates


@pytest.mark.parametrize("name", ["docx_many_members", "docx_huge_document", "nested_zip", "docx_lying_header"])
def test_a_template_bomb_is_refused(client, cast, made, name):
    client.force_login(cast.officer)
    response = client.post(
        reverse("documents_template_upload", args=[cast.samutsakhon.code]),
        {"kind": "memo", "file": SimpleUploadedFile("memo.docx", made[name])},
        follow=True,
    )
    assert response.status_code == 200
    shown = " ".join(str(m) for m in response.context["messages"])
    assert ("ไฟล์เสียหาย" if name == "docx_lying_header" else "ไฟล์ซับซ้อนเกินไป") in shown
    assert not DocumentTemplate.objects.exists()


# ------------------------------------------------------------------------------------------ link checks


class _BombSite(BaseHTTPRequestHandler):
    files: dict[str, tuple[bytes, str]] = {}

    def do_GET(self):
        body, content_type = self.files.get(self.path, (b"not found", "text/plain"))
        self.send_response(200 if self.path in self.files else 404)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def bomb_site(made):
    from tests.unit.test_security_linkcheck import serving

    _BombSite.files = {
        "/report.docx": (
            made["docx_many_members"],
            ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ),
        "/report.pdf": (made["pdf_flate_streams"], "application/pdf"),
        "/ok.html": ("<html><body>โครงสร้าง ๒๕๖๓</body></html>".encode(), "text/html; charset=utf-8"),
    }
    with serving(_BombSite) as server:
        yield f"http://127.0.0.1:{server.server_address[1]}"


def test_a_link_to_a_bomb_ends_checked_as_too_complex_and_is_shown(client, cast, bomb_site):
    docx = services.add_link(cast.officer, cast.round_2563, cast.samutsakhon, "O1", f"{bomb_site}/report.docx")
    pdf = services.add_link(cast.officer, cast.round_2563, cast.samutsakhon, "O1", f"{bomb_site}/report.pdf")
    ok = services.add_link(cast.officer, cast.round_2563, cast.samutsakhon, "O1", f"{bomb_site}/ok.html")
    assert run_pending_checks() >= 1
    for link, code in ((docx, "zip_ratio"), (pdf, "pdf_inflated")):
        link = EvidenceLink.objects.get(pk=link.pk)
        assert link.pending_task == "" and link.last_check is not None
        check = link.last_check
        assert check.verdict == "warning" and check.http_status == 200
        assert [p["code"] for p in check.problems] == ["too_complex"]
        assert check.problems[0]["message"].startswith("ตรวจไม่ได้ — ไฟล์ซับซ้อนเกินไป")
        assert check.error.startswith(code)
    assert EvidenceLink.objects.get(pk=ok.pk).last_check.verdict == "ok"
    client.force_login(cast.officer)
    page = client.get(item_url("oit_item", cast, "O1")).content.decode()
    assert "ตรวจไม่ได้ — ไฟล์ซับซ้อนเกินไป" in page and "รอตรวจลิงก์" not in page


def test_a_check_that_raises_is_recorded_and_the_link_is_not_left_pending(cast, bomb_site, monkeypatch):
    from prongsai.web.oit import linkbatch

    link = services.add_link(cast.officer, cast.round_2563, cast.samutsakhon, "O1", f"{bomb_site}/ok.html")

    def exploding(*args, **kwargs):
        raise MemoryError("the worker ran out of memory")

    monkeypatch.setattr(linkbatch, "check_many", exploding)
    run_pending_checks()  # the task fails (as a MemoryError would), but it records first
    link = EvidenceLink.objects.get(pk=link.pk)
    assert link.pending_task == "" and link.last_check is not None
    assert [p["code"] for p in link.last_check.problems] == ["check_failed"]
    assert link.last_check.problems[0]["message"].startswith("ตรวจไม่ได้")
    assert LinkCheck.objects.filter(link=link).count() == 1


class FullDiskStorage(FileSystemStorage):
    """A file storage that writes the first half of a file, then fails as a full disk does (review L6)."""

    def _save(self, name, content):
        path = Path(self.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.read()
        path.write_bytes(data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_leaves_no_partial_evidence_file(client, cast, settings, tmp_path):
    from prongsai.web.oit.testing import pdf_bytes

    folder = tmp_path / "full"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "tests.integration.test_security_files.FullDiskStorage",
            "OPTIONS": {"location": str(folder)},
        },
    }
    client.force_login(cast.officer)
    response = client.post(
        item_url("oit_upload", cast, "O1"),
        {"file": SimpleUploadedFile("plan.pdf", pdf_bytes("Plan 2563")), "label": "แผน"},
    )
    assert response.status_code == 400
    assert "บันทึกไฟล์ไม่สำเร็จ" in response.content.decode()
    assert not EvidenceFile.objects.exists()
    assert [p for p in folder.rglob("*") if p.is_file()] == []
