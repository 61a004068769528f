"""A respondent on a phone-sized browser WITHOUT JavaScript: the slip's short link → the EIT form → review →
submit → thanks; the same link again says the code was used.  Screenshots at 390 × 844 at every step.
"""

from __future__ import annotations

import pytest

from prongsai.core.framework import load_framework

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def phone(chromium_browser):
    context = chromium_browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                           is_mobile=True, has_touch=True, locale="th-TH",
                                           timezone_id="Asia/Bangkok", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


def test_respondent_answers_on_a_phone_without_javascript(cast, live_server, settings, phone, artifacts):
    from prongsai.web.surveys import services
    from prongsai.web.surveys.models import SurveyResponse

    settings.BASE_URL = live_server.url
    (code,) = services.generate_codes(cast.officer, cast.round_2563, cast.samutsakhon, "EIT", "teachers", 1).codes
    framework = load_framework("ita-2563-esa")
    page = phone

    def shot(name: str) -> None:
        page.screenshot(path=str(artifacts / f"survey-{name}.png"), full_page=False)

    page.goto(f"{live_server.url}/surveys/s/{code}")
    assert "เริ่มทำแบบวัด" in page.content()
    shot("1-intro")
    page.click("button[value=next]")
    # one page per EIT indicator: tap an option of every question, like a thumb would (on the label)
    for number in [i.number for i in framework.indicators_of("EIT")]:
        assert f"ตัวชี้วัดที่ {number}" in page.content()
        for field in framework.answer_fields("EIT"):
            if field.indicator == number:
                escaped = field.code.replace(".", "\\.")
                page.locator(f"#f-{escaped} label.option").last.click()
        shot(f"2-indicator-{number}")
        page.click("button[value=next]")
    assert "ตรวจทานคำตอบก่อนส่ง" in page.content()
    shot("3-review")
    page.click("button[value=submit]")
    assert "ขอบคุณที่ร่วมตอบแบบวัด" in page.content()
    shot("4-thanks")
    assert SurveyResponse.objects.count() == 1
    stored = SurveyResponse.objects.get().answers
    assert stored == {f.code: len(f.scale.options) - 1 for f in framework.answer_fields("EIT")}

    page.goto(f"{live_server.url}/surveys/s/{code}")
    assert "รหัสนี้ถูกใช้ตอบแล้ว" in page.content()
    shot("5-used")
