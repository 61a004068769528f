"""IIT and EIT surveys (issue 4), told with the fixed cast: headcounts → codes → slips → the form → progress →
scores, and every way a code can fail.  Anonymity, races and access have their own files (test_surveys_*.py).
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, TestCase
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from prongsai.core.framework import load_framework
from prongsai.core.scoring import rounded, score_survey
from prongsai.web.audit.models import AuditEntry
from prongsai.web.results.models import AgencyResult, ResultSource
from prongsai.web.rounds.models import RoundStatus
from prongsai.web.surveys import ballot, services
from prongsai.web.surveys import codes as codemod
from prongsai.web.surveys.flow import flow_for
from prongsai.web.surveys.models import CodeStatus, HeldResponse, RespondentCode, SurveyPopulation, SurveyResponse

pytestmark = pytest.mark.django_db

FW = "ita-2563-esa"


# ------------------------------------------------------------------------------------------------ helpers


def short_url(code: str) -> str:
    """The printed short link's path: the top-level ``/s/<CODE>`` when it is mounted, else /surveys/s/<CODE>."""
    try:
        return reverse("survey_start", kwargs={"code": code})
    except NoReverseMatch:
        return reverse("survey_code", kwargs={"code": code})


def action_of(response) -> str:
    """The address the page's form posts to (``/surveys/form/<fid>/``)."""
    match = re.search(r'<form method="post" action="(/surveys/form/[^"]+)"', response.content.decode())
    assert match, f"no form on the page ({response.status_code}): {response.content.decode()[:300]}"
    return unescape(match.group(1))


def page_of(response) -> str:
    match = re.search(r'name="page" value="(\d+)"', response.content.decode())
    assert match, "no page number on the page"
    return match.group(1)


def follow(client: Client, response):
    """Follow the post/redirect/get redirects (303) to the page the browser would show."""
    while response.status_code in (302, 303):
        response = client.get(response["Location"])
    return response


def step(client: Client, page_response, action: str = "next", **answers):
    """Post one step of the form as the page's buttons do, and follow the redirect to the next page."""
    response = client.post(action_of(page_response), {"page": page_of(page_response), "action": action, **answers})
    return follow(client, response)


def choose(tool: str, pattern=None) -> dict[str, int]:
    """One answer per field of ``tool``: ``pattern(field_index, field)`` → option index (default: the last)."""
    framework = load_framework(FW)
    return {
        f.code: (pattern(i, f) if pattern else len(f.scale.options) - 1)
        for i, f in enumerate(framework.answer_fields(tool))
    }


def answer_through_pages(client: Client, start_response, answers: dict[str, int]):
    """Walk the form as a phone would: intro → one page per indicator → review; returns the review page."""
    start_response = follow(client, start_response)
    assert start_response.status_code == 200, start_response.content.decode()[:500]
    response = step(client, start_response)
    while 'value="submit"' not in response.content.decode():
        assert response.status_code == 200, response.content.decode()[:500]
        page = {k: v for k, v in answers.items() if f'name="{k}"' in response.content.decode()}
        response = step(client, response, **page)
    return response


def submit(client: Client, review_response):
    """Tap "ส่งคำตอบ" on the review page: the answer to the POST itself (a 303 on success, a page otherwise)."""
    return client.post(action_of(review_response), {"page": page_of(review_response), "action": "submit"})


