"""Who may open what in the measures and documents apps: every URL name × every role of the cast.

``ACCESS`` is the expected status per role (anonymous → 302 to the login page); the project-wide access matrix
merges it.  Each cell runs in a fresh database, so a role's POST (delete, generate …) never changes what the next
role sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

ROLES = ("anonymous", "central", "director", "officer", "staff", "assessor", "viewer", "other_officer")


def row(anonymous, central, director, officer, staff, assessor, viewer, other_officer) -> dict[str, int]:
    return dict(zip(ROLES, (anonymous, central, director, officer, staff, assessor, viewer, other_officer)))


#: reading the analysis, the committee and the documents: the agency's officer, director, viewer; central
READ_PACK = row(302, 200, 200, 200, 403, 403, 200, 403)
#: reading the measures and reports: everyone who sees the agency, unit staff included
READ_MEASURES = row(302, 200, 200, 200, 200, 403, 200, 403)
#: editing forms (GET): those who manage the agency
EDIT_FORM = row(302, 200, 403, 200, 403, 403, 403, 403)
#: changes (POST, redirect on success): those who manage the agency
CHANGE = row(302, 302, 403, 302, 403, 403, 403, 403)
#: central administration
CENTRAL = row(302, 200, 403, 403, 403, 403, 403, 403)

ACCESS: dict[str, dict[str, int]] = {
    "measures_index": row(302, 302, 302, 302, 302, 403, 302, 403),
    "measures_analysis": READ_PACK,
    "measures_analysis_note": CHANGE,
    "measures_plan": READ_PACK,
    "measures_list": READ_MEASURES,
    "measures_committee": READ_PACK,
    "measures_committee_suggest": CHANGE,
    "measures_member_new": CHANGE,
    "measures_member_edit": EDIT_FORM,
    "measures_member_delete": CHANGE,
    "measures_member_move": CHANGE,
    "measures_new": EDIT_FORM,
    "measures_detail": READ_MEASURES,
    "measures_edit": EDIT_FORM,
    "measures_delete": CHANGE,
    "measures_status": CHANGE,
    # the report form of a measure assigned to the staff member's unit: the unit's staff and the managers
    "measures_report": row(302, 200, 403, 200, 200, 403, 403, 403),
    "measures_progress_file": READ_MEASURES,
    "documents_pack": READ_PACK,
    "documents_details": CHANGE,
    "documents_generate": CHANGE,
    "documents_download": READ_PACK,
    "documents_templates": READ_PACK,
    "documents_template_upload": CHANGE,
    "documents_template_delete": CHANGE,
    "documents_template_download": READ_PACK,
    "documents_batch": CENTRAL,
    "documents_batch_detail": CENTRAL,
    "documents_batch_retry": row(302, 302, 403, 403, 403, 403, 403, 403),
}


@dataclass
class Request:
    method: str
    url: str
    data: dict | None = None


def _world(cast):
    """A committee member, a measure of the staff member's unit with a report and a file, a stored document,
    an agency template and a batch: something behind every URL."""
    from prongsai.web.documents import services as docs
    from prongsai.web.documents.models import DocumentBatch
    from prongsai.web.measures import services
    from tests.integration.test_documents import minimal_template

    member = services.add_member(cast.officer, cast.round_2563, cast.samutsakhon, position_th="ผู้อำนวยการกลุ่ม",
                                 role="member")
    measure = services.create_measure(cast.officer, cast.round_2563, cast.samutsakhon, services.MeasureInput(
        title="ด้านป้องกันการทุจริต", targets=["10"], units=[cast.unit], starts_on=date(2019, 10, 1),
        ends_on=date(2020, 9, 30), actions=[("ทบทวนมาตรการ", None)]))
    report = services.submit_progress(cast.staff, measure, cast.unit, 6, "ดำเนินการแล้ว",
                                      files=[SimpleUploadedFile("หลักฐาน.pdf", b"%PDF-1.4")])
    doc = docs._store(cast.officer, cast.round_2563, cast.samutsakhon, "memo", "pdf", "memo.pdf", b"%PDF-1.4 x")
    docs.upload_template(cast.officer, cast.samutsakhon, "memo", "memo.docx", minimal_template("memo"))
    batch = DocumentBatch.objects.create(round=cast.round_2563, created_by=cast.central, total=0)
    return {"member": member, "measure": measure, "file": report.files.get(), "doc": doc, "batch": batch}


def _request(name: str, cast, w) -> Request:
    code, r63, r62 = cast.samutsakhon.code, cast.round_2563.pk, cast.round_2562.pk
    m, mem = w["measure"].pk, w["member"].pk
    urls = {
        "measures_index": ("get", [code], None),
        "measures_analysis": ("get", [code, r62], None),
        "measures_analysis_note": ("post", [code, r62, 10], {"text": "วิเคราะห์"}),
        "measures_plan": ("get", [code, r62], None),
        "measures_list": ("get", [code, r63], None),
        "measures_committee": ("get", [code, r63], None),
        "measures_committee_suggest": ("post", [code, r63], None),
        "measures_member_new": ("post", [code, r63], {"position_th": "ผู้อำนวยการกลุ่มใหม่", "role": "member"}),
        "measures_member_edit": ("get", [code, r63, mem], None),
        "measures_member_delete": ("post", [code, r63, mem], None),
        "measures_member_move": ("post", [code, r63, mem], {"dir": "up"}),
        "measures_new": ("get", [code, r63], None),
        "measures_detail": ("get", [code, r63, m], None),
        "measures_edit": ("get", [code, r63, m], None),
        "measures_delete": ("post", [code, r63, m], None),
        "measures_status": ("post", [code, r63, m], {"status": "done"}),
        "measures_report": ("get", [code, r63, m, 12], None),
        "measures_progress_file": ("get", [w["file"].pk], None),
        "documents_pack": ("get", [code, r63], None),
        "documents_details": ("post", [code, r63], {"phone": "0 3441 1417"}),
        "documents_generate": ("post", [code, r63], {"kind": "order"}),
        "documents_download": ("get", [w["doc"].pk], None),
        "documents_templates": ("get", [code], None),
        "documents_template_upload": ("post", [code], {"kind": "memo"}),
        "documents_template_delete": ("post", [code, "memo"], None),
        "documents_template_download": ("get", [code, "memo"], None),
        "documents_batch": ("get", [], None),
        "documents_batch_detail": ("get", [w["batch"].pk], None),
        "documents_batch_retry": ("post", [w["batch"].pk], {}),
    }
    method, args, data = urls[name]
    return Request(method, reverse(name, args=args), data)


def test_every_url_name_is_in_the_matrix():
    from prongsai.web.documents.urls import urlpatterns as documents
    from prongsai.web.measures.urls import urlpatterns as measures

    assert {p.name for p in measures + documents} == set(ACCESS)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(ACCESS))
def test_access(cast, name, role, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    w = _world(cast)
    request = _request(name, cast, w)
    client = Client()
    if role != "anonymous":
        client.force_login(getattr(cast, role))
    response = getattr(client, request.method)(request.url, request.data or {})
    assert response.status_code == ACCESS[name][role], (name, role, response.status_code)
    if role == "anonymous":
        assert "/login/" in response["Location"]
