"""OIT pages beyond who may open them (that is the project-wide matrix, tests/integration/test_access_matrix.py):
only the embed view may be framed, and unknown agencies, rounds, files and demo pages are 404.

The scenario: สพป.สมุทรสาคร in the 2563 round; the assessor is assigned to it; item O1 is assigned to the staff
member's unit and has a link and a file; O3 is submitted (with a public file); O4 is reviewed in full; O5 is back
with the agency for clarification.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from prongsai.web.oit import services
from prongsai.web.oit.models import AssessorAssignment, EvidenceFile, EvidenceLink, OITEntry
from prongsai.web.oit.testing import pdf_bytes


def _scenario(cast) -> dict:
    round_, agency = cast.round_2563, cast.samutsakhon
    services.assign_assessor(cast.central, round_, agency, cast.assessor)
    extra = services.assign_assessor(cast.central, round_, cast.other_office, cast.assessor)
    services.assign_unit(cast.officer, round_, agency, "O1", cast.unit)
    link = services.add_link(cast.officer, round_, agency, "O1", "https://www.example.go.th/o1")
    evidence = services.upload_file(cast.officer, round_, agency, "O1", SimpleUploadedFile("o1.pdf", pdf_bytes()))
    services.upload_file(cast.officer, round_, agency, "O3", SimpleUploadedFile("o3.pdf", pdf_bytes()), is_public=True)
    for code in ("O4", "O5"):
        services.add_link(cast.officer, round_, agency, code, f"https://www.example.go.th/{code}")
    for code in ("O3", "O4", "O5"):
        services.set_ready(cast.officer, round_, agency, code)
    services.submit_items(cast.officer, round_, agency)
    services.record_oit_review(cast.assessor, OITEntry.objects.get(code="O4"), elements=["a", "b", "c", "d"])
    services.record_oit_review(cast.assessor, OITEntry.objects.get(code="O5"), elements=["a"], comment="ไม่ครบ")
    services.open_clarification(cast.assessor, round_, agency, timezone.localdate() + timedelta(days=7))
    return {
        "link": link.pk,
        "file": evidence.pk,
        "assignment": extra.pk,
        "public_file": EvidenceFile.objects.get(entry__code="O3").pk,
    }


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }


@pytest.mark.django_db
def test_only_the_embed_view_may_be_framed(client, cast):
    _scenario(cast)
    embed = client.get(reverse("oit_embed", args=[cast.samutsakhon.code, cast.round_2563.pk]))
    assert "X-Frame-Options" not in embed
    public = client.get(reverse("oit_public", args=[cast.samutsakhon.code, cast.round_2563.pk]))
    assert public["X-Frame-Options"] == "DENY"
    client.force_login(cast.officer)
    page = client.get(reverse("oit_agency", args=[cast.round_2563.pk, cast.samutsakhon.code]))
    assert page["X-Frame-Options"] == "DENY"
    assert "&lt;iframe src=&quot;" in page.content.decode() and "/oit/embed/ESA-SKN/" in page.content.decode()


@pytest.mark.django_db
def test_unknown_things_are_404(client, cast):
    client.force_login(cast.central)
    r = cast.round_2563.pk
    assert client.get(reverse("oit_agency", args=[r, "NOPE"])).status_code == 404
    assert client.get(reverse("oit_agency", args=[r, cast.school.code])).status_code == 404  # not an ESA edition
    assert client.get(reverse("oit_agency", args=[9999, cast.samutsakhon.code])).status_code == 404
    assert client.get(reverse("oit_public", args=["NOPE", r])).status_code == 404
    assert client.get(reverse("oit_file", args=[9999])).status_code == 404
    assert client.get(reverse("oit_demo_site", args=["nope"])).status_code == 404
    assert not EvidenceLink.objects.exists() and not AssessorAssignment.objects.exists()