@contextmanager
def committing():
    """Run on-commit work (the ballot box's release after a submit, after a round's close) inside the test's
    transaction, as it runs after each commit in production."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        yield


def release_everything(cast, round_=None) -> int:
    """Close the round: the ballot box releases what it holds whatever the number (a round that is over)."""
    round_ = round_ or cast.round_2563
    round_.status = RoundStatus.CLOSED
    round_.save()
    return ballot.release_round(round_.pk)


def make_codes(cast, tool="IIT", group="staff", count=5, **kwargs) -> list[str]:
    return services.generate_codes(cast.officer, cast.round_2563, cast.samutsakhon, tool, group, count, **kwargs).codes


def headcounts(cast, **extra):
    counts = {
        ("IIT", "staff"): 40,
        ("EIT", "school_directors"): 90,
        ("EIT", "teachers"): 1200,
        ("EIT", "other_service_users"): 300,
    }
    counts.update(extra)
    return services.set_headcounts(cast.officer, cast.round_2563, cast.samutsakhon, counts)


def overview_url(cast, round_=None) -> str:
    return reverse(
        "survey_overview", kwargs={"round_id": (round_ or cast.round_2563).pk, "code": cast.samutsakhon.code}
    )


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout


# ------------------------------------------------------------------------------------------------- the story


def test_the_whole_story(client, cast, tmp_path):
    officer = Client()
    officer.force_login(cast.officer)

    # 1. headcounts → minimum sample per tool, from the edition's sampling rule
    response = officer.post(
        reverse("survey_headcounts", kwargs={"round_id": cast.round_2563.pk, "code": cast.samutsakhon.code}),
        {
            "hc-IIT-staff": "40",
            "hc-EIT-school_directors": "90",
            "hc-EIT-teachers": "1200",
            "hc-EIT-other_service_users": "300",
        },
    )
    assert response.status_code == 302
    page = officer.get(overview_url(cast)).content.decode()
    # IIT: 40 staff → 25 (floor)
    assert re.search(r'id="progress-IIT">.*?data-responses="0">0</span>\s*/ 25 ขั้นต่ำ', page, re.S)
    assert "/ 159" in page  # EIT: 10 % of 1,590 → 159

    # 2. a batch of codes: the answer is the PDF sheet of slips, with the short link and the QR code
    response = officer.post(
        reverse("survey_generate", kwargs={"round_id": cast.round_2563.pk, "code": cast.samutsakhon.code}),
        {"tool_group": "IIT:staff", "count": "12", "note": "ห้องประชุม"},
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    links = re.findall(r"http://127\.0\.0\.1:8000/s/([A-Z0-9]{10})", text)
    grouped = re.findall(r"\b([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{2})\b", text)
    assert len(links) == 12 and len(set(links)) == 12
    assert {g.replace("-", "") for g in grouped} == set(links)
    flat = text.replace("\n", "")  # Thai lines wrap without a space
    assert "แบบวัด IIT" in flat and "สพป.สมุทรสาคร" in flat
    assert "ใช้ตอบได้ครั้งเดียว" in flat
    assert RespondentCode.objects.filter(status=CodeStatus.UNUSED).count() == 12
    code = links[0]

    # 3. the respondent scans the slip: intro → 5 indicator pages → review → submit
    respondent = Client()
    redirect = respondent.get(short_url(code))
    assert redirect.status_code == 303 and code not in redirect["Location"]  # the code leaves the address bar
    start = follow(respondent, redirect)
    assert "เริ่มทำแบบวัด" in start.content.decode()
    assert "IIT" in start.content.decode() and "สพป.สมุทรสาคร" in start.content.decode()
    answers = choose("IIT", lambda i, f: i % len(f.scale.options))
    review = answer_through_pages(respondent, start, answers)
    html = review.content.decode()
    assert "ตรวจทานคำตอบก่อนส่ง" in html and "ยังไม่ได้ตอบ" not in html
    with committing():
        done = follow(respondent, submit(respondent, review))
    assert done.status_code == 200 and "ขอบคุณที่ร่วมตอบแบบวัด" in done.content.decode()
    # one answer is in the ballot box, sealed: nothing readable is stored until a batch of 5 is released
    assert SurveyResponse.objects.count() == 0 and HeldResponse.objects.count() == 1
    assert b"I1.1" not in bytes(HeldResponse.objects.get().sealed)  # the field codes are not even visible

    # 4. the answer counts towards progress
    page = officer.get(overview_url(cast)).content.decode()
    assert 'data-responses="1"' in page
    assert RespondentCode.objects.filter(status=CodeStatus.USED).count() == 1

    # 5. reusing the code fails politely, whether by the link, by typing it, or by re-posting the review page
    again = respondent.get(short_url(code))
    assert again.status_code == 409 and "รหัสนี้ถูกใช้ตอบแล้ว" in again.content.decode()
    typed = Client().post(reverse("survey_enter"), {"code": codemod.grouped(code).lower()})
    assert typed.status_code == 409
    resubmitted = follow(respondent, submit(respondent, review))  # the same form: its thank-you page
    assert resubmitted.status_code == 200 and "ขอบคุณที่ร่วมตอบแบบวัด" in resubmitted.content.decode()
    assert HeldResponse.objects.count() == 1

    # 6. more respondents: the fifth answer releases a batch of five, shuffled, with fresh keys
    for other in links[1:6]:
        c = Client()
        review = answer_through_pages(c, c.get(short_url(other)), choose("IIT"))
        with committing():  # each submit commits, then its release runs, as in production
            assert submit(c, review).status_code == 303
    assert SurveyResponse.objects.count() == 5 and HeldResponse.objects.count() == 1
    assert answers in list(SurveyResponse.objects.values_list("answers", flat=True))
    page = officer.get(overview_url(cast)).content.decode()
    assert 'data-responses="6"' in page  # held answers count towards progress
    response = officer.post(
        reverse("survey_compute", kwargs={"round_id": cast.round_2563.pk, "code": cast.samutsakhon.code}), follow=True
    )
    assert response.status_code == 200
    html = response.content.decode()
    # 6 < 25, in Thai (held answers count towards the sample; the score is of the 5 released)
    assert "คำเตือน: ผู้ตอบ 6 ราย ต่ำกว่าขนาดตัวอย่างขั้นต่ำ 25 ราย" in html
    result = AgencyResult.objects.get(round=cast.round_2563, agency=cast.samutsakhon, source=ResultSource.COMPUTED)
    assert result.respondents == {"IIT": 5, "EIT": 0}  # the released ones
    assert "รอรวมเป็นชุด" in html  # the sixth waits, and the page says so
    assert set(result.indicators) == {"1", "2", "3", "4", "5"} and result.total is None and result.eit is None
    assert "I1.1" in result.items and "I1" in result.items
    assert 'data-item="I1.1"' in html and f'data-indicator="1">{result.indicators["1"]}' in html


def test_scores_are_the_core_engines(cast):
    """The stored computed result equals core.scoring.score_survey on the same answers, to the hundredth."""
    framework = load_framework(FW)
    codes = make_codes(cast, count=7)
    patterns = [lambda i, f, k=k: (i * k + k) % len(f.scale.options) for k in range(7)]
    sent = []
    for code, pattern in zip(codes, patterns):
        answers = choose("IIT", pattern)
        services.submit_response(services.check_code(code), answers)
        sent.append(answers)
    release_everything(cast)
    computed = services.compute_survey_results(cast.officer, cast.round_2563, cast.samutsakhon)
    indicators, items = score_survey(framework, "IIT", sent)
    assert computed.result.indicators == {str(n): str(rounded(v)) for n, v in indicators.items()}
    assert computed.result.items["I1.2"] == str(rounded(items["I1.2"]))
    assert computed.result.iit is not None and computed.result.oit is None
    assert any("ยังไม่ได้กรอกจำนวนประชากร" in w for w in computed.warnings)
    assert AuditEntry.objects.filter(action="compute_survey_results").count() == 1


def test_no_score_at_all_below_five_respondents(cast):
    """Issue 11 §9: with four respondents not even an indicator score is shown or stored (one person's indicator
    scores would be their answers); from five on, every level is."""
    for code in make_codes(cast, count=4):
        services.submit_response(services.check_code(code), choose("IIT"))
    release_everything(cast)
    computed = services.compute_survey_results(cast.officer, cast.round_2563, cast.samutsakhon)
    assert computed.result.items == {} and computed.result.indicators == {} and computed.result.iit is None
    assert computed.result.respondents["IIT"] == 4
    assert any("ยังไม่ถึง 5 คน" in w for w in computed.warnings)
    client = Client()
    client.force_login(cast.director)
    url = reverse("survey_scores", kwargs={"round_id": cast.round_2563.pk, "code": cast.samutsakhon.code})
    html = client.get(url).content.decode()
    assert "data-item=" not in html and 'data-floor="IIT"' in html and "อย่างน้อย 5 คน" in html
    assert "data-indicator=" not in html  # not even per indicator
    # the question-level export holds no score either
    officer = Client()
    officer.force_login(cast.officer)
    rows = list(
        csv.reader(
            io.StringIO(
                officer.get(
                    reverse(
                        "survey_export",
                        kwargs={
                            "round_id": cast.round_2563.pk,
                            "code": cast.samutsakhon.code,
                            "what": "scores",
                            "fmt": "csv",
                        },
                    )
                ).content.decode("utf-8-sig")
            )
        )
    )
    assert [r[6] for r in rows[1:] if r[0] == "IIT"] == [""] * len([r for r in rows[1:] if r[0] == "IIT"])
    # a fifth respondent: every level appears
    cast.round_2563.status = RoundStatus.OPEN
    cast.round_2563.save()
    services.submit_response(services.check_code(make_codes(cast, count=1)[0]), choose("IIT"))
    release_everything(cast)
    html = client.get(url).content.decode()
    assert 'data-floor="IIT"' not in html and 'data-item="I1.1"' in html and 'data-indicator="1">100.00' in html


# ----------------------------------------------------------------------------------------- the failing codes


def test_unknown_code_page(client, cast):
    response = client.get(short_url("ACDEFGHJKM"))
    assert response.status_code == 404 and "ไม่พบรหัสนี้" in response.content.decode()
    response = client.get(short_url("not-a-code"))
    assert response.status_code == 404


def test_revoked_code_page(client, cast):
    code, _spare = make_codes(cast, count=2)
    services.revoke_code(cast.officer, cast.round_2563, cast.samutsakhon, codemod.grouped(code).lower())
    response = client.get(short_url(code))
    assert response.status_code == 410 and "ถูกยกเลิกแล้ว" in response.content.decode()
    with pytest.raises(ValidationError):
        services.revoke_code(cast.officer, cast.round_2563, cast.samutsakhon, "ACDEFGHJKM")


def test_revoked_while_answering(client, cast):
    (code,) = make_codes(cast, count=1)
    review = answer_through_pages(client, client.get(short_url(code)), choose("IIT"))
    services.revoke_code(cast.officer, cast.round_2563, cast.samutsakhon, code)
    response = submit(client, review)
    assert response.status_code == 410 and SurveyResponse.objects.count() == 0


def test_revoke_a_whole_batch_keeps_used_codes(cast):
    generated = services.generate_codes(cast.officer, cast.round_2563, cast.samutsakhon, "IIT", "staff", 3)
    services.submit_response(services.check_code(generated.codes[0]), choose("IIT"))
    assert services.revoke_batch(cast.officer, generated.batch) == 2
    statuses = sorted(RespondentCode.objects.values_list("status", flat=True))
    assert statuses == ["revoked", "revoked", "used"]
    # revoking a used code changes nothing and says nothing different (the form must not reveal "used")
    services.revoke_code(cast.officer, cast.round_2563, cast.samutsakhon, generated.codes[0])
    assert sorted(RespondentCode.objects.values_list("status", flat=True)) == ["revoked", "revoked", "used"]


def test_revoke_form_does_not_tell_whether_a_code_was_used(cast):
    """L13: the officer's revoke form answers the same for a used and an unused code (message and audit)."""
    used, unused = make_codes(cast, count=2)
    services.submit_response(services.check_code(used), choose("IIT"))
    officer = Client()
    officer.force_login(cast.officer)
    url = reverse("survey_revoke", kwargs={"round_id": cast.round_2563.pk, "code": cast.samutsakhon.code})
    answers = []
    for code in (used, unused):
        response = officer.post(url, {"code": code}, follow=True)
        answers.append([str(m) for m in response.context["messages"]])
    assert answers[0] == answers[1] == ["เรียบร้อย: รหัสนี้ใช้ตอบแบบวัดไม่ได้อีกแล้ว"]
    entries = list(AuditEntry.objects.filter(action="revoke_code").values_list("summary", "changes"))
    assert len(entries) == 2 and entries[0] == entries[1]
    assert Client().get(short_url(unused)).status_code == 410


