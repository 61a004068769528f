"""Sign-off of the pack and the real emblem, told with the cast: the ITA officer generates the memo and proposes it,
the office's director approves it and the signed PDF prints his name and the B.E. date; the evidence pack takes
approved versions only; the central admin and the office upload the Garuda emblem, which the PDF and DOCX print
at the regulation's sizes; hostile images are refused in Thai."""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from prongsai.core.lifecycle import TransitionRefused
from prongsai.web.audit.models import AuditEntry
from prongsai.web.documents import emblems, services, signoff
from prongsai.web.documents.models import (
    ApprovedVersionIsImmutable,
    DocumentKind,
    DocumentVersion,
    Emblem,
    VersionState,
)
from tests.cast import PASSWORD
from tests.shared import shared


@pytest.fixture
def storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "files")},
        },
    }
    return tmp_path / "files"


#: where the memo drafted once for the module (``drafted``) keeps its files, read by the tests that take ``memo``
FILES = Path(tempfile.mkdtemp(prefix="prongsai-test-signoff-"))
STORAGES_HERE = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(FILES)}}


@shared
def drafted(cast):
    """The officer's draft memo, rendered (DOCX and PDF) once for the module (tests/shared.py): each test that
    proposes, approves or renders it again does so in its own rolled-back savepoint."""
    from django.conf import settings
    from django.test import override_settings

    with override_settings(STORAGES={**settings.STORAGES, "default": STORAGES_HERE}):
        result = services.generate_pack(cast.officer, cast.round_2563, cast.samutsakhon, kinds=["memo"], with_zip=False)
    return result.versions[0]


@pytest.fixture
def memo(drafted, settings):
    """The officer's draft memo of สพป.สมุทรสาคร for 2563 (version 1)."""
    settings.STORAGES = {**settings.STORAGES, "default": STORAGES_HERE}
    return drafted


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "signed.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout


def squash(text: str) -> str:
    return "".join(text.split())


def red_emblem(width: int = 300, height: int = 360, fmt: str = "PNG") -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, fmt)
    return out.getvalue()


# ------------------------------------------------------------------------------------------------ the moves


def test_officer_proposes_director_approves_and_the_signed_pdf_prints_his_name_and_the_date(cast, memo, tmp_path):
    assert memo.state == "draft" and memo.number == 1 and memo.pdf is not None and memo.docx is not None
    assert [m.name for m in signoff.available_moves(cast.officer, memo)] == ["propose"]
    assert signoff.available_moves(cast.director, memo) == []

    proposed = signoff.propose(cast.officer, memo)
    assert proposed.state == "proposed" and proposed.proposed_by == cast.officer
    assert [m.name for m in signoff.available_moves(cast.director, proposed)] == ["send_back", "approve"]

    approved = signoff.approve(cast.director, proposed, on=date(2020, 6, 25))
    assert approved.state == "approved" and approved.approver_name == "นายพิศุทธิ์ พงศ์ศรีนิธิศ"
    text = squash(pdf_text(approved.signed_pdf.file.open("rb").read(), tmp_path))
    assert "อนุมัติโดยนายพิศุทธิ์พงศ์ศรีนิธิศ" in text
    assert "อนุมัติเมื่อ๒๕มิถุนายน๒๕๖๓" in text
    # the draft PDF carries no approval
    assert "อนุมัติโดย" not in squash(pdf_text(approved.pdf.file.open("rb").read(), tmp_path))
    actions = list(
        AuditEntry.objects.filter(action__in=["propose_document", "approve_document"])
        .values_list("action", flat=True)
        .order_by("pk")
    )
    assert actions == ["propose_document", "approve_document"]


def test_the_director_sends_back_with_a_note_and_the_officer_withdraws(cast, memo):
    signoff.propose(cast.officer, memo)
    back = signoff.send_back(cast.director, memo, "แก้เลขที่หนังสือ")
    assert back.state == "draft" and back.note == "แก้เลขที่หนังสือ"
    signoff.propose(cast.officer, back)
    assert signoff.withdraw(cast.officer, back).state == "draft"
    assert AuditEntry.objects.filter(action="send_back_document").count() == 1
    assert AuditEntry.objects.filter(action="withdraw_document").count() == 1


