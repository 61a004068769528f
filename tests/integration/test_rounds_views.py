"""Rounds pages: everyone signed in reads the list and calendar; only the central admin changes anything."""

from __future__ import annotations

import pytest
from django.urls import reverse

from prongsai.web.audit.models import AuditEntry
from prongsai.web.rounds.models import AssessmentRound, RoundPhase, RoundStatus

pytestmark = pytest.mark.django_db

OTHERS = ["director", "officer", "staff", "assessor", "viewer", "other_officer"]


def test_list_is_readable_by_everyone_signed_in(client, cast):
    for who in ["central", *OTHERS]:
        client.force_login(getattr(cast, who))
        response = client.get(reverse("rounds"))
        assert response.status_code == 200
        html = response.content.decode()
        assert "ITA สพท. 2562" in html and "ITA สพท. 2563" in html
        assert (reverse("round_create") in html) == (who == "central")
    client.logout()
    assert client.get(reverse("rounds")).status_code == 302


def test_central_creates_a_round_with_a_calendar(client, cast):
    client.force_login(cast.central)
    assert client.get(reverse("round_create")).status_code == 200
    response = client.post(
        reverse("round_create"),
        {
            "framework_id": "ita-2564",
            "fiscal_year": "2564",
            "name_th": "",
            "registration_starts": "2021-01-04",
            "registration_ends": "2021-01-29",
            "surveys_starts": "2021-03-01",
            "surveys_ends": "2021-05-31",
        },
    )
    round_ = AssessmentRound.objects.get(framework_id="ita-2564", fiscal_year=2564)
    assert response.status_code == 302 and response["Location"] == reverse("round_detail", kwargs={"pk": round_.pk})
    assert round_.status == RoundStatus.DRAFT and round_.created_by == cast.central
    assert RoundPhase.objects.filter(round=round_).count() == 2
    assert AuditEntry.objects.filter(action="create_round").exists()
    html = client.get(response["Location"]).content.decode()
    assert "4 มกราคม 2564" in html and "29 มกราคม 2564" in html  # B.E. dates in the calendar
    assert "ลงทะเบียนและแจ้งจำนวนบุคลากร" in html and "26 วัน" in html


def test_create_refuses_a_wrong_year_and_bad_dates(client, cast):
    client.force_login(cast.central)
    response = client.post(reverse("round_create"), {"framework_id": "ita-2564", "fiscal_year": "2570"})
    assert response.status_code == 400 and "ใช้ประเมินปีงบประมาณ 2564, 2565 เท่านั้น" in response.content.decode()
    response = client.post(
        reverse("round_create"),
        {
            "framework_id": "ita-2564",
            "fiscal_year": "2565",
            "surveys_starts": "2022-05-01",
            "surveys_ends": "2022-04-01",
        },
    )
    assert response.status_code == 400 and "มีวันสิ้นสุดก่อนวันเริ่ม" in response.content.decode()
    response = client.post(reverse("round_create"), {"framework_id": "ita-2562-esa", "fiscal_year": "2562"})
    assert response.status_code == 400 and "มีรอบการประเมินของ ita-2562-esa ปี 2562 อยู่แล้ว" in response.content.decode()
    assert not AssessmentRound.objects.filter(fiscal_year__in=[2565, 2570]).exists()


def test_central_opens_closes_and_publishes(client, cast):
    client.force_login(cast.central)
    round_ = cast.round_2563
    detail = reverse("round_detail", kwargs={"pk": round_.pk})
    assert "ปิดรอบการประเมิน" in client.get(detail).content.decode()
    # closing asks first (docs/confirmations.md): the one-click POST only shows what closing does
    response = client.post(reverse("round_status", kwargs={"pk": round_.pk}), {"status": "closed"})
    assert response.status_code == 200 and "ยืนยัน" in response.content.decode()
    round_.refresh_from_db()
    assert round_.status == RoundStatus.OPEN
    response = client.post(reverse("round_status", kwargs={"pk": round_.pk}), {"status": "closed", "confirmed": "yes"})
    assert response.status_code == 302 and response["Location"] == detail
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CLOSED and round_.closed_at is not None
    client.post(reverse("round_status", kwargs={"pk": round_.pk}), {"status": "open"})
    round_.refresh_from_db()
    assert round_.status == RoundStatus.OPEN
    # an impossible move is refused with a message, nothing changes
    response = client.post(reverse("round_status", kwargs={"pk": round_.pk}), {"status": "draft"}, follow=True)
    assert "ไม่สามารถเปลี่ยนสถานะ" in response.content.decode()
    round_.refresh_from_db()
    assert round_.status == RoundStatus.OPEN

    response = client.post(
        reverse("round_publish", kwargs={"pk": round_.pk}), {"published": "1", "confirmed": "yes"}, follow=True
    )
    round_.refresh_from_db()
    assert round_.results_published and "เผยแพร่ผลการประเมินของ" in response.content.decode()
    client.post(reverse("round_publish", kwargs={"pk": round_.pk}), {"published": "0"})
    round_.refresh_from_db()
    assert not round_.results_published
    assert AuditEntry.objects.filter(action="set_round_status").count() == 2
    assert AuditEntry.objects.filter(action="publish_results").count() == 2


@pytest.mark.parametrize("who", OTHERS)
def test_others_cannot_change_rounds(client, cast, who):
    client.force_login(getattr(cast, who))
    round_ = cast.round_2563
    assert client.get(reverse("round_create")).status_code == 403
    assert client.post(reverse("round_create"), {"framework_id": "ita-2564", "fiscal_year": "2564"}).status_code == 403
    assert client.post(reverse("round_status", kwargs={"pk": round_.pk}), {"status": "closed"}).status_code == 403
    assert client.post(reverse("round_publish", kwargs={"pk": round_.pk}), {"published": "1"}).status_code == 403
    round_.refresh_from_db()
    assert round_.status == RoundStatus.OPEN and not round_.results_published
    detail = client.get(reverse("round_detail", kwargs={"pk": round_.pk}))
    assert detail.status_code == 200
    assert reverse("round_publish", kwargs={"pk": round_.pk}) not in detail.content.decode()


def test_status_and_publish_get_only_ask(client, cast):
    """A GET (a link, a prefetch) shows the confirmation page and changes nothing."""
    client.force_login(cast.central)
    assert client.get(reverse("round_status", kwargs={"pk": cast.round_2563.pk})).status_code == 200
    assert client.get(reverse("round_publish", kwargs={"pk": cast.round_2563.pk})).status_code == 200
    cast.round_2563.refresh_from_db()
    assert cast.round_2563.status == RoundStatus.OPEN and not cast.round_2563.results_published