def test_expired_code_page(client, cast):
    (code,) = make_codes(cast, count=1, expires_on=services.today())
    assert client.get(short_url(code)).status_code == 303
    RespondentCode.objects.update(expires_on=services.today() - timedelta(days=1))
    response = client.get(short_url(code))
    assert response.status_code == 410 and "หมดอายุ" in response.content.decode()
    with pytest.raises(ValidationError):
        make_codes(cast, count=1, expires_on=services.today() - timedelta(days=1))


def test_closed_round_page(client, cast):
    (code,) = make_codes(cast, count=1)
    review = answer_through_pages(client, client.get(short_url(code)), choose("IIT"))
    cast.round_2563.status = RoundStatus.CLOSED
    cast.round_2563.save()
    response = client.get(short_url(code))
    assert response.status_code == 403 and "ปิดรับคำตอบแล้ว" in response.content.decode()
    assert submit(client, review).status_code == 403
    assert client.get(review.request["PATH_INFO"]).status_code == 403  # the form's pages say so too
    assert SurveyResponse.objects.count() == 0 and HeldResponse.objects.count() == 0
    with pytest.raises(ValidationError):
        make_codes(cast, count=1)


def test_tampered_or_missing_state(client, cast):
    (code,) = make_codes(cast, count=1)
    start = follow(client, client.get(short_url(code)))
    url = action_of(start)
    state = client.cookies["pss"].value
    client.cookies["pss"] = state[:-3] + "abc"
    client.cookies["pss"]["path"] = url
    response = client.post(url, {"page": "0", "action": "next"})
    assert response.status_code == 400 and "หมดเวลา" in response.content.decode()
    assert client.get(url).status_code == 400
    assert Client().post(url, {"page": "0", "action": "next"}).status_code == 400  # no cookie at all
    assert Client().get(url + "review/").status_code == 400
    assert client.get(reverse("survey_form")).status_code == 302  # the old single address
    assert client.post(reverse("survey_form"), {"state": "x", "action": "submit"}).status_code == 400