def test_wrong_role_wrong_state_and_the_other_office_are_refused(cast, memo):
    with pytest.raises(TransitionRefused) as wrong_state:  # the director cannot approve a draft
        signoff.approve(cast.director, memo)
    assert wrong_state.value.role is None
    assert "ฉบับร่าง" in signoff.refusal_text(wrong_state.value)
    signoff.propose(cast.officer, memo)
    with pytest.raises(TransitionRefused) as wrong_role:  # the officer cannot approve
        signoff.approve(cast.officer, memo)
    assert wrong_role.value.role is not None
    with pytest.raises(TransitionRefused):  # nor the central admin: approval is the office director's
        signoff.approve(cast.central, memo)
    other = director_of(cast.other_office, "other_director")
    with pytest.raises(PermissionDenied):
        signoff.approve(other, memo)
    memo.refresh_from_db()
    assert memo.state == "proposed"


def test_an_approved_version_never_changes_and_generating_again_starts_version_2(cast, memo):
    signoff.propose(cast.officer, memo)
    approved = signoff.approve(cast.director, memo)
    signed_sha = approved.signed_pdf.sha256
    with pytest.raises(ApprovedVersionIsImmutable):
        approved.note = "แก้ไข"
        approved.save()
    again = services.generate_pack(cast.officer, cast.round_2563, cast.samutsakhon, kinds=["memo"], with_zip=False)
    new = again.versions[0]
    assert (new.number, new.state) == (2, "draft")
    old = DocumentVersion.objects.get(pk=approved.pk)
    assert old.state == "approved" and old.signed_pdf.sha256 == signed_sha
    assert signoff.approved_versions(cast.round_2563, cast.samutsakhon)["memo"].pk == old.pk


def test_generating_a_proposed_document_again_returns_it_to_draft(cast, memo):
    signoff.propose(cast.officer, memo)
    again = services.generate_pack(cast.officer, cast.round_2563, cast.samutsakhon, kinds=["memo"], with_zip=False)
    assert again.versions[0].pk == memo.pk and again.versions[0].state == "draft"
    assert AuditEntry.objects.filter(action="withdraw_document", changes__reason="regenerated").exists()


def test_an_approval_is_refused_when_the_document_changed_while_the_signed_pdf_rendered(cast, memo, monkeypatch):
    # The signed PDF is rendered outside the transaction (about a second).  Meanwhile the officer changes the
    # memo's phone number, generates it again (which withdraws it) and proposes it again: the state is "proposed"
    # once more, but the PDF being signed shows the old number.
    from prongsai.documents import render_pdf as renderer

    signoff.propose(cast.officer, memo)
    original = renderer.render_pdf

    def render_while_the_officer_edits(*args, **kwargs):
        data = original(*args, **kwargs)
        if not kwargs.get("signed"):
            return data  # the officer's own generation below
        services.save_details(cast.officer, cast.round_2563, cast.samutsakhon, phone="0 3441 1111 ต่อ 99")
        again = services.generate_pack(cast.officer, cast.round_2563, cast.samutsakhon, kinds=["memo"], with_zip=False)
        signoff.propose(cast.officer, again.versions[0])
        return data

    monkeypatch.setattr(renderer, "render_pdf", render_while_the_officer_edits)
    with pytest.raises(ValidationError, match="เอกสารถูกสร้างและเสนอใหม่ระหว่างการลงนาม"):
        signoff.approve(cast.director, memo)
    memo.refresh_from_db()
    assert memo.state == "proposed" and memo.signed_pdf is None and memo.approved_by is None
    assert "ต่อ ๙๙" in memo.context["department"]  # the new content (Thai digits in the memo) waits for the director
    monkeypatch.setattr(renderer, "render_pdf", original)
    assert signoff.approve(cast.director, memo).state == "approved"  # looked at again, it can be approved


# ---------------------------------------------------------------------------------------------- the pack


