"""IIT and EIT surveys (issue 4), told with the fixed cast: headcounts → codes → slips → the form → progress →
scores, and every way a code can fail.  Anonymity, races and access have their own files (test_surveys_*.py).
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import NoReverseMatch, reverse

from prongsai.core.framework import load_framework
from prongsai.core.scoring import rounded, score_survey
from prongsai.web.audit.models import AuditEntry
from prongsai.web.results.models import AgencyResult, ResultSource
from prongsai.web.rounds.models import RoundStatus
from prongsai.web.surveys import codes as codemod
from prongsai.web.surveys import services
from prongsai.web.surveys.flow import flow_for
from prongsai.web.surveys.models import CodeStatus, RespondentCode, SurveyPopulation, SurveyResponse

pytestmark = pytest.mark.django_db

FW = "ita-2563-esa"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """The code-guessing counters live in the cache, which outlives each test's database."""
    cache.clear()
    yield
    cache.clear()


# ------------------------------------------------------------------------------------------------ helpers


def short_url(code: str) -> str:
    """The printed short link's path: the top-level ``/s/<CODE>`` when it is mounted, else /surveys/s/<CODE>."""
    try:
        return reverse("survey_start", kwargs={"code": code})
    except NoReverseMatch:
        return reverse("survey_code", kwargs={"code": code})


def state_of(response) -> str:
    match = re.search(r'name="state" value="([^"]+)"', response.content.decode())
    assert match, "no state field on the page"
    return unescape(match.group(1))


def choose(tool: str, pattern=None) -> dict[str, int]:
    """One answer per field of ``tool``: ``pattern(field_index, field)`` → option index (default: the last)."""
    framework = load_framework(FW)
    return {f.code: (pattern(i, f) if pattern else len(f.scale.options) - 1)
            for i, f in enumerate(framework.answer_fields(tool))}


def answer_through_pages(client: Client, start_response, answers: dict[str, int]):
    """Walk the form as a phone would: intro → one page per indicator → review; returns the review page."""
    assert start_response.status_code == 200, start_response.content.decode()[:500]
    response = client.post(reverse("survey_form"), {"state": state_of(start_response), "action": "next"})
    while 'value="submit"' not in response.content.decode():
        assert response.status_code == 200
        page = {k: v for k, v in answers.items()
                if f'name="{k}"' in response.content.decode()}
        response = client.post(reverse("survey_form"), {"state": state_of(response), "action": "next", **page})
    return response


def submit(client: Client, review_response):
    return client.post(reverse("survey_form"), {"state": state_of(review_response), "action": "submit"})


def make_codes(cast, tool="IIT", group="staff", count=5, **kwargs) -> list[str]:
    return services.generate_codes(cast.officer, cast.round_2563, cast.samutsakhon, tool, group, count,
                                   **kwargs).codes


def headcounts(cast, **extra):
    counts = {("IIT", "staff"): 40, ("EIT", "school_directors"): 90, ("EIT", "teachers"): 1200,
              ("EIT", "other_service_users"): 300}
    counts.update(extra)
    return services.set_headcounts(cast.officer, cast.round_2563, cast.samutsakhon, counts)


def overview_url(cast, round_=None) -> str:
    return reverse("survey_overview", kwargs={"round_id": (round_ or cast.round_2563).pk,
                                              "code": cast.samutsakhon.code})


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


# ------------------------------------------------------------------------------------------------- the story