def test_state_cookie_is_scoped_to_its_form_and_holds_no_code(client, cast):
    """The partial answers live in the browser, in a cookie sent only to that form's pages: HttpOnly, Lax."""
    (code,) = make_codes(cast, count=1)
    redirect = client.get(short_url(code))
    cookie = redirect.cookies["pss"]
    assert cookie["path"] == redirect["Location"] and cookie["path"].startswith("/surveys/form/")
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and int(cookie["max-age"]) == 24 * 3600
    assert code not in cookie.value and codemod.digest(code) not in cookie.value
    assert code not in redirect["Location"] and redirect["Referrer-Policy"] == "no-referrer"
    # two forms in one browser do not mix: each has its own address and cookie path
    (second,) = make_codes(cast, tool="EIT", group="teachers", count=1)
    assert client.get(short_url(second))["Location"] != redirect["Location"]


# ------------------------------------------------------------------------------------------------- the form


def test_form_requires_every_answer_and_keeps_what_was_given(client, cast):
    (code,) = make_codes(cast, count=1)
    start = follow(client, client.get(short_url(code)))
    page1 = step(client, start)
    html = page1.content.decode()
    assert "ตัวชี้วัดที่ 1" in html and "ส่วนที่ 1 จาก 5" in html and "<progress" in html
    flow = flow_for(load_framework(FW), "IIT")
    first_fields = [f.code for f in flow.page(1).fields]
    partial = {first_fields[0]: "2"}
    again = step(client, page1, **partial)
    html = again.content.decode()
    assert again.status_code == 200 and f"ยังตอบไม่ครบ {len(first_fields) - 1} ข้อ" in html
    assert again.request["PATH_INFO"].endswith("/1/") and again.request["QUERY_STRING"] == "missing=1"
    assert f'name="{first_fields[0]}" value="2" required checked' in html  # the given answer stays
    assert f'id="f-{first_fields[1]}"' in html and 'aria-invalid="true"' in html
    # submitting early sends the respondent back to the first incomplete page
    early = follow(client, client.post(action_of(again), {"page": "1", "action": "submit"}))
    assert "ยังตอบไม่ครบ" in early.content.decode() and SurveyResponse.objects.count() == 0
    assert HeldResponse.objects.count() == 0
    # out-of-range or foreign answers are ignored, never kept
    after = step(client, again, **{first_fields[1]: "9", "E1": "0"})
    assert f'name="{first_fields[1]}" value="0" required checked' not in after.content.decode()
    assert f'name="{first_fields[1]}" value="9"' not in after.content.decode()


def test_form_shows_every_question_and_sub_item_in_order_with_official_wording(client, cast):
    framework = load_framework(FW)
    (code,) = make_codes(cast, tool="EIT", group="teachers", count=1)
    response = step(client, follow(client, client.get(short_url(code))))
    seen = []
    for page in flow_for(framework, "EIT").pages:
        html = response.content.decode()
        for q in page.questions:
            assert q.text in unescape(html), q.code
            if q.note:
                assert q.note in unescape(html)
            for f in q.fields:
                assert f'id="f-{f.code}"' in html
                for option in f.scale.options:
                    assert option.label in html
        positions = [html.index(f'id="f-{f.code}"') for f in page.fields]
        assert positions == sorted(positions)
        seen += [f.code for f in page.fields]
        answers = {f.code: "0" for f in page.fields}
        response = step(client, response, **answers)
    assert seen == [f.code for f in framework.answer_fields("EIT")]
    assert "ตรวจทานคำตอบก่อนส่ง" in response.content.decode()