def approve_all(cast, agency=None, officer=None, director=None, *, drafts: bool = False) -> None:
    """Every document of ``agency`` (สพป.สมุทรสาคร) generated, proposed by its officer and approved by its
    director, through the services.  ``drafts``: the drafts the test has already generated (the latest version
    of each kind) are proposed and approved instead of a pack generated anew (ten renders fewer)."""
    agency, officer, director = agency or cast.samutsakhon, officer or cast.officer, director or cast.director
    if drafts:
        versions = [kinds[0] for kinds in signoff.versions_of(cast.round_2563, agency).values() if kinds]  # newest
        assert versions and all(v.state == VersionState.DRAFT for v in versions), versions
    else:
        versions = services.generate_pack(officer, cast.round_2563, agency, with_zip=False).versions
    for version in versions:
        signoff.approve(director, signoff.propose(officer, version))


def director_of(agency, username: str):
    """A director for ``agency`` (the cast has one only for สพป.สมุทรสาคร)."""
    from django.contrib.auth import get_user_model

    from prongsai.web.agencies.models import Membership, Person, Role

    user = get_user_model().objects.create_user(username, password=PASSWORD)
    Person.objects.create(user=user, full_name_th=f"ผู้อำนวยการ {agency.short_name or agency.name_th}")
    Membership.objects.create(user=user, agency=agency, role=Role.DIRECTOR)
    return user


def test_the_pack_names_the_unapproved_documents_in_thai_and_then_takes_only_approved_versions(cast, memo):
    signoff.approve(cast.director, signoff.propose(cast.officer, memo))
    with pytest.raises(ValidationError) as refused:
        signoff.build_evidence_pack(cast.officer, cast.round_2563, cast.samutsakhon)
    message = refused.value.messages[0]
    assert "ยังไม่ได้รับอนุมัติ" in message and str(DocumentKind.ORDER.label) in message
    assert str(DocumentKind.MEMO.label) not in message

    approve_all(cast)
    # a newer draft of the memo exists now (version 3 after approve_all's version 2): the pack keeps the approved one
    draft = services.generate_pack(
        cast.officer, cast.round_2563, cast.samutsakhon, kinds=["memo"], with_zip=False
    ).versions[0]
    archive = signoff.build_evidence_pack(cast.officer, cast.round_2563, cast.samutsakhon)
    approved = signoff.approved_versions(cast.round_2563, cast.samutsakhon)
    with zipfile.ZipFile(archive.file.open("rb")) as z:
        names = set(z.namelist())
    expected = {v.signed_pdf.name for v in approved.values()} | {v.docx.name for v in approved.values()}
    assert names == expected and len(names) == 10
    assert "ESA-SKN-2563-1-memo-v2-signed.pdf" in names  # the approved version 2, not the newer draft 3
    assert all(n.endswith("-signed.pdf") for n in names if n.endswith(".pdf"))
    assert approved["memo"].number == 2 and draft.number == 3


def test_the_national_batch_fails_an_office_whose_documents_are_not_approved(
    cast, storage, django_capture_on_commit_callbacks
):
    from prongsai.web.documents.models import DocumentBatch
    from prongsai.web.tasks import run_pending_tasks

    approve_all(cast)
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.start_batch(cast.central, cast.round_2563, [cast.samutsakhon, cast.other_office])
    run_pending_tasks()
    batch = DocumentBatch.objects.get(pk=batch.pk)
    assert (batch.done, batch.failed) == (1, 1)
    assert "ยังไม่ได้รับอนุมัติ" in batch.errors[cast.other_office.code]


# ---------------------------------------------------------------------------------------------- the emblem


def pdf_images(data: bytes) -> list[tuple[int, int, float, tuple]]:
    """(width, height, printed height in cm, first pixel) of every image on the PDF's first page."""
    import pymupdf

    out = []
    with pymupdf.open(stream=data, filetype="pdf") as pdf:
        page = pdf[0]
        for info in page.get_images(full=True):
            xref = info[0]
            pix = pymupdf.Pixmap(pdf, xref)
            rect = page.get_image_rects(xref)[0]
            out.append((pix.width, pix.height, round(rect.height / 72 * 2.54, 2), tuple(pix.pixel(5, 5))[:3]))
    return out


