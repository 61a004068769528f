"""Issue 11 §1/§4 in Chromium at phone (390×844) and desktop sizes: the officer types the order date the Thai way,
a 3106 date is refused with the focus on the field, and closing a round shows the confirmation page first.
Screenshots go to ``$PRONGSAI_ARTIFACTS`` when it is set (``screenshot`` in conftest.py)."""

from __future__ import annotations

import pytest

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def _login(page, base: str, username: str) -> None:
    from tests.cast import PASSWORD

    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login/'] button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", SIZES)
def test_thai_date_field_and_close_confirmation(cast, live_server, browser_page, screenshot, size):
    from prongsai.web.measures.models import Committee
    from prongsai.web.rounds.models import AssessmentRound, RoundStatus

    page, base = browser_page, live_server.url
    page.set_viewport_size(SIZES[size])
    _login(page, base, cast.officer.username)
    page.goto(f"{base}/measures/{cast.samutsakhon.code}/{cast.round_2563.pk}/committee/")
    page.fill("#id_order_date", "25/06/3106")
    page.click("form[action$='/committee/'] button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#error-summary").is_visible()
    assert page.evaluate("document.activeElement.id") == "id_order_date"
    screenshot(page, f"date-refused-{size}", full_page=False)
    page.fill("#id_order_date", "25/06/2563")
    page.click("form[action$='/committee/'] button[type=submit]")
    page.wait_for_load_state()
    assert page.input_value("#id_order_date") == "25/06/2563"
    assert str(Committee.objects.get(agency=cast.samutsakhon, round=cast.round_2563).order_date) == "2020-06-25"

    page.context.clear_cookies()
    _login(page, base, cast.central.username)
    page.goto(f"{base}/rounds/{cast.round_2563.pk}/")
    page.click("form[action$='/status/'] button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".confirm-card").is_visible()
    assert AssessmentRound.objects.get(pk=cast.round_2563.pk).status == RoundStatus.OPEN
    screenshot(page, f"close-confirm-{size}")
    page.click(".confirm-actions button[type=submit]")
    page.wait_for_load_state()
    assert AssessmentRound.objects.get(pk=cast.round_2563.pk).status == RoundStatus.CLOSED