def test_back_and_edit_from_review(client, cast):
    (code,) = make_codes(cast, count=1)
    answers = choose("IIT", lambda i, f: 0)
    review = answer_through_pages(client, client.get(short_url(code)), answers)
    edit = re.search(r'<a href="([^"]+/2/)" class="button secondary">แก้ไขส่วนที่ 2', review.content.decode())
    page2 = client.get(edit.group(1))  # "edit this part" is a plain link
    assert "ตัวชี้วัดที่ 2" in page2.content.decode()
    flow = flow_for(load_framework(FW), "IIT")
    changed = {flow.page(2).fields[0].code: "1"}
    page3 = step(client, page2, **changed)
    back = step(client, page3, "back")
    assert "ตัวชี้วัดที่ 2" in back.content.decode()
    assert f'name="{flow.page(2).fields[0].code}" value="1" required checked' in back.content.decode()
    review = follow(client, client.get(action_of(review) + "review/"))
    assert submit(client, review).status_code == 303
    release_everything(cast)
    assert SurveyResponse.objects.get().answers[flow.page(2).fields[0].code] == 1


def test_back_and_forward_after_each_step_are_plain_gets(client, cast):
    """Issue 11 §3: every step is post → 303 → GET, so the browser's history holds only GETs: going back to any
    earlier address shows that page with the answers given so far; after the submit, every address of the form
    shows the thank-you page."""
    (code,) = make_codes(cast, count=1)
    flow = flow_for(load_framework(FW), "IIT")
    answers = choose("IIT", lambda i, f: 1)
    start = client.get(short_url(code))
    history = [start["Location"]]
    page = follow(client, start)
    response = client.post(action_of(page), {"page": "0", "action": "next"})
    while response.status_code == 303:
        history.append(response["Location"])
        page = client.get(response["Location"])
        assert page.status_code == 200
        if 'value="submit"' in page.content.decode():
            break
        number = int(page_of(page))
        response = client.post(
            action_of(page),
            {"page": str(number), "action": "next", **{f.code: answers[f.code] for f in flow.page(number).fields}},
        )
    assert [h.rstrip("/").rsplit("/", 1)[-1] for h in history[1:]] == ["1", "2", "3", "4", "5", "review"]
    # the back button: each earlier address again, with its answers checked
    for number in (3, 1):
        again = client.get(history[number])
        html = again.content.decode()
        assert again.status_code == 200 and f"ตัวชี้วัดที่ {number}" in html
        for f in flow.page(number).fields:
            assert f'name="{f.code}" value="1" required checked' in html
    assert submit(client, page).status_code == 303
    for address in history:  # back (or forward, or reload) after the submit
        after = client.get(address)
        assert after.status_code == 200 and "ขอบคุณที่ร่วมตอบแบบวัด" in after.content.decode(), address
    # the cookie now holds no answer and no code id, only the thank-you page's labels
    from django.core import signing

    value = client.cookies["pss"].value
    assert value.startswith("done.")
    done = signing.loads(value[len("done.") :], salt="prongsai.surveys.form.done")
    assert set(done) == {"k", "i", "r", "a", "t", "g", "f", "n", "rn", "e", "o"}  # a ticket's labels only
    assert done["i"] == 0 and done["o"] == "" and not any(f"'{f.code}'" in str(done) for f in flow.fields)


def test_code_entry_accepts_what_people_type(client, cast):
    (code,) = make_codes(cast, count=1)
    assert client.get(reverse("survey_enter")).status_code == 200
    typed = f"  {code[:4].lower()} {code[4:8]}-{code[8:]} "
    response = client.post(reverse("survey_enter"), {"code": typed})
    assert response.status_code == 303
    assert "เริ่มทำแบบวัด" in follow(client, response).content.decode()
    # a wrong code keeps what was typed in the field, to fix one character
    wrong = client.post(reverse("survey_enter"), {"code": "ACDE-FGHJ-K3"})
    assert wrong.status_code == 404 and 'value="ACDE-FGHJ-K3"' in wrong.content.decode()


def test_thai_keyboard_layout_is_understood():
    assert codemod.normalise("ฟแกำ-ดเ้่-าท") == "ACDEFGHJKM"
    assert codemod.is_well_formed("ACDEFGHJKM") and not codemod.is_well_formed("ACDEFGHJK0")


def test_codes_are_unguessable_and_readable():
    assert codemod.ENTROPY_BITS >= 40
    assert not set("0O1IL2Z5S8B") & set(codemod.ALPHABET)
    sample = {codemod.generate() for _ in range(2000)}
    assert len(sample) == 2000 and all(codemod.is_well_formed(c) for c in sample)
    assert codemod.grouped("ACDEFGHJKM") == "ACDE-FGHJ-KM"


# --------------------------------------------------------------------------------------------- rate limiting