def test_the_whole_story(client, cast, tmp_path):
    officer = Client()
    officer.force_login(cast.officer)

    # 1. headcounts → minimum sample per tool, from the edition's sampling rule
    response = officer.post(reverse("survey_headcounts", kwargs={"round_id": cast.round_2563.pk,
                                                                 "code": cast.samutsakhon.code}),
                            {"hc-IIT-staff": "40", "hc-EIT-school_directors": "90", "hc-EIT-teachers": "1200",
                             "hc-EIT-other_service_users": "300"})
    assert response.status_code == 302
    page = officer.get(overview_url(cast)).content.decode()
    assert "0</span>\n       / 25" in page or "/ 25" in page             # IIT: 40 staff → 25 (floor)
    assert "/ 159" in page                                                  # EIT: 10 % of 1,590 → 159

    # 2. a batch of codes: the answer is the PDF sheet of slips, with the short link and the QR code
    response = officer.post(reverse("survey_generate", kwargs={"round_id": cast.round_2563.pk,
                                                               "code": cast.samutsakhon.code}),
                            {"tool_group": "IIT:staff", "count": "12", "note": "ห้องประชุม"})
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
    start = respondent.get(short_url(code))
    assert "เริ่มทำแบบวัด" in start.content.decode()
    assert "IIT" in start.content.decode() and "สพป.สมุทรสาคร" in start.content.decode()
    answers = choose("IIT", lambda i, f: i % len(f.scale.options))
    review = answer_through_pages(respondent, start, answers)
    html = review.content.decode()
    assert "ตรวจทานคำตอบก่อนส่ง" in html and "ยังไม่ได้ตอบ" not in html
    done = submit(respondent, review)
    assert done.status_code == 200 and "ขอบคุณที่ร่วมตอบแบบวัด" in done.content.decode()
    assert SurveyResponse.objects.count() == 1
    assert SurveyResponse.objects.get().answers == answers

    # 4. the answer counts towards progress
    page = officer.get(overview_url(cast)).content.decode()
    assert 'data-responses="1"' in page
    assert RespondentCode.objects.filter(status=CodeStatus.USED).count() == 1

    # 5. reusing the code fails politely, whether by the link, by typing it, or by re-posting the review page
    again = respondent.get(short_url(code))
    assert again.status_code == 409 and "รหัสนี้ถูกใช้ตอบแล้ว" in again.content.decode()
    typed = Client().post(reverse("survey_enter"), {"code": codemod.grouped(code).lower()})
    assert typed.status_code == 409
    resubmitted = submit(respondent, review)
    assert resubmitted.status_code == 409 and "ได้รับการบันทึกแล้ว" in resubmitted.content.decode()
    assert SurveyResponse.objects.count() == 1

    # 6. more respondents, then the officer computes the scores: question-level detail from 5 respondents on
    for other in links[1:6]:
        c = Client()
        submit(c, answer_through_pages(c, c.get(short_url(other)), choose("IIT")))
    assert SurveyResponse.objects.count() == 6
    response = officer.post(reverse("survey_compute", kwargs={"round_id": cast.round_2563.pk,
                                                              "code": cast.samutsakhon.code}), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "ต่ำกว่าขั้นต่ำ" in html or "below the minimum" in html.lower()      # 6 < 25
    result = AgencyResult.objects.get(round=cast.round_2563, agency=cast.samutsakhon, source=ResultSource.COMPUTED)
    assert result.respondents == {"IIT": 6, "EIT": 0}
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
    computed = services.compute_survey_results(cast.officer, cast.round_2563, cast.samutsakhon)
    indicators, items = score_survey(framework, "IIT", sent)
    assert computed.result.indicators == {str(n): str(rounded(v)) for n, v in indicators.items()}
    assert computed.result.items["I1.2"] == str(rounded(items["I1.2"]))
    assert computed.result.iit is not None and computed.result.oit is None
    assert any("ยังไม่ได้กรอกจำนวนประชากร" in w for w in computed.warnings)
    assert AuditEntry.objects.filter(action="compute_survey_results").count() == 1


def test_question_detail_waits_for_five_respondents(cast):
    for code in make_codes(cast, count=4):
        services.submit_response(services.check_code(code), choose("IIT"))
    computed = services.compute_survey_results(cast.officer, cast.round_2563, cast.samutsakhon)
    assert computed.result.items == {} and computed.result.indicators["1"] == "100.00"
    client = Client()
    client.force_login(cast.director)
    html = client.get(reverse("survey_scores", kwargs={"round_id": cast.round_2563.pk,
                                                       "code": cast.samutsakhon.code})).content.decode()
    assert "data-item=" not in html and "5" in html


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
    with pytest.raises(ValidationError):  # a used code cannot be revoked: its answer is not linked to it
        services.revoke_code(cast.officer, cast.round_2563, cast.samutsakhon, generated.codes[0])


def test_expired_code_page(client, cast):
    (code,) = make_codes(cast, count=1, expires_on=services.today())
    assert client.get(short_url(code)).status_code == 200
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
    assert SurveyResponse.objects.count() == 0
    with pytest.raises(ValidationError):
        make_codes(cast, count=1)


def test_tampered_or_missing_state(client, cast):
    (code,) = make_codes(cast, count=1)
    start = client.get(short_url(code))
    state = state_of(start)
    response = client.post(reverse("survey_form"), {"state": state[:-3] + "abc", "action": "next"})
    assert response.status_code == 400 and "หมดเวลา" in response.content.decode()
    assert client.post(reverse("survey_form"), {"action": "next"}).status_code == 400
    assert client.get(reverse("survey_form")).status_code == 302


# ------------------------------------------------------------------------------------------------- the form


def test_form_requires_every_answer_and_keeps_what_was_given(client, cast):
    (code,) = make_codes(cast, count=1)
    start = client.get(short_url(code))
    page1 = client.post(reverse("survey_form"), {"state": state_of(start), "action": "next"})
    html = page1.content.decode()
    assert "ตัวชี้วัดที่ 1" in html and "ส่วนที่ 1 จาก 5" in html and "<progress" in html
    flow = flow_for(load_framework(FW), "IIT")
    first_fields = [f.code for f in flow.page(1).fields]
    partial = {first_fields[0]: "2"}
    again = client.post(reverse("survey_form"), {"state": state_of(page1), "action": "next", **partial})
    html = again.content.decode()
    assert again.status_code == 200 and f"ยังตอบไม่ครบ {len(first_fields) - 1} ข้อ" in html
    assert f'name="{first_fields[0]}" value="2" required checked' in html       # the given answer stays
    assert f'id="f-{first_fields[1]}"' in html and 'aria-invalid="true"' in html
    # submitting early sends the respondent back to the first incomplete page
    early = client.post(reverse("survey_form"), {"state": state_of(again), "action": "submit"})
    assert "ยังตอบไม่ครบ" in early.content.decode() and SurveyResponse.objects.count() == 0
    # out-of-range or foreign answers are ignored, never stored
    client.post(reverse("survey_form"), {"state": state_of(again), "action": "next", first_fields[1]: "9",
                                         "E1": "0"})


def test_form_shows_every_question_and_sub_item_in_order_with_official_wording(client, cast):
    framework = load_framework(FW)
    (code,) = make_codes(cast, tool="EIT", group="teachers", count=1)
    response = client.get(short_url(code))
    response = client.post(reverse("survey_form"), {"state": state_of(response), "action": "next"})
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
        response = client.post(reverse("survey_form"), {"state": state_of(response), "action": "next", **answers})
    assert seen == [f.code for f in framework.answer_fields("EIT")]
    assert "ตรวจทานคำตอบก่อนส่ง" in response.content.decode()


def test_back_and_edit_from_review(client, cast):
    (code,) = make_codes(cast, count=1)
    answers = choose("IIT", lambda i, f: 0)
    review = answer_through_pages(client, client.get(short_url(code)), answers)
    page2 = client.post(reverse("survey_form"), {"state": state_of(review), "action": "goto-2"})
    assert "ตัวชี้วัดที่ 2" in page2.content.decode()
    flow = flow_for(load_framework(FW), "IIT")
    changed = {flow.page(2).fields[0].code: "1"}
    page3 = client.post(reverse("survey_form"), {"state": state_of(page2), "action": "next", **changed})
    back = client.post(reverse("survey_form"), {"state": state_of(page3), "action": "back"})
    assert "ตัวชี้วัดที่ 2" in back.content.decode()
    review = answer_through_pages(client, client.get(short_url(code)), {**answers, **changed})
    assert submit(client, review).status_code == 200
    assert SurveyResponse.objects.get().answers[flow.page(2).fields[0].code] == 1


def test_code_entry_accepts_what_people_type(client, cast):
    (code,) = make_codes(cast, count=1)
    assert client.get(reverse("survey_enter")).status_code == 200
    typed = f"  {code[:4].lower()} {code[4:8]}-{code[8:]} "
    response = client.post(reverse("survey_enter"), {"code": typed})
    assert response.status_code == 200 and "เริ่มทำแบบวัด" in response.content.decode()


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


def test_rate_limit_on_unknown_codes(cast):
    client = Client(REMOTE_ADDR="203.0.113.7")
    (code,) = make_codes(cast, count=1)
    for i in range(10):
        assert client.post(reverse("survey_enter"), {"code": f"ACDEFGHJK{'34679'[i % 5]}"}).status_code == 404
    blocked = client.post(reverse("survey_enter"), {"code": code})
    assert blocked.status_code == 429 and "ลองรหัสผิดหลายครั้งเกินไป" in blocked.content.decode()
    assert client.get(short_url(code)).status_code == 429
    # another client (another school) is not affected, and valid codes never count
    other = Client(REMOTE_ADDR="198.51.100.9")
    for _ in range(12):
        assert other.get(short_url(code)).status_code == 200


# ---------------------------------------------------------------------------------------------- open link


def test_open_link_one_response_per_device_per_day(cast):
    link = services.set_open_link(cast.officer, cast.round_2563, cast.samutsakhon, active=True,
                                  group="other_service_users")
    url = reverse("survey_open", kwargs={"token": link.token})
    device = Client()
    review = answer_through_pages(device, device.get(url), choose("EIT"))
    assert submit(device, review).status_code == 200
    again = device.get(url)
    assert again.status_code == 409 and "อุปกรณ์นี้ตอบแล้ววันนี้" in again.content.decode()
    assert submit(device, review).status_code == 409
    other = Client()
    assert submit(other, answer_through_pages(other, other.get(url), choose("EIT"))).status_code == 200
    rows = SurveyResponse.objects.all()
    assert rows.count() == 2 and {r.channel for r in rows} == {"open"} and {r.group for r in rows} == {
        "other_service_users"}
    # switched off, or re-issued: the old link stops working
    services.set_open_link(cast.officer, cast.round_2563, cast.samutsakhon, active=True, rotate=True)
    assert Client().get(url).status_code == 404
    services.set_open_link(cast.officer, cast.round_2563, cast.samutsakhon, active=False)
    link.refresh_from_db()
    assert Client().get(reverse("survey_open", kwargs={"token": link.token})).status_code == 404


def test_open_link_poster(cast, tmp_path):
    link = services.set_open_link(cast.officer, cast.round_2563, cast.samutsakhon, active=True)
    client = Client()
    client.force_login(cast.officer)
    response = client.get(reverse("survey_open_link_poster", kwargs={"round_id": cast.round_2563.pk,
                                                                      "code": cast.samutsakhon.code}))
    assert response.status_code == 200
    text = pdf_text(response.content, tmp_path)
    assert link.token in text.replace("\n", "").replace(" ", "")


# -------------------------------------------------------------------------------------------- the services


def test_minimum_sample_follows_the_edition(cast):
    headcounts(cast)
    progress = {t.code: t for t in __import__("prongsai.web.surveys.queries", fromlist=["progress"]).progress(
        cast.round_2563, cast.samutsakhon)}
    assert progress["IIT"].population == 40 and progress["IIT"].minimum == 25
    assert progress["EIT"].population == 1590 and progress["EIT"].minimum == 159
    services.set_headcounts(cast.officer, cast.round_2563, cast.samutsakhon, {("IIT", "staff"): 12})
    services.set_headcounts(cast.officer, cast.round_2563, cast.samutsakhon, {("EIT", "teachers"): 9000})
    progress = {t.code: t for t in __import__("prongsai.web.surveys.queries", fromlist=["progress"]).progress(
        cast.round_2563, cast.samutsakhon)}
    assert progress["IIT"].minimum == 12           # everyone when fewer than 25
    assert progress["EIT"].minimum == 400          # capped
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
        return client.get(reverse("survey_export", kwargs={"round_id": cast.round_2563.pk,
                                                           "code": cast.samutsakhon.code, "what": what, "fmt": fmt}))

    response = get("responses-iit", "csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    framework = load_framework(FW)
    assert rows[0] == ["ลำดับ", "กลุ่มผู้ตอบ"] + [f.code for f in framework.answer_fields("IIT")]
    assert len(rows) == 7 and {r[1] for r in rows[1:]} == {"บุคลากรที่ปฏิบัติงานในหน่วยงานไม่น้อยกว่า 1 ปี"}
    assert {r[2] for r in rows[1:]} <= {"1", "2"}                     # option numbers, 1-based
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
    codes = make_codes(cast, tool="EIT", group="teachers", count=5) + \
        make_codes(cast, tool="EIT", group="school_directors", count=2)
    for code in codes:
        services.submit_response(services.check_code(code), choose("EIT"))
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
    assert "โรงเรียนวัดตัวอย่าง" not in html                       # schools are not assessed by the ESA edition
    filtered = client.get(url, {"province": "นครปฐม"}).content.decode()
    assert "สพป.ตัวอย่าง 2" in filtered and "สพป.สมุทรสาคร" not in filtered
    below = client.get(url, {"status": "no_headcount"}).content.decode()
    assert "สพป.ตัวอย่าง 2" in below and "สพป.สมุทรสาคร" not in below
    export = client.get(reverse("survey_national_export", kwargs={"round_id": cast.round_2563.pk}),
                        {"q": "สมุทรสาคร"})
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
    assert len(load_survey_demo(io.StringIO())) == 2                      # again: a fresh batch, same headcounts
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