def test_the_uploaded_emblem_is_printed_in_the_pdf_and_the_docx_at_the_regulation_sizes(cast, storage):
    national = emblems.upload_emblem(cast.central, None, "garuda.png", red_emblem())
    result = services.generate_pack(
        cast.officer, cast.round_2563, cast.samutsakhon, kinds=["memo", "order"], with_zip=False
    )
    files = {(d.kind, d.fmt): d.file.open("rb").read() for d in result.documents}
    assert (300, 360, 1.5, (200, 30, 30)) in pdf_images(files[("memo", "pdf")])
    assert (300, 360, 3.0, (200, 30, 30)) in pdf_images(files[("order", "pdf")])
    stored = national.file.open("rb").read()
    for kind, emu in (("memo", 540000), ("order", 1080000)):  # 1.5 cm and 3 cm
        with zipfile.ZipFile(io.BytesIO(files[(kind, "docx")])) as z:
            media = [z.read(n) for n in z.namelist() if n.startswith("word/media/")]
            assert stored in media
            assert f'cy="{emu}"' in z.read("word/document.xml").decode()
    # the office's own emblem wins over the national one for its documents, and the other office keeps the national
    own = emblems.upload_emblem(cast.officer, cast.samutsakhon, "skn.jpg", red_emblem(240, 300, "JPEG"))
    assert emblems.emblem_for(cast.samutsakhon).pk == own.pk
    assert emblems.emblem_for(cast.other_office).pk == national.pk
    assert AuditEntry.objects.filter(action="upload_emblem").count() == 2


def test_the_stand_in_is_printed_until_an_emblem_is_given(cast, storage):
    from PIL import Image

    from prongsai.documents.render_pdf import STANDIN_EMBLEM

    assert emblems.emblem_for(cast.samutsakhon) is None
    result = services.generate_pack(cast.officer, cast.round_2563, cast.samutsakhon, kinds=["memo"], with_zip=False)
    pdf = next(d for d in result.documents if d.fmt == "pdf").file.open("rb").read()
    with Image.open(STANDIN_EMBLEM) as standin:
        assert any((w, h) == standin.size for w, h, _, _ in pdf_images(pdf))


def test_only_the_central_admin_sets_the_national_emblem_and_an_office_only_its_own(cast, storage):
    with pytest.raises(PermissionDenied):
        emblems.upload_emblem(cast.officer, None, "garuda.png", red_emblem())
    with pytest.raises(PermissionDenied):
        emblems.upload_emblem(cast.other_officer, cast.samutsakhon, "garuda.png", red_emblem())
    with pytest.raises(PermissionDenied):
        emblems.upload_emblem(cast.director, cast.samutsakhon, "garuda.png", red_emblem())