def test_rate_limit_on_unknown_codes_never_refuses_a_valid_code(cast):
    """M6: past 10 unknown codes an address gets the coordinator's 429 page for unknown codes, but every valid
    code from the same address (a school behind one NAT address) is still accepted."""
    school = Client(REMOTE_ADDR="203.0.113.7")
    codes = make_codes(cast, count=3)
    for i in range(10):
        assert school.post(reverse("survey_enter"), {"code": f"ACDEFGHJK{'34679'[i % 5]}"}).status_code == 404
    limited = school.post(reverse("survey_enter"), {"code": "ACDEFGHJ33"})
    assert limited.status_code == 429 and "ผู้ที่มีบัตรรหัสถูกต้องยังตอบได้" in limited.content.decode()
    assert limited["Retry-After"] == "600"
    assert school.get(short_url("ACDEFGHJ44")).status_code == 429
    # valid codes: typed, scanned, and from a fresh browser on the same address
    assert school.post(reverse("survey_enter"), {"code": codes[0]}).status_code == 303
    assert school.get(short_url(codes[1])).status_code == 303
    assert Client(REMOTE_ADDR="203.0.113.7").get(short_url(codes[2])).status_code == 303
    # a malformed code (a typo of length) never counts; another address is not affected
    other = Client(REMOTE_ADDR="198.51.100.9")
    for _ in range(15):
        assert other.post(reverse("survey_enter"), {"code": "ACD"}).status_code == 404
    assert other.get(short_url("ACDEFGHJ33")).status_code == 404


# ---------------------------------------------------------------------------------------------- open link


def test_open_link_one_response_per_device_per_day(cast):
    link = services.set_open_link(
        cast.officer, cast.round_2563, cast.samutsakhon, active=True, group="other_service_users"
    )
    url = reverse("survey_open", kwargs={"token": link.token})
    device = Client()
    review = answer_through_pages(device, device.get(url), choose("EIT"))
    assert submit(device, review).status_code == 303
    again = device.get(url)
    assert again.status_code == 409 and "อุปกรณ์นี้ตอบแล้ววันนี้" in again.content.decode()
    other = Client()
    assert submit(other, answer_through_pages(other, other.get(url), choose("EIT"))).status_code == 303
    release_everything(cast)
    rows = SurveyResponse.objects.all()
    assert (
        rows.count() == 2
        and {r.channel for r in rows} == {"open"}
        and {r.group for r in rows} == {"other_service_users"}
    )
    cast.round_2563.status = RoundStatus.OPEN
    cast.round_2563.save()
    # switched off, or re-issued: the old link stops working
    services.set_open_link(cast.officer, cast.round_2563, cast.samutsakhon, active=True, rotate=True)
    assert Client().get(url).status_code == 404
    services.set_open_link(cast.officer, cast.round_2563, cast.samutsakhon, active=False)
    link.refresh_from_db()
    assert Client().get(reverse("survey_open", kwargs={"token": link.token})).status_code == 404


def test_open_link_form_cannot_be_replayed(cast):
    """M7: a submitted open-link form is spent (a keyed hash of its nonce): replaying the same cookie from
    clients without the device cookie stores nothing more; the spent table holds nothing about the answers."""
    from prongsai.web.surveys.models import SpentFormNonce

    link = services.set_open_link(cast.officer, cast.round_2563, cast.samutsakhon, active=True)
    device = Client()
    review = answer_through_pages(
        device, device.get(reverse("survey_open", kwargs={"token": link.token})), choose("EIT")
    )
    state = device.cookies["pss"].value
    path = action_of(review)
    assert submit(device, review).status_code == 303
    for _ in range(5):
        replay = Client()
        replay.cookies["pss"] = state
        replay.cookies["pss"]["path"] = path
        response = replay.post(path, {"page": page_of(review), "action": "submit"})
        assert response.status_code == 409 and "ส่งไปแล้ว" in response.content.decode()
    assert HeldResponse.objects.count() == 1 and SpentFormNonce.objects.count() == 1
    spent = SpentFormNonce.objects.get()
    assert len(spent.digest) == 64 and set(_fields_of(SpentFormNonce)) == {"digest", "round"}


def _fields_of(model) -> list[str]:
    return [f.name for f in model._meta.get_fields() if getattr(f, "concrete", False)]


def test_open_link_submissions_are_limited_per_address(cast):
    """M7: at most OPEN_LIMIT open-link forms per address and hour, each a fresh form (no device cookie)."""
    from prongsai.web.surveys import ratelimit

    link = services.set_open_link(cast.officer, cast.round_2563, cast.samutsakhon, active=True)
    url = reverse("survey_open", kwargs={"token": link.token})
    statuses = []
    for _ in range(ratelimit.OPEN_LIMIT + 2):
        phone = Client(REMOTE_ADDR="192.0.2.99")
        response = submit(phone, answer_through_pages(phone, phone.get(url), choose("EIT")))
        statuses.append(response.status_code)
    assert statuses == [303] * ratelimit.OPEN_LIMIT + [429, 429]
    assert "ครบจำนวน" in response.content.decode()
    assert HeldResponse.objects.count() + SurveyResponse.objects.count() == ratelimit.OPEN_LIMIT
    other = Client(REMOTE_ADDR="192.0.2.100")
    assert submit(other, answer_through_pages(other, other.get(url), choose("EIT"))).status_code == 303


def test_open_link_poster(cast, tmp_path):
    link = services.set_open_link(cast.officer, cast.round_2563, cast.samutsakhon, active=True)
    client = Client()
    client.force_login(cast.officer)
    response = client.get(
        reverse("survey_open_link_poster", kwargs={"round_id": cast.round_2563.pk, "code": cast.samutsakhon.code})
    )
    assert response.status_code == 200
    text = pdf_text(response.content, tmp_path)
    assert link.token in text.replace("\n", "").replace(" ", "")


