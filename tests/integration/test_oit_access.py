"""Who may open or post to each OIT URL: the expected HTTP status for every role of the cast.

``ACCESS`` maps every URL name of the OIT app to the status each role gets (the lead merges it into the
project-wide matrix).  The scenario: สพป.สมุทรสาคร in the 2563 round; the assessor is assigned to it; item O1 is
assigned to the staff member's unit and has a link and a file; O3 is submitted (with a public file); O4 is reviewed
in full; O5 is back with the agency for clarification.  ``CALLS`` says how each URL is requested (method, path
arguments, body); successful posts redirect (302), so for anonymous users 302 means the login page (checked).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from prongsai.web.oit import services
from prongsai.web.oit.models import AssessorAssignment, EvidenceFile, EvidenceLink, OITEntry
from prongsai.web.oit.testing import pdf_bytes

ROLES = ("anonymous", "central", "director", "officer", "staff", "assessor", "viewer", "other_officer")


def _row(*statuses: int) -> dict[str, int]:
    assert len(statuses) == len(ROLES)
    return dict(zip(ROLES, statuses))


#                     anonymous central director officer staff assessor viewer other_officer
SEE_AGENCY = _row(302, 200, 200, 200, 200, 200, 200, 403)
EDIT_ITEM = _row(302, 302, 403, 302, 302, 403, 403, 403)      # officer, central, and the item's unit staff
OFFICER_ONLY = _row(302, 302, 403, 302, 403, 403, 403, 403)
ASSESSOR_ONLY = _row(302, 403, 403, 403, 403, 302, 403, 403)  # the assigned assessor (not even central)
PUBLIC = _row(200, 200, 200, 200, 200, 200, 200, 200)

ACCESS: dict[str, dict[str, int]] = {
    "oit_home": _row(302, 200, 200, 200, 200, 200, 200, 200),
    "oit_agency": SEE_AGENCY,
    "oit_item": SEE_AGENCY,
    "oit_audit": SEE_AGENCY,
    "oit_file": SEE_AGENCY,
    "oit_link_add": EDIT_ITEM,
    "oit_link_remove": EDIT_ITEM,
    "oit_upload": EDIT_ITEM,
    "oit_file_remove": EDIT_ITEM,
    "oit_note": EDIT_ITEM,
    "oit_set_status": EDIT_ITEM,
    "oit_recheck": EDIT_ITEM,
    "oit_recheck_all": EDIT_ITEM,
    "oit_set_unit": OFFICER_ONLY,
    "oit_submit_ready": OFFICER_ONLY,
    "oit_carry_over": OFFICER_ONLY,
    "oit_clarify": OFFICER_ONLY,
    "oit_review": ASSESSOR_ONLY,
    "oit_confirm": ASSESSOR_ONLY,
    "oit_open_clarification": _row(302, 302, 403, 403, 403, 302, 403, 403),
    "oit_assignments": _row(302, 200, 403, 403, 403, 403, 403, 403),
    "oit_unassign": _row(302, 302, 403, 403, 403, 403, 403, 403),
    "oit_national": _row(302, 200, 403, 403, 403, 403, 403, 403),
    "oit_public": PUBLIC,
    "oit_public_json": PUBLIC,
    "oit_embed": PUBLIC,
    "oit_public_file": PUBLIC,
    "oit_demo_site": PUBLIC,
}


def _scenario(cast) -> dict:
    round_, agency = cast.round_2563, cast.samutsakhon
    services.assign_assessor(cast.central, round_, agency, cast.assessor)
    extra = services.assign_assessor(cast.central, round_, cast.other_office, cast.assessor)
    services.assign_unit(cast.officer, round_, agency, "O1", cast.unit)
    link = services.add_link(cast.officer, round_, agency, "O1", "https://www.example.go.th/o1")
    evidence = services.upload_file(cast.officer, round_, agency, "O1", SimpleUploadedFile("o1.pdf", pdf_bytes()))
    services.upload_file(cast.officer, round_, agency, "O3", SimpleUploadedFile("o3.pdf", pdf_bytes()),
                         is_public=True)
    for code in ("O4", "O5"):
        services.add_link(cast.officer, round_, agency, code, f"https://www.example.go.th/{code}")
    for code in ("O3", "O4", "O5"):
        services.set_ready(cast.officer, round_, agency, code)
    services.submit_items(cast.officer, round_, agency)
    services.record_oit_review(cast.assessor, OITEntry.objects.get(code="O4"), elements=["a", "b", "c", "d"])
    services.record_oit_review(cast.assessor, OITEntry.objects.get(code="O5"), elements=["a"], comment="ไม่ครบ")
    services.open_clarification(cast.assessor, round_, agency, timezone.localdate() + timedelta(days=7))
    return {"link": link.pk, "file": evidence.pk, "assignment": extra.pk,
            "public_file": EvidenceFile.objects.get(entry__code="O3").pk}


def CALLS(name: str, cast, ids: dict) -> tuple[str, str, dict]:
    """(method, path, body) of one request to the URL ``name`` in the scenario."""
    r, a = cast.round_2563.pk, cast.samutsakhon.code
    agency = (r, a)

    def item(code):
        return (r, a, code)

    table = {
        "oit_home": ("get", (), {}),
        "oit_agency": ("get", agency, {}),
        "oit_item": ("get", item("O1"), {}),
        "oit_audit": ("get", agency, {}),
        "oit_file": ("get", (ids["file"],), {}),
        "oit_link_add": ("post", item("O1"), {"url": "https://www.example.go.th/o1b", "label": "x"}),
        "oit_link_remove": ("post", (*item("O1"), ids["link"]), {}),
        "oit_upload": ("post", item("O1"), {"file": SimpleUploadedFile("b.pdf", pdf_bytes("b"))}),
        "oit_file_remove": ("post", (*item("O1"), ids["file"]), {}),
        "oit_note": ("post", item("O1"), {"note": "คำอธิบาย"}),
        "oit_set_status": ("post", item("O1"), {"action": "ready"}),
        "oit_recheck": ("post", item("O1"), {}),
        "oit_recheck_all": ("post", agency, {}),
        "oit_set_unit": ("post", item("O2"), {"unit": cast.unit.pk}),
        "oit_submit_ready": ("post", agency, {}),
        "oit_carry_over": ("post", agency, {}),
        "oit_clarify": ("post", item("O5"), {"text": "ชี้แจงแล้ว"}),
        "oit_review": ("post", item("O3"), {"passed": "1"}),
        "oit_confirm": ("post", item("O4"), {}),
        "oit_open_clarification": ("post", agency, {"deadline": str(timezone.localdate() + timedelta(days=9))}),
        "oit_assignments": ("get", (r,), {}),
        "oit_unassign": ("post", (r, ids["assignment"]), {}),
        "oit_national": ("get", (r,), {}),
        "oit_public": ("get", (a, r), {}),
        "oit_public_json": ("get", (a, r), {}),
        "oit_embed": ("get", (a, r), {}),
        "oit_public_file": ("get", (ids["public_file"],), {}),
        "oit_demo_site": ("get", ("o1",), {}),
    }
    method, args, body = table[name]
    return method, reverse(name, args=args), body


def test_every_oit_url_is_in_the_matrix():
    from prongsai.web.oit.urls import urlpatterns

    assert {p.name for p in urlpatterns} == set(ACCESS)


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ACCESS))
@pytest.mark.parametrize("role", ROLES)
def test_access(client, cast, name, role):
    ids = _scenario(cast)
    if role != "anonymous":
        client.force_login(getattr(cast, role))
    method, path, body = CALLS(name, cast, ids)
    response = getattr(client, method)(path, body)
    expected = ACCESS[name][role]
    assert response.status_code == expected, (name, role, response.status_code, response.content[:300])
    if role == "anonymous" and expected == 302:
        assert response["Location"].startswith(reverse(settings.LOGIN_URL))


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
    assert client.get(reverse("oit_agency", args=[r, cast.school.code])).status_code == 404   # not an ESA edition
    assert client.get(reverse("oit_agency", args=[9999, cast.samutsakhon.code])).status_code == 404
    assert client.get(reverse("oit_public", args=["NOPE", r])).status_code == 404
    assert client.get(reverse("oit_file", args=[9999])).status_code == 404
    assert client.get(reverse("oit_demo_site", args=["nope"])).status_code == 404
    assert not EvidenceLink.objects.exists() and not AssessorAssignment.objects.exists()
