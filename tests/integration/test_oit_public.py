"""The public transparency page (HTML, embeddable HTML, JSON): nothing unpublished leaks — only submitted items,
only the links and files the agency marked public, as they were when submitted; scores only once results are
published; the last check date in Thai B.E."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from prongsai.web.oit import services
from prongsai.web.oit.models import EntryStatus, EvidenceFile, OITEntry
from prongsai.web.oit.tasks import run_pending_checks
from prongsai.web.oit.testing import EvidenceServer, pdf_bytes
from prongsai.web.results.services import publish_results

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def oit_settings(settings, tmp_path):
    settings.PRONGSAI_LINKCHECK_ALLOW_LOOPBACK = True
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }


def pages(client, cast) -> tuple[str, str, dict]:
    args = [cast.samutsakhon.code, cast.round_2563.pk]
    html = client.get(reverse("oit_public", args=args)).content.decode()
    embed = client.get(reverse("oit_embed", args=args)).content.decode()
    data = client.get(reverse("oit_public_json", args=args)).json()
    return html, embed, data


def test_nothing_unpublished_leaks(client, cast):
    round_, agency, officer = cast.round_2563, cast.samutsakhon, cast.officer
    services.assign_assessor(cast.central, round_, agency, cast.assessor)
    # a draft and a ready item, each with a public link
    services.add_link(officer, round_, agency, "O1", "https://www.example.go.th/draft-o1")
    services.add_link(officer, round_, agency, "O2", "https://www.example.go.th/ready-o2")
    services.set_ready(officer, round_, agency, "O2")
    # a submitted item with a public and a private link, a public and a private file, a note
    services.add_link(officer, round_, agency, "O3", "https://www.example.go.th/public-o3", "กฎหมายที่เกี่ยวข้อง")
    services.add_link(officer, round_, agency, "O3", "https://intranet.example.go.th/private-o3", is_public=False)
    public_file = services.upload_file(
        officer, round_, agency, "O3", SimpleUploadedFile("public.pdf", pdf_bytes()), "ประกาศ", is_public=True
    )
    private_file = services.upload_file(
        officer, round_, agency, "O3", SimpleUploadedFile("private.pdf", pdf_bytes("x")), "เอกสารลับ-xyz"
    )
    services.update_note(officer, round_, agency, "O3", "บันทึกภายในห้ามเผยแพร่")
    services.set_ready(officer, round_, agency, "O3")
    services.submit_items(officer, round_, agency, ["O3"])

    client.logout()
    for text in pages(client, cast)[:2]:
        assert "public-o3" in text and "กฎหมายที่เกี่ยวข้อง" in text
        for secret in ("draft-o1", "ready-o2", "private-o3", "บันทึกภายในห้ามเผยแพร่", "private.pdf", "เอกสารลับ-xyz"):
            assert secret not in text, secret
        assert reverse("oit_public_file", args=[public_file.pk]) in text
    data = pages(client, cast)[2]
    dumped = json.dumps(data, ensure_ascii=False)
    for secret in ("draft-o1", "ready-o2", "private-o3", "บันทึกภายใน", "private.pdf"):
        assert secret not in dumped
    assert len(data["items"]) == 43
    o3 = next(i for i in data["items"] if i["code"] == "O3")
    assert o3["status"] == "submitted"
    assert [link["url"] for link in o3["links"]] == ["https://www.example.go.th/public-o3"]
    assert o3["files"][0]["sha256"] == public_file.sha256
    assert {i["status"] for i in data["items"] if i["code"] in ("O1", "O2")} == {"not_submitted"}
    assert set(o3) == {
        "code",
        "title",
        "indicator",
        "sub_indicator",
        "status",
        "status_th",
        "submitted_at",
        "last_checked",
        "last_checked_th",
        "links",
        "files",
        "score",
    }
    assert client.get(reverse("oit_public_file", args=[public_file.pk])).status_code == 200
    assert client.get(reverse("oit_public_file", args=[private_file.pk])).status_code == 404

    # in clarification, links added later stay unpublished until the clarification is submitted
    services.record_oit_review(cast.assessor, OITEntry.objects.get(code="O3"), passed=False, comment="ขาด")
    services.open_clarification(cast.assessor, round_, agency, timezone.localdate() + timedelta(days=3))
    services.add_link(officer, round_, agency, "O3", "https://www.example.go.th/amended-o3")
    public_pk = public_file.pk
    services.remove_file(officer, public_file)
    html, _, data = pages(client, cast)
    assert "amended-o3" not in html and "อยู่ระหว่างชี้แจงเพิ่มเติม" in html
    assert client.get(reverse("oit_public_file", args=[public_pk])).status_code == 404  # removed
    services.submit_clarification(officer, OITEntry.objects.get(code="O3"), "เพิ่มลิงก์แล้ว")
    html, _, data = pages(client, cast)
    assert "amended-o3" in html and "public.pdf" not in html


def test_last_check_date_in_thai_be_and_scores_only_when_published(client, cast):
    round_, agency = cast.round_2563, cast.samutsakhon
    services.assign_assessor(cast.central, round_, agency, cast.assessor)
    with EvidenceServer() as site:
        services.add_link(cast.officer, round_, agency, "O1", site.url("/o1"))
        run_pending_checks()
    services.set_ready(cast.officer, round_, agency, "O1")
    services.submit_items(cast.officer, round_, agency)
    entry = OITEntry.objects.get(code="O1")
    services.record_oit_review(cast.assessor, entry, elements=["a", "b"])
    services.confirm_review(cast.assessor, entry)
    html, embed, data = pages(client, cast)
    year_be = timezone.localdate().year + 543
    o1 = next(i for i in data["items"] if i["code"] == "O1")
    assert str(year_be) in o1["last_checked_th"] and o1["last_checked"]
    assert str(year_be) in html and str(year_be) in embed
    assert o1["score"] is None and '<th scope="col">คะแนน</th>' not in html
    publish_results(cast.central, round_)
    html, embed, data = pages(client, cast)
    assert next(i for i in data["items"] if i["code"] == "O1")["score"] == "100.00"
    assert '<th scope="col">คะแนน</th>' in html


def test_public_json_is_cors_open_and_thai(client, cast):
    response = client.get(reverse("oit_public_json", args=[cast.samutsakhon.code, cast.round_2563.pk]))
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาคร" in response.content.decode()  # not \\u escapes
    assert response.json()["round"]["fiscal_year"] == 2563
    assert EntryStatus.CONFIRMED not in {i["status"] for i in response.json()["items"]}
    assert not EvidenceFile.objects.exists()