# -------------------------------------------------------------------------------------------- the services


def test_minimum_sample_follows_the_edition(cast):
    headcounts(cast)
    progress = {
        t.code: t
        for t in __import__("prongsai.web.surveys.queries", fromlist=["progress"]).progress(
            cast.round_2563, cast.samutsakhon
        )
    }
    assert progress["IIT"].population == 40 and progress["IIT"].minimum == 25
    assert progress["EIT"].population == 1590 and progress["EIT"].minimum == 159
    services.set_headcounts(cast.officer, cast.round_2563, cast.samutsakhon, {("IIT", "staff"): 12})
    services.set_headcounts(cast.officer, cast.round_2563, cast.samutsakhon, {("EIT", "teachers"): 9000})
    progress = {
        t.code: t
        for t in __import__("prongsai.web.surveys.queries", fromlist=["progress"]).progress(
            cast.round_2563, cast.samutsakhon
        )
    }
    assert progress["IIT"].minimum == 12  # everyone when fewer than 25
    assert progress["EIT"].minimum == 400  # capped
    teachers = next(g for g in progress["EIT"].groups if g.code == "teachers")
    assert teachers.target is not None and teachers.target <= 400
    assert SurveyPopulation.objects.count() == 4
    assert AuditEntry.objects.filter(action="set_headcounts").count() == 3


def test_services_validate_and_authorise(cast):
    with pytest.raises(PermissionDenied):
        services.set_headcounts(cast.other_officer, cast.round_2563, cast.samutsakhon, {("IIT", "staff"): 3})
    with pytest.raises(PermissionDenied):
        services.generate_codes(cast.director, cast.round_2563, cast.samutsakhon, "IIT", "staff", 3)
    with pytest.raises(ValidationError):
        services.set_headcounts(cast.officer, cast.round_2563, cast.samutsakhon, {("IIT", "nobody"): 3})
    with pytest.raises(ValidationError):
        services.set_headcounts(cast.officer, cast.round_2563, cast.samutsakhon, {("IIT", "staff"): -1})
    with pytest.raises(ValidationError):
        services.generate_codes(cast.officer, cast.round_2563, cast.samutsakhon, "OIT", "staff", 3)
    with pytest.raises(ValidationError):
        services.generate_codes(cast.officer, cast.round_2563, cast.samutsakhon, "IIT", "staff", 0)
    with pytest.raises(ValidationError):  # an ESA edition does not assess a school
        services.generate_codes(cast.officer, cast.round_2563, cast.school, "IIT", "staff", 1)
    (code,) = make_codes(cast, count=1)
    with pytest.raises(ValidationError):  # an answer missing
        services.submit_response(services.check_code(code), dict(list(choose("IIT").items())[1:]))
    with pytest.raises(ValidationError):  # an option that does not exist
        services.submit_response(services.check_code(code), {**choose("IIT"), "I1.1": 7})
    assert RespondentCode.objects.get().status == CodeStatus.UNUSED
    assert AuditEntry.objects.filter(action="generate_codes").count() == 1


def test_generated_codes_are_stored_only_as_keyed_hashes(cast):
    generated = services.generate_codes(cast.officer, cast.round_2563, cast.samutsakhon, "EIT", "teachers", 20)
    stored = set(RespondentCode.objects.values_list("digest", flat=True))
    assert stored == {codemod.digest(c) for c in generated.codes}
    dump = repr(list(RespondentCode.objects.values())) + repr(list(AuditEntry.objects.values()))
    for code in generated.codes:
        assert code not in dump and codemod.grouped(code) not in dump


# ---------------------------------------------------------------------------------------------------- exports


