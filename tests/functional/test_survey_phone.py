"""A respondent in a real browser (Debian's Chromium): the slip's short link → the form → review → submit →
thanks, on a phone WITHOUT JavaScript and on a desktop; the browser's back and forward buttons at every step and
after the submit (issue 11 §3: post/redirect/get); no request ever carries a referrer (L12) and Chromium's form
posts are accepted although it sends ``Origin: null`` under ``no-referrer``.  Screenshots at every step (with
$PRONGSAI_ARTIFACTS set: tests/functional/conftest.py).
"""

from __future__ import annotations

import pytest

from prongsai.core.framework import load_framework

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
    "desktop": {"viewport": {"width": 1280, "height": 900}},
}


@pytest.fixture(params=sorted(SIZES))
def respondent(request, chromium_browser):
    """A fresh browser (own cookies) at a phone or desktop size, Thai, JavaScript off (the form needs none)."""
    context = chromium_browser.new_context(
        **SIZES[request.param], locale="th-TH", timezone_id="Asia/Bangkok", java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    sent = []
    page.on("request", lambda r: sent.append((r.method, r.url, r.headers.get("referer"), r.headers.get("origin"))))
    try:
        yield request.param, page, sent
    finally:
        context.close()


def _tap_answers(page, framework, tool: str, number: int, option: int | None = None) -> None:
    """Tap an option of every question of indicator ``number`` (the last option, or the ``option``-th)."""
    for field in framework.answer_fields(tool):
        if field.indicator == number:
            escaped = field.code.replace(".", "\\.")
            labels = page.locator(f"#f-{escaped} label.option")
            (labels.last if option is None else labels.nth(option)).click()


def test_respondent_answers_with_back_and_forward(cast, live_server, settings, respondent, screenshot):
    from prongsai.web.surveys import services
    from prongsai.web.surveys.models import HeldResponse, RespondentCode

    size, page, sent = respondent
    settings.BASE_URL = live_server.url
    (code,) = services.generate_codes(cast.officer, cast.round_2563, cast.samutsakhon, "EIT", "teachers", 1).codes
    framework = load_framework("ita-2563-esa")
    numbers = [i.number for i in framework.indicators_of("EIT")]

    def shot(name: str) -> None:
        screenshot(page, f"survey-{size}-{name}", full_page=False)

    page.goto(f"{live_server.url}/s/{code}")
    assert "เริ่มทำแบบวัด" in page.content()
    assert code not in page.url and "/surveys/form/" in page.url  # the code left the address bar
    shot("1-intro")
    page.click("button[value=next]")
    # first indicator: the first option everywhere, then next
    _tap_answers(page, framework, "EIT", numbers[0], option=0)
    shot(f"2-indicator-{numbers[0]}")
    page.click("button[value=next]")
    assert f"ตัวชี้วัดที่ {numbers[1]}" in page.content()
    # the back button: the previous page again, its answers still chosen, no "confirm form resubmission"
    page.go_back()
    assert f"ตัวชี้วัดที่ {numbers[0]}" in page.content()
    first = next(f for f in framework.answer_fields("EIT") if f.indicator == numbers[0])
    assert page.locator(f'input[name="{first.code}"][value="0"]').is_checked()
    shot("3-after-back")
    page.go_forward()
    assert f"ตัวชี้วัดที่ {numbers[1]}" in page.content()
    # change the first page's answers through "ย้อนกลับ", then go on to the end
    page.click("button[value=back]")
    _tap_answers(page, framework, "EIT", numbers[0])
    page.click("button[value=next]")
    for number in numbers[1:]:
        assert f"ตัวชี้วัดที่ {number}" in page.content()
        _tap_answers(page, framework, "EIT", number)
        shot(f"4-indicator-{number}")
        page.click("button[value=next]")
    assert "ตรวจทานคำตอบก่อนส่ง" in page.content()
    shot("5-review")
    page.click("button[value=submit]")
    assert "ขอบคุณที่ร่วมตอบแบบวัด" in page.content()
    shot("6-thanks")
    assert RespondentCode.objects.get().status == "used" and HeldResponse.objects.count() == 1
    # back after the submit: the thank-you page, never a browser error or the form again
    for _ in range(3):
        page.go_back()
        assert "ขอบคุณที่ร่วมตอบแบบวัด" in page.content(), page.url
    shot("7-back-after-submit")
    page.reload()
    assert "ขอบคุณที่ร่วมตอบแบบวัด" in page.content()
    assert HeldResponse.objects.count() == 1  # nothing was posted twice
    # the answers stored (released once the round closes) are the last ones chosen
    from prongsai.web.surveys.ballot import release_round
    from prongsai.web.surveys.models import SurveyResponse

    cast.round_2563.status = "closed"
    cast.round_2563.save()
    release_round(cast.round_2563.pk)
    stored = SurveyResponse.objects.get().answers
    assert stored == {f.code: len(f.scale.options) - 1 for f in framework.answer_fields("EIT")}

    # no request carried a survey page's address as its referrer (L12): the pages' own requests carry none, and
    # only the fonts carry the stylesheet's address; the form posts went through with Chromium's Origin: null
    from_pages = [(u, r) for _m, u, r, _o in sent if not u.endswith(".ttf")]
    assert from_pages and all(not referer for _u, referer in from_pages), [s for s in from_pages if s[1]]
    assert all(not r or r.endswith("/static/prongsai/css/prongsai.css") for _m, _u, r, _o in sent)
    posts = [(url, origin) for method, url, _r, origin in sent if method == "POST"]
    assert posts and {origin for _u, origin in posts} == {"null"}

    page.goto(f"{live_server.url}/s/{code}")
    assert "รหัสนี้ถูกใช้ตอบแล้ว" in page.content()
    shot("8-used")


def test_a_cross_site_form_post_is_refused(cast, live_server, chromium_browser):
    """The respondent's POSTs are not checked by Django's CSRF middleware (Origin: null, see respondent.py):
    a page on another site that posts to the form is refused by Sec-Fetch-Site and the missing Lax cookie."""
    from prongsai.web.surveys import services
    from prongsai.web.surveys.models import HeldResponse

    (code,) = services.generate_codes(cast.officer, cast.round_2563, cast.samutsakhon, "IIT", "staff", 1).codes
    context = chromium_browser.new_context(java_script_enabled=True)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/s/{code}")  # the victim has a form open
        form_url = page.url
        other_site = (
            live_server.url.replace("localhost", "127.0.0.1")
            if "localhost" in live_server.url
            else live_server.url.replace("127.0.0.1", "localhost")
        )
        # the attacker's page lives on another site (another host name) and is not served by Prongsai, so none
        # of Prongsai's own headers (CSP form-action 'self') protect it: only the checks on the receiving side do
        attack = (
            f'<html><body><form method="post" action="{form_url}"><input name="page" value="6">'
            '<input name="action" value="submit"></form></body></html>'
        )
        context.route(
            f"{other_site}/attack", lambda route: route.fulfill(status=200, content_type="text/html", body=attack)
        )
        page.goto(f"{other_site}/attack")
        with page.expect_navigation():
            page.evaluate("document.forms[0].submit()")
        assert "หมดเวลา" in page.content()
        assert HeldResponse.objects.count() == 0
    finally:
        context.close()


def test_officer_sees_why_scores_are_hidden(cast, live_server, chromium_browser, screenshot):
    """Issue 11 §9 as the officer sees it: with four IIT answers no score at all, and a Thai note why; the answers
    waiting in the ballot box are counted in a note; a fifth answer releases the batch and every score appears."""
    from django.test import Client
    from django.urls import reverse

    from prongsai.web.surveys import services
    from tests.integration.test_surveys import choose

    codes = services.generate_codes(cast.officer, cast.round_2563, cast.samutsakhon, "IIT", "staff", 9).codes
    for code in codes[:4]:
        services.submit_response(services.check_code(code), choose("IIT"))
    client = Client()
    client.force_login(cast.officer)
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900}, locale="th-TH")
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    url = live_server.url + reverse(
        "survey_scores", kwargs={"round_id": cast.round_2563.pk, "code": cast.samutsakhon.code}
    )
    try:
        page.goto(url)
        note = page.locator('[data-floor="IIT"]')
        assert "อย่างน้อย 5 คน" in note.inner_text()
        assert "อีก 4 คำตอบรอรวมเป็นชุด" in page.locator('[data-held="IIT"]').inner_text()
        assert page.locator("[data-indicator]").count() == 0
        assert "ผู้ตอบ 4 ราย (นับในคะแนนแล้ว 0 ราย)" in page.locator("#scores-IIT").inner_text()
        assert page.locator("[data-item]").count() == 0
        note.scroll_into_view_if_needed()
        screenshot(page, "survey-scores-below-floor", full_page=False)
        services.submit_response(services.check_code(codes[4]), choose("IIT"))  # the fifth: a batch of five
        page.goto(url)
        assert page.locator('[data-floor="IIT"]').count() == 0
        assert page.locator('[data-indicator="1"]').inner_text() == "100.00"
        assert page.locator('[data-item="I1.1"]').inner_text() == "100.00"
        screenshot(page, "survey-scores-from-five", full_page=False)
    finally:
        context.close()
