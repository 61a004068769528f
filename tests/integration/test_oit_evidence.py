"""Evidence per item: links with Thai validation messages, uploads (type by extension and content, size, hash,
served only to those allowed, nothing lost on a failed upload), units and unit staff, the ready/submitted states,
and the carry-over of last year's evidence through the framework diff."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from prongsai.core.diff import diff_frameworks
from prongsai.core.framework import load_framework
from prongsai.web.audit.models import AuditEntry
from prongsai.web.oit import services
from prongsai.web.oit.models import EntryStatus, EvidenceFile, EvidenceLink, OITEntry
from prongsai.web.oit.testing import PNG_BYTES, docx_bytes, pdf_bytes
from prongsai.web.oit.uploads import check_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.PRONGSAI_LINKCHECK_ALLOW_LOOPBACK = True
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    return tmp_path


def item_url(name, cast, item, *extra):
    return reverse(name, args=[cast.round_2563.pk, cast.samutsakhon.code, item, *extra])


def upload(client, cast, item, name, data, label="คำอธิบายไฟล์", public=False):
    payload = {"file": SimpleUploadedFile(name, data), "label": label}
    if public:
        payload["is_public"] = "on"
    return client.post(item_url("oit_upload", cast, item), payload)


# ------------------------------------------------------------------------------------------------ links


@pytest.mark.parametrize(
    "bad, message",
    [
        ("", "กรุณาใส่ลิงก์"),
        ("www.skn.go.th/ita", "ต้องขึ้นต้นด้วย http:// หรือ https://"),
        ("javascript:alert(1)", "ต้องขึ้นต้นด้วย http:// หรือ https://"),
        ("ftp://skn.go.th/o1.pdf", "ต้องขึ้นต้นด้วย http:// หรือ https://"),
        ("https://skn go th/o1", "รูปแบบลิงก์ไม่ถูกต้อง"),
        ("https://user:secret@skn.go.th/o1", "ต้องไม่มีชื่อผู้ใช้หรือรหัสผ่าน"),
    ],
)
def test_bad_urls_are_refused_in_thai_and_the_form_keeps_its_fields(client, cast, bad, message):
    client.force_login(cast.officer)
    response = client.post(item_url("oit_link_add", cast, "O1"), {"url": bad, "label": "คำอธิบายที่พิมพ์ไว้"})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "คำอธิบายที่พิมพ์ไว้" in html  # nothing the officer typed is lost
    assert not EvidenceLink.objects.exists() and not OITEntry.objects.exists()


def test_duplicate_link_is_refused(cast):
    services.add_link(cast.officer, cast.round_2563, cast.samutsakhon, "O1", "https://www.skn.go.th/ita/o1")
    with pytest.raises(ValidationError, match="แนบไว้ในข้อนี้แล้ว"):
        services.add_link(cast.officer, cast.round_2563, cast.samutsakhon, "O1", "https://www.skn.go.th/ita/o1")


def test_unknown_item_is_404(client, cast):
    client.force_login(cast.officer)
    assert client.get(item_url("oit_item", cast, "O99")).status_code == 404
    with pytest.raises(ValidationError):
        services.add_link(cast.officer, cast.round_2563, cast.samutsakhon, "O99", "https://x.go.th/")


# ---------------------------------------------------------------------------------------------- uploads


def test_upload_pdf_stores_hash_and_is_served_only_to_those_allowed(client, cast, storage):
    data = pdf_bytes("Plan 2563")
    client.force_login(cast.officer)
    response = upload(client, cast, "O10", "แผนปฏิบัติการ 2563.pdf", data)
    assert response.status_code == 302
    evidence = EvidenceFile.objects.get()
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    assert evidence.size == len(data) and evidence.content_type == "application/pdf"
    assert evidence.original_name == "แผนปฏิบัติการ 2563.pdf"
    assert evidence.years_found == [2563]  # the upload is checked like a link
    assert evidence.file.name.startswith(f"oit/{cast.round_2563.pk}/") and evidence.sha256 in evidence.file.name
    assert (storage / evidence.file.name).read_bytes() == data
    assert "แผนปฏิบัติการ" not in evidence.file.name  # the stored name never reuses the uploaded name
    audit = AuditEntry.objects.get(action="upload_oit_file")
    assert audit.actor == cast.officer and audit.changes["sha256"] == evidence.sha256

    file_url = reverse("oit_file", args=[evidence.pk])
    for user in (cast.officer, cast.director, cast.viewer, cast.staff, cast.central):
        client.force_login(user)
        response = client.get(file_url)
        assert response.status_code == 200, user
        assert b"".join(response.streaming_content) == data
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
    client.force_login(cast.other_officer)
    assert client.get(file_url).status_code == 403
    client.force_login(cast.assessor)  # not assigned yet
    assert client.get(file_url).status_code == 403
    client.logout()
    assert client.get(file_url).status_code == 302  # to the login page
    # a private file is never public, not even after submission
    assert client.get(reverse("oit_public_file", args=[evidence.pk])).status_code == 404


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("evidence.exe", b"MZ\x90\x00", "ไม่รับไฟล์ชนิด .exe"),
        ("evidence.html", b"<html></html>", "ไม่รับไฟล์ชนิด .html"),
        ("noextension", b"%PDF-1.4", "ไม่รับไฟล์ชนิด (ไม่มีนามสกุล)"),
        ("fake.pdf", b"<html><script>alert(1)</script></html>", "เนื้อไฟล์ไม่ใช่ PDF"),
        ("fake.docx", b"%PDF-1.4 not a word file", "เนื้อไฟล์ไม่ใช่ Word (DOCX)"),
        ("sheet.xlsx", docx_bytes(), "เนื้อไฟล์ไม่ใช่ Excel (XLSX)"),
        ("photo.jpg", PNG_BYTES, "เนื้อไฟล์ไม่ใช่ รูปภาพ JPEG"),
        ("empty.pdf", b"", "ไฟล์ว่างเปล่า"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_lost(client, cast, storage, name, data, message):
    client.force_login(cast.officer)
    response = upload(client, cast, "O1", name, data, label="ป้ายที่พิมพ์ไว้")
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "ป้ายที่พิมพ์ไว้" in html  # the other fields are kept
    assert not EvidenceFile.objects.exists() and not OITEntry.objects.exists()  # no partial rows
    assert not any(storage.rglob("*.*"))  # and no stored bytes


def test_too_big_upload(client, cast, settings, storage):
    settings.PRONGSAI_OIT_MAX_UPLOAD = 1024
    client.force_login(cast.officer)
    response = upload(client, cast, "O1", "big.pdf", b"%PDF-1.4\n" + b"0" * 2048)
    assert response.status_code == 400
    assert "ไฟล์ใหญ่เกินไป" in response.content.decode()
    assert not EvidenceFile.objects.exists() and not any(storage.rglob("*.*"))


def test_default_size_limit_is_20_mb():
    from prongsai.web.oit.uploads import max_upload_bytes, max_upload_text

    assert max_upload_bytes() == 20 * 1024 * 1024 and max_upload_text() == "20 MB"


def test_good_uploads_of_every_type(client, cast):
    client.force_login(cast.officer)
    for name, data in (
        ("a.pdf", pdf_bytes()),
        ("b.docx", docx_bytes()),
        ("c.png", PNG_BYTES),
        ("d.jpeg", b"\xff\xd8\xff\xe0" + b"0" * 20),
    ):
        assert upload(client, cast, "O2", name, data).status_code == 302, name
    assert EvidenceFile.objects.count() == 4
    # O2 has no time window: the round's year is looked for, for information
    assert EvidenceFile.objects.get(extension=".docx").years_found == [2563]
    assert EvidenceFile.objects.get(extension=".docx").text_extracted


def test_a_failing_database_write_leaves_no_stored_file(cast, storage, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr("prongsai.web.oit.services.record", boom)
    with pytest.raises(RuntimeError):
        services.upload_file(
            cast.officer, cast.round_2563, cast.samutsakhon, "O1", SimpleUploadedFile("a.pdf", pdf_bytes())
        )
    assert not EvidenceFile.objects.exists() and not any(storage.rglob("*.*"))


def test_removing_a_file_deletes_the_bytes(cast, storage, django_capture_on_commit_callbacks):
    evidence = services.upload_file(
        cast.officer, cast.round_2563, cast.samutsakhon, "O1", SimpleUploadedFile("a.pdf", pdf_bytes())
    )
    assert default_storage.exists(evidence.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_file(cast.officer, evidence, "ไฟล์ผิด")
    assert not default_storage.exists(evidence.file.name)
    assert AuditEntry.objects.get(action="remove_oit_file").changes["reason"] == "ไฟล์ผิด"


# ------------------------------------------------------------------------------------------ units, states


def test_unit_staff_edit_only_their_units_items(client, cast):
    round_, agency = cast.round_2563, cast.samutsakhon
    with pytest.raises(PermissionDenied):
        services.add_link(cast.staff, round_, agency, "O1", "https://www.skn.go.th/o1")
    services.assign_unit(cast.officer, round_, agency, "O1", cast.unit)
    link = services.add_link(cast.staff, round_, agency, "O1", "https://www.skn.go.th/o1")
    services.set_ready(cast.staff, round_, agency, "O1")
    with pytest.raises(PermissionDenied):  # submitting is the officer's
        services.submit_items(cast.staff, round_, agency)
    with pytest.raises(PermissionDenied):  # so is assigning units
        services.assign_unit(cast.staff, round_, agency, "O2", cast.unit)
    client.force_login(cast.staff)
    assert client.post(item_url("oit_link_add", cast, "O2"), {"url": "https://x.go.th/"}).status_code == 403
    assert (
        client.post(item_url("oit_upload", cast, "O2"), {"file": SimpleUploadedFile("a.pdf", pdf_bytes())}).status_code
        == 403
    )
    page = client.get(item_url("oit_item", cast, "O1")).content.decode()
    assert 'id="link-form"' in page  # their item: editable
    page = client.get(item_url("oit_item", cast, "O2")).content.decode()
    assert 'id="link-form"' not in page  # another item: read only
    for user in (cast.director, cast.viewer, cast.other_officer, cast.assessor):
        with pytest.raises(PermissionDenied):
            services.remove_link(user, link)
    with pytest.raises(ValidationError):
        services.assign_unit(cast.central, round_, cast.other_office, "O1", cast.unit)  # another agency's unit


def test_ready_needs_evidence_and_submit_needs_ready(cast):
    round_, agency = cast.round_2563, cast.samutsakhon
    with pytest.raises(ValidationError, match="ยังไม่มีหลักฐาน"):
        services.set_ready(cast.officer, round_, agency, "O3")
    services.add_link(cast.officer, round_, agency, "O3", "https://www.skn.go.th/o3")
    with pytest.raises(ValidationError, match="ไม่มีข้อที่พร้อมส่ง"):
        services.submit_items(cast.officer, round_, agency)
    with pytest.raises(ValidationError, match="พร้อมส่ง"):
        services.submit_items(cast.officer, round_, agency, ["O3"])
    services.set_ready(cast.officer, round_, agency, "O3")
    assert services.submit_items(cast.officer, round_, agency) == ["O3"]
    entry = OITEntry.objects.get(code="O3")
    assert entry.status == EntryStatus.SUBMITTED and entry.submitted_by == cast.officer
    assert entry.published["links"][0]["url"] == "https://www.skn.go.th/o3"
    with pytest.raises(ValidationError):  # submitted: frozen for the agency
        services.add_link(cast.officer, round_, agency, "O3", "https://www.skn.go.th/o3b")


def test_closed_round_is_read_only(cast):
    with pytest.raises(ValidationError, match="ไม่ได้เปิดอยู่"):
        services.add_link(cast.officer, cast.round_2562, cast.samutsakhon, "O1", "https://www.skn.go.th/o1")


# -------------------------------------------------------------------------------------------- carry-over


def test_carry_map_follows_the_diff():
    old, new = load_framework("ita-2562-esa"), load_framework("ita-2563-esa")
    mapping = services.carry_map(old, new)
    assert mapping["O42"] == ["O42", "O43", "O44", "O45", "O46", "O47", "O48"]  # merged in 2563
    assert "O43" not in mapping  # new in 2563
    assert mapping["O1"] == ["O1"] and mapping["O41"] == ["O41"]  # unchanged items
    assert {c for c in diff_frameworks(old, new).survivors() if c.startswith("O")} == set(mapping)


def test_carry_over_from_2562_to_2563(client, cast, django_capture_on_commit_callbacks):
    agency, r62, r63 = cast.samutsakhon, cast.round_2562, cast.round_2563
    # last year's evidence (the 2562 round is closed now): O1, and O42, O43, O45 (all merged into 2563's O42)
    old = {}
    for code in ("O1", "O42", "O43", "O45"):
        old[code] = OITEntry.objects.create(
            round=r62, agency=agency, code=code, status=EntryStatus.CONFIRMED, unit=cast.unit
        )
        EvidenceLink.objects.create(
            entry=old[code], url=f"https://www.skn.go.th/ita2562/{code.lower()}", label=f"{code} ปี 2562"
        )
    doc = check_upload(SimpleUploadedFile("o1.docx", docx_bytes("แผนผังโครงสร้าง ปรับปรุงปี ๒๕๖๓")))
    stored = default_storage.save("oit/old/o1.docx", io.BytesIO(doc.data))
    EvidenceFile.objects.create(
        entry=old["O1"],
        file=stored,
        original_name="o1.docx",
        extension=".docx",
        content_type=doc.content_type,
        size=doc.size,
        sha256=doc.sha256,
        is_public=True,
    )
    # this year O1… is empty; O5 already has evidence and must be left alone
    services.add_link(cast.officer, r63, agency, "O5", "https://www.skn.go.th/2563/o5")
    client.force_login(cast.officer)
    page = client.get(reverse("oit_agency", args=[r63.pk, agency.code])).content.decode()
    assert "นำหลักฐานปี 2562 มาใช้" in page
    response = client.post(reverse("oit_carry_over", args=[r63.pk, agency.code]), follow=True)
    assert "นำหลักฐานจากปีที่แล้วมาใช้ 2 ข้อ" in response.content.decode()

    carried = {e.code: e for e in OITEntry.objects.filter(round=r63, carried_from__isnull=False)}
    assert set(carried) == {"O1", "O42"}  # O43 was added in 2563: nothing carries into it
    o42 = carried["O42"]
    assert sorted(o42.links.values_list("url", flat=True)) == [
        "https://www.skn.go.th/ita2562/o42",
        "https://www.skn.go.th/ita2562/o43",
        "https://www.skn.go.th/ita2562/o45",
    ]
    assert o42.status == EntryStatus.DRAFT and o42.needs_recheck and o42.unit == cast.unit
    assert all(link.needs_recheck and link.pending_task for link in o42.links.all())  # queued for re-check
    carried_file = carried["O1"].files.get()
    assert carried_file.sha256 == doc.sha256 and carried_file.file.name == stored  # the same bytes, not a copy
    assert carried_file.years_found == [2563] and carried_file.keywords_found == ["โครงสร้าง", "แผนผัง"]  # re-read
    assert not OITEntry.objects.get(round=r63, code="O5").carried_from_id
    audit = AuditEntry.objects.get(action="carry_over_oit_evidence")
    assert audit.changes["mapping"]["O42"] == ["O42", "O43", "O44", "O45", "O46", "O47", "O48"]
    # the carried item is marked for re-check until the officer marks it ready
    page = client.get(reverse("oit_agency", args=[r63.pk, agency.code])).content.decode()
    assert "ยกมาจากปีที่แล้ว ต้องตรวจทาน" in page and "นำหลักฐานปี 2562 มาใช้" not in page
    services.set_ready(cast.officer, r63, agency, "O42")
    assert not OITEntry.objects.get(round=r63, code="O42").needs_recheck
    # only the officer carries evidence over
    with pytest.raises(PermissionDenied):
        services.carry_over_evidence(cast.staff, r63, agency)
