"""The survey pages in English (issue 15 §2): the respondent's pages, seen by the public, and the officer's pages.

With the ``django_language=en`` cookie every sentence the templates and services write is English; what stays
Thai is data: the edition's questions, options and respondent groups (Thai only), the agency's and round's
names and the cast's people.  Each check strips those values and then finds no Thai character left in the
page's ``<main>`` (the site header and footer belong to the shared base template).  Thai remains the default.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from prongsai.core.framework import load_framework
from prongsai.web.surveys import services
from tests.integration.test_surveys import (
    FW,
    answer_through_pages,
    choose,
    committing,
    follow,
    make_codes,
    overview_url,
    short_url,
    step,
    submit,
)

pytestmark = pytest.mark.django_db

#: a Thai date as the shared ``thai_date`` filter writes it (another helper converts that filter)
THAI_DATE = re.compile(r"\d{1,2} [\u0E00-\u0E7F.]+ \d{4}(?: \d{1,2}[:.]\d{2}(?: น\.)?)?")


def english_client() -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    return client


def framework_data() -> list[str]:
    """Every Thai-only text of the edition a survey page may show: questions, notes, options, groups."""
    framework = load_framework(FW)
    values = set()
    for tool in framework.tools:
        values.update(g.name_th for g in tool.groups)
        values.add(tool.respondents_th)
    for q in framework.questions:
        values.update([q.text, q.note])
        for f in q.fields:
            values.add(f.text)
            values.update(o.label for o in f.scale.options)
    return sorted((v for v in values if v), key=len, reverse=True)  # longest first: no partial leftovers


def thai_left(html: str, *data: str) -> list[str]:
    """The Thai fragments of ``<main>`` once the data values are taken out (empty: the page is English)."""
    main = re.search(r"<main\b.*?</main>", html, re.S)
    assert main, "no <main> on the page"
    text = main.group(0)
    for value in [*data, *framework_data()]:
        text = text.replace(value, " ")
    text = THAI_DATE.sub(" ", re.sub(r"<[^>]+>", " ", text))
    return [m.group(0) for m in re.finditer(r"\S*[\u0E00-\u0E7F]\S*", text)]


def cast_data(cast) -> list[str]:
    return [
        cast.samutsakhon.display_name,
        cast.samutsakhon.name_th,
        cast.round_2563.name_th,
        cast.round_2562.name_th,
        cast.officer.person.full_name_th,
    ]


# ------------------------------------------------------------------------------------------ respondent pages


def test_a_respondent_answers_in_english(cast):
    client = english_client()
    (code,) = make_codes(cast, count=1)
    intro = follow(client, client.get(short_url(code)))
    html = intro.content.decode()
    assert "Welcome to the IIT survey" in html and "Begin the survey" in html
    assert "You do not give your name" in html and "This code can be used to answer once." in html
    assert thai_left(html, *cast_data(cast)) == []

    first = step(client, intro)
    html = first.content.decode()
    assert "Part 1 of" in html and "questions answered" in html and "Indicator 1 Performance of duties" in html
    assert ">Back</button>" in html and ">Next</button>" in html
    assert thai_left(html, *cast_data(cast)) == []

    # the page posted empty: the list of what is missing, in English, and the same page again
    missing = step(client, first)
    html = missing.content.decode()
    assert "not answered yet" in html and "Please choose an answer." in html
    assert thai_left(html, *cast_data(cast)) == []

    review = answer_through_pages(client, client.get(short_url(code)), choose("IIT"))
    html = review.content.decode()
    assert "Review your answers before you submit them" in html and ">Submit answers</button>" in html
    assert "this code can no longer be used" in html
    assert thai_left(html, *cast_data(cast)) == []

    with committing():
        done = follow(client, submit(client, review))
    html = done.content.decode()
    assert done.status_code == 200 and "Thank you for taking part in the survey" in html
    assert "have been recorded" in html and thai_left(html, *cast_data(cast)) == []

    # the used code, typed again: the refusal page is English and polite
    used = client.get(short_url(code))
    assert used.status_code == 409 and "This code has already been used" in used.content.decode()
    assert thai_left(used.content.decode(), *cast_data(cast)) == []


def test_the_code_entry_page_and_its_refusals_in_english(cast):
    client = english_client()
    enter = client.get(reverse("survey_enter")).content.decode()
    assert "Answer the ITA survey" in enter and "Respondent code (10 characters)" in enter
    assert thai_left(enter) == []

    empty = client.post(reverse("survey_enter"), {"code": ""}).content.decode()
    assert "Please enter the code." in empty and thai_left(empty) == []

    unknown = client.post(reverse("survey_enter"), {"code": "ACDE-FGHJ-K3"})
    html = unknown.content.decode()
    assert unknown.status_code == 404 and "Code not found" in html
    assert "Please check the code on your slip again" in html and thai_left(html) == []


def test_the_rate_limit_page_fills_its_figures_in_english(cast):
    from prongsai.web.surveys import ratelimit

    client = english_client()
    for i in range(ratelimit.LIMIT):
        client.post(reverse("survey_enter"), {"code": f"ACDEFGHJK{'34679'[i % 5]}"})
    limited = client.post(reverse("survey_enter"), {"code": "ACDEFGHJ33"})
    html = limited.content.decode()
    assert limited.status_code == 429 and "Too many attempts with incorrect codes" in html
    assert f"More than {ratelimit.LIMIT} codes" in html and f"{ratelimit.WINDOW // 60} minutes" in html
    assert thai_left(html) == []


def test_thai_stays_the_default(cast):
    (code,) = make_codes(cast, count=1)
    client = Client()
    intro = follow(client, client.get(short_url(code))).content.decode()
    assert "ยินดีต้อนรับสู่แบบวัด IIT" in intro and "เริ่มทำแบบวัด" in intro and "Welcome" not in intro
    assert "ไม่ต้องระบุชื่อ" in " ".join(thai_left(intro, *cast_data(cast)))  # the English checks can fail
    limited_text = client.post(reverse("survey_enter"), {"code": "ACDE-FGHJ-K3"}).content.decode()
    assert "ไม่พบรหัสนี้" in limited_text and "Code not found" not in limited_text


# --------------------------------------------------------------------------------------------- officer pages


def test_the_officer_pages_in_english(cast):
    services.set_headcounts(cast.officer, cast.round_2563, cast.samutsakhon, {("IIT", "staff"): 40})
    make_codes(cast, count=3)
    client = english_client()
    client.force_login(cast.officer)
    html = client.get(overview_url(cast)).content.decode()
    assert "Response progress" in html and "Exports" in html
    assert "individual answers exported only for a tool with 5 respondents or more" in html
    assert "Individual answers can be exported once the assessment round is closed" in html
    assert thai_left(html, *cast_data(cast)) == []

    scores = client.get(
        reverse("survey_scores", kwargs={"round_id": cast.round_2563.pk, "code": cast.samutsakhon.code})
    ).content.decode()
    assert "are not shown until at least 5 people have answered" in scores
    assert thai_left(scores, *cast_data(cast)) == []


def test_a_refusal_and_an_export_in_english(cast):
    client = english_client()
    client.force_login(cast.officer)
    url = reverse("survey_revoke", kwargs={"round_id": cast.round_2563.pk, "code": cast.samutsakhon.code})
    page = client.post(url, {"code": "ACDE-FGHJ-K3"}, follow=True).content.decode()
    assert "This code was not found for this agency and assessment round." in page

    (code,) = make_codes(cast, count=1)
    page = client.post(url, {"code": code}, follow=True).content.decode()
    assert "Done: this code can no longer be used to answer the survey." in page

    export = client.get(
        reverse(
            "survey_export",
            kwargs={"round_id": cast.round_2563.pk, "code": cast.samutsakhon.code, "what": "scores", "fmt": "csv"},
        )
    )
    header = export.content.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("Survey tool,Indicator,Indicator name,Item,Sub-item,Text,Score,Respondents")