@pytest.mark.parametrize(
    "name, data, words, english",
    [
        ("bomb.png", None, "ใหญ่เกินกำหนด", "too many pixels"),
        (
            "garuda.png",
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n",
            "ไม่ใช่ภาพ PNG หรือ JPEG",
            "not a PNG or JPEG",
        ),
        ("garuda.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "ไม่รับไฟล์ SVG", "SVG is not accepted"),
        ("huge.png", "huge", "ใหญ่เกินกำหนด", "too large (at most 6000 pixels a side"),
    ],
)
def test_a_hostile_image_is_refused_on_the_page_in_the_users_language(cast, storage, name, data, words, english):
    from tests.unit.test_signoff_table import _png_header

    if data is None:
        data = _png_header(60_000, 60_000)
    elif data == "huge":
        data = red_emblem(6100, 200)
    client = Client()
    client.login(username="central", password=PASSWORD)
    from django.core.files.uploadedfile import SimpleUploadedFile

    for language, expected, other in (("th", words, english), ("en", english, words)):
        client.cookies["django_language"] = language
        response = client.post(reverse("documents_emblem"), {"file": SimpleUploadedFile(name, data)})
        assert response.status_code == 400
        page = response.content.decode()
        assert expected in page and other not in page, language
    assert not Emblem.objects.exists()


# ---------------------------------------------------------------------------------------------- the pages


def test_the_pages_offer_the_tables_moves_and_confirm_before_approving(cast, memo):
    officer, director = Client(), Client()
    officer.login(username="officer", password=PASSWORD)
    director.login(username="director", password=PASSWORD)
    page = reverse("documents_pack", args=[cast.samutsakhon.code, cast.round_2563.pk])
    assert 'data-move="propose"' in officer.get(page).content.decode()
    assert 'data-move="propose"' not in director.get(page).content.decode()
    officer.post(reverse("documents_version_move", args=[memo.pk, "propose"]))
    html = director.get(page).content.decode()
    assert 'data-move="approve"' in html and 'data-move="send_back"' in html
    assert officer.post(reverse("documents_version_move", args=[memo.pk, "approve"])).status_code == 403
    confirm = director.post(reverse("documents_version_move", args=[memo.pk, "approve"]))
    assert confirm.status_code == 200 and "อนุมัติโดย นายพิศุทธิ์ พงศ์ศรีนิธิศ" in confirm.content.decode()
    memo.refresh_from_db()
    assert memo.state == "proposed"
    seen = re.search(r'name="seen" value="([0-9a-f]+)"', confirm.content.decode()).group(1)
    done = director.post(reverse("documents_version_move", args=[memo.pk, "approve"]), {"confirmed": "1", "seen": seen})
    assert done.status_code == 302
    memo.refresh_from_db()
    assert memo.state == "approved"
    response = director.get(reverse("documents_download", args=[memo.signed_pdf.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    refused = officer.post(reverse("documents_version_move", args=[memo.pk, "propose"]), follow=True)
    assert "ไม่ได้ เพราะเอกสารอยู่ในสถานะ “อนุมัติแล้ว”" in refused.content.decode()


def test_the_director_approves_only_what_the_confirmation_page_showed(cast, memo):
    # The director reads the confirmation page; meanwhile the officer changes the memo, generates it again and
    # proposes it again.  The director's click confirms what the page showed, not the new content: refused.
    director = Client()
    director.login(username="director", password=PASSWORD)
    signoff.propose(cast.officer, memo)
    move = reverse("documents_version_move", args=[memo.pk, "approve"])
    seen = re.search(r'name="seen" value="([0-9a-f]+)"', director.post(move).content.decode()).group(1)
    services.save_details(cast.officer, cast.round_2563, cast.samutsakhon, phone="0 3441 1111 ต่อ 77")
    again = services.generate_pack(cast.officer, cast.round_2563, cast.samutsakhon, kinds=["memo"], with_zip=False)
    signoff.propose(cast.officer, again.versions[0])
    refused = director.post(move, {"confirmed": "1", "seen": seen}, follow=True)
    assert "เอกสารถูกสร้างและเสนอใหม่ระหว่างการลงนาม" in refused.content.decode()
    memo.refresh_from_db()
    assert memo.state == "proposed" and memo.signed_pdf is None
    assert director.post(move, {"confirmed": "1"}).status_code == 302  # no mark: refused the same way
    memo.refresh_from_db()
    assert memo.state == "proposed"
    fresh = re.search(r'name="seen" value="([0-9a-f]+)"', director.post(move).content.decode()).group(1)
    assert fresh != seen
    director.post(move, {"confirmed": "1", "seen": fresh})
    memo.refresh_from_db()
    assert memo.state == "approved"


def test_the_pack_button_says_in_thai_what_is_not_approved(cast, memo):
    officer = Client()
    officer.login(username="officer", password=PASSWORD)
    response = officer.post(
        reverse("documents_evidence_pack", args=[cast.samutsakhon.code, cast.round_2563.pk]), follow=True
    )
    html = response.content.decode()
    assert "ยังไม่ได้รับอนุมัติจากผู้อำนวยการ" in html and str(DocumentKind.ANNOUNCEMENT.label) in html