def test_exports(cast):
    headcounts(cast)
    codes = make_codes(cast, count=6) + make_codes(cast, tool="EIT", group="school_directors", count=2)
    for i, code in enumerate(codes[:6]):
        services.submit_response(services.check_code(code), choose("IIT", lambda j, f, i=i: (i + j) % 2))
    for code in codes[6:]:
        services.submit_response(services.check_code(code), choose("EIT"))
    client = Client()
    client.force_login(cast.officer)

    def get(what, fmt):
        return client.get(
            reverse(
                "survey_export",
                kwargs={"round_id": cast.round_2563.pk, "code": cast.samutsakhon.code, "what": what, "fmt": fmt},
            )
        )

    # while the round is open: no individual answers (M2), only the scores
    refused = get("responses-iit", "csv")
    assert refused.status_code == 302
    assert "ปิดรอบการประเมินแล้วเท่านั้น" in str(list(client.get(refused["Location"]).context["messages"])[0])
    release_everything(cast)
    response = get("responses-iit", "csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    framework = load_framework(FW)
    assert rows[0] == ["ลำดับ", "กลุ่มผู้ตอบ"] + [f.code for f in framework.answer_fields("IIT")]
    assert len(rows) == 7 and {r[1] for r in rows[1:]} == {"บุคลากรที่ปฏิบัติงานในหน่วยงานไม่น้อยกว่า 1 ปี"}
    assert {r[2] for r in rows[1:]} <= {"1", "2"}  # option numbers, 1-based
    # only 2 EIT respondents: no individual answers
    eit = list(csv.reader(io.StringIO(get("responses-eit", "csv").content.decode("utf-8-sig"))))
    assert len(eit) == 2 and "ต่ำกว่า 5" in eit[1][0]
    xlsx = get("responses-iit", "xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    scores = list(csv.reader(io.StringIO(get("scores", "csv").content.decode("utf-8-sig"))))
    assert scores[0][:4] == ["แบบวัด", "ตัวชี้วัด", "ชื่อตัวชี้วัด", "ข้อ"]
    i11 = next(r for r in scores if r[4] == "I1.1")
    assert Decimal(i11[6]) >= 0 and i11[7] == "6"
    assert get("scores", "xlsx").content[:2] == b"PK"


def test_small_groups_are_not_named_in_exports(cast):
    codes = make_codes(cast, tool="EIT", group="teachers", count=5) + make_codes(
        cast, tool="EIT", group="school_directors", count=2
    )
    for code in codes:
        services.submit_response(services.check_code(code), choose("EIT"))
    release_everything(cast)
    from prongsai.web.surveys.exports import SUPPRESSED, responses_sheets

    sheet = responses_sheets(cast.round_2563, cast.samutsakhon, "EIT")[0]
    groups = [row[1] for row in sheet.rows]
    assert groups.count("ครู") == 5 and groups.count(SUPPRESSED) == 2 and "ผู้บริหารสถานศึกษา" not in groups


def test_national_progress_table(cast):
    headcounts(cast)
    for code in make_codes(cast, count=3):
        services.submit_response(services.check_code(code), choose("IIT"))
    client = Client()
    client.force_login(cast.central)
    url = reverse("survey_national", kwargs={"round_id": cast.round_2563.pk})
    html = client.get(url).content.decode()
    assert "สพป.สมุทรสาคร" in html and "สพป.ตัวอย่าง 2" in html
    assert "โรงเรียนวัดตัวอย่าง" not in html  # schools are not assessed by the ESA edition
    filtered = client.get(url, {"province": "นครปฐม"}).content.decode()
    assert "สพป.ตัวอย่าง 2" in filtered and "สพป.สมุทรสาคร" not in filtered
    below = client.get(url, {"status": "no_headcount"}).content.decode()
    assert "สพป.ตัวอย่าง 2" in below and "สพป.สมุทรสาคร" not in below
    export = client.get(reverse("survey_national_export", kwargs={"round_id": cast.round_2563.pk}), {"q": "สมุทรสาคร"})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["รหัสหน่วยงาน", "หน่วยงาน", "ประเภท", "จังหวัด"]
    assert len(rows) == 2 and rows[1][0] == "ESA-SKN"
    assert rows[1][4:8] == ["40", "25", "3", "12.00"]


# ------------------------------------------------------------------------------------------------- demo hook


def test_demo_hook(cast, tmp_path):
    out = io.StringIO()
    from prongsai.web.surveys.demo import load_survey_demo

    codes = load_survey_demo(out, slips_path=tmp_path / "slips.pdf")
    assert len(codes) == 2
    tickets = [services.check_code(c) for c in codes]
    assert [t.tool for t in tickets] == ["IIT", "EIT"]
    printed = out.getvalue()
    assert all(codemod.short_link(c) in printed for c in codes)
    text = pdf_text((tmp_path / "slips.pdf").read_bytes(), tmp_path)
    assert all(codemod.short_link(c) in text for c in codes)
    assert SurveyPopulation.objects.filter(agency=cast.samutsakhon).count() == 4
    assert len(load_survey_demo(io.StringIO())) == 2  # again: a fresh batch, same headcounts
    assert SurveyPopulation.objects.filter(agency=cast.samutsakhon).count() == 4


def test_slips_text_layer_reads_back_the_thai(cast, tmp_path):
    """The slip's Thai reads back from the PDF as written (SARA AM written decomposed: see slips.py)."""
    from prongsai.web.surveys.slips import pdf_text as as_written
    from prongsai.web.surveys.slips import render_slips

    cast.samutsakhon.short_name = "สพป.สมุทรสาคร ลำดับทดสอบ"
    cast.samutsakhon.save()
    generated = services.generate_codes(cast.officer, cast.round_2563, cast.samutsakhon, "IIT", "staff", 1)
    text = pdf_text(render_slips(generated.batch, generated.codes), tmp_path).replace("\n", "")
    assert as_written("สพป.สมุทรสาคร ลำดับทดสอบ") in text
    assert "บุคลากรที่ปฏิบัติงานในหน่วยงานไม่น้อยกว่า 1 ปี" in text
    assert "สแกนคิวอาร์โค้ด" in text


def test_slips_and_poster_print_in_thai_for_an_officer_reading_english(cast, tmp_path):
    """What is handed to respondents is in their language: an officer who reads the pages in English still prints
    Thai slips and a Thai poster (before, both followed the officer's language)."""
    from prongsai.web.surveys.slips import render_poster, render_slips

    generated = services.generate_codes(cast.officer, cast.round_2563, cast.samutsakhon, "IIT", "staff", 1)
    link = services.set_open_link(cast.officer, cast.round_2563, cast.samutsakhon, active=True)
    with translation.override("en"):  # as during the request of an officer who chose English
        slip = pdf_text(render_slips(generated.batch, generated.codes), tmp_path).replace("\n", "")
        poster = pdf_text(render_poster(link), tmp_path).replace("\n", "")
    assert "สแกนคิวอาร์โค้ด" in slip and "Scan the QR code" not in slip
    assert "สแกนคิวอาร์โค้ดด้วยกล้องโทรศัพท์" in poster and "Scan the QR code" not in poster
