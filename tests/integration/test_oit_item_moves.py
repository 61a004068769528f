"""The item page offers an OIT move only when the service would accept it (prongsai.web.oit.lifecycle).

Before the transition table the page and the services each had their own rule for an item being clarified: the
page showed the assessor's review form and confirm button while the agency could still answer, and the
officer's answer form after the deadline, and the services refused all three.  The documented rule (docs/oit.md,
"Clarification window") is the services': the agency answers until the deadline, the assessor decides after it.
Now both read ``lifecycle.open_now``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from prongsai.web.oit import services
from prongsai.web.oit.models import ClarificationWindow, OITEntry

pytestmark = pytest.mark.django_db


def _clarifying_item(cast) -> OITEntry:
    """O3 of สพป.สมุทรสาคร, failed in round 1 and sent back to the agency for three days."""
    round_, agency = cast.round_2563, cast.samutsakhon
    services.assign_assessor(cast.central, round_, agency, cast.assessor)
    services.add_link(cast.officer, round_, agency, "O3", "https://www.example.go.th/ESA-SKN/O3")
    services.set_ready(cast.officer, round_, agency, "O3")
    services.submit_items(cast.officer, round_, agency, ["O3"])
    entry = OITEntry.objects.get(round=round_, agency=agency, code="O3")
    services.record_oit_review(cast.assessor, entry, passed=False, comment="ไม่อ้างอิงกฎหมาย")
    services.open_clarification(cast.assessor, round_, agency, timezone.localdate() + timedelta(days=3))
    return entry


def _confirm_form(cast) -> str:
    url = reverse("oit_confirm", args=[cast.round_2563.pk, cast.samutsakhon.code, "O3"])
    return f'action="{url}"'


def _page(client, user, cast) -> str:
    client.force_login(user)
    url = reverse("oit_item", args=[cast.round_2563.pk, cast.samutsakhon.code, "O3"])
    page = client.get(url)
    assert page.status_code == 200
    return page.content.decode()


def test_while_the_agency_may_answer_only_the_officer_is_offered_a_move(client, cast):
    _clarifying_item(cast)
    officer_page = _page(client, cast.officer, cast)
    assert 'id="clarify-form"' in officer_page
    assessor_page = _page(client, cast.assessor, cast)
    # the assessor waits: recording round 2 or confirming now would be refused ("ยังอยู่ในช่วงชี้แจง")
    assert 'id="review-form"' not in assessor_page
    assert _confirm_form(cast) not in assessor_page


def test_after_the_deadline_only_the_assessor_is_offered_a_move(client, cast):
    _clarifying_item(cast)
    ClarificationWindow.objects.update(deadline=timezone.localdate() - timedelta(days=1))
    officer_page = _page(client, cast.officer, cast)
    assert 'id="clarify-form"' not in officer_page  # answering now would be refused ("พ้นกำหนด")
    assessor_page = _page(client, cast.assessor, cast)
    assert 'id="review-form"' in assessor_page and "บันทึกผลรอบที่ 2" in assessor_page
    assert _confirm_form(cast) in assessor_page
