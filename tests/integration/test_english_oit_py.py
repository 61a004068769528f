"""The OIT app's Python strings in English (issue 15 §2): form labels and errors, flash messages, service refusals,
choice labels and the link checker's messages, with the language cookie set to English; Thai stays the default.

The OIT templates are converted separately, so the pages are checked on what this code puts into them (a form's
fields, a message, a check's problems), not on the page's own wording.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django import forms as django_forms
from django.urls import reverse
from django.utils import translation

from prongsai.web.oit import checks, checktext, forms, linkcheck, queries, services, ssrf
from prongsai.web.oit.checks import record_link_check
from prongsai.web.oit.lifecycle import ENTRY
from prongsai.web.oit.models import CheckVerdict, EntryStatus, EvidenceLink, LinkCheck, ReviewStage

pytestmark = pytest.mark.django_db
THAI = re.compile(r"[\u0E00-\u0E7F]")


def item_url(name, cast, item="O1"):
    return reverse(name, args=[cast.round_2563.pk, cast.samutsakhon.code, item])


def english(client):
    client.cookies["django_language"] = "en"
    return client


def field_texts(form) -> list[str]:
    """Every text a form can show: labels, help, choices, empty labels and error messages."""
    texts = []
    for field in form.fields.values():
        texts += [str(field.label or ""), str(field.help_text or "")]
        texts += [str(m) for m in field.error_messages.values()]
        if isinstance(field, django_forms.ChoiceField) and not isinstance(field, django_forms.ModelChoiceField):
            texts += [str(label) for _value, label in field.choices]
        texts.append(str(getattr(field, "empty_label", "") or ""))
    return texts


def test_every_oit_form_and_choice_reads_in_english_and_in_thai(cast):
    made = [
        forms.LinkForm(),
        forms.UploadForm(),
        forms.NoteForm(),
        forms.UnitForm(agency=cast.samutsakhon),
        forms.ClarificationForm(),
        forms.ReviewForm(),
        forms.OpenClarificationForm(),
        forms.AssignForm(agencies=None, assessors=None),
    ]
    labels = [*EntryStatus.labels, *CheckVerdict.labels, *ReviewStage.labels, *queries.VERDICTS.values()]
    with translation.override("en"):
        texts = [t for form in made for t in field_texts(form)] + [str(x) for x in labels]
        texts += [str(m.label_th) for m in ENTRY.moves]
        assert [t for t in texts if THAI.search(t)] == []
        assert "Accepts PDF, DOCX, XLSX, PNG or JPEG, at most 20 MB" in texts
        assert "Awaiting the agency's clarification" in texts and "Mark as ready" in texts
    with translation.override("th"):  # the Thai users know, unchanged
        assert str(EntryStatus.CLARIFYING.label) == "รอหน่วยงานชี้แจง"
        assert str(EntryStatus.DRAFT.label) == "ร่าง"
        assert str(forms.UploadForm().fields["file"].help_text) == "รับ PDF, DOCX, XLSX, PNG หรือ JPEG ขนาดไม่เกิน 20 MB"
        assert str(next(m for m in ENTRY.moves if m.name == "ready").label_th) == "ทำเครื่องหมาย “พร้อมส่ง”"


def test_link_form_error_and_flash_message_in_english(client, cast, settings):
    settings.PRONGSAI_LINKCHECK_ALLOW_LOOPBACK = True
    english(client).force_login(cast.officer)
    response = client.post(item_url("oit_link_add", cast), {"url": "www.skn.go.th/ita"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The link must start with http:// or https://" in html
    assert '<label for="id_url">Link (URL)</label>' in html
    assert "ต้องขึ้นต้นด้วย" not in html
    response = client.post(item_url("oit_link_add", cast), {"url": "https://www.skn.go.th/ita/o1"}, follow=True)
    assert "Link added; the system is checking it automatically" in response.content.decode()


def test_a_service_refusal_reaches_the_page_in_english(client, cast):
    english(client).force_login(cast.officer)
    response = client.post(item_url("oit_set_status", cast), {"action": "ready"}, follow=True)
    text = response.content.decode()
    assert "Item O1 has no evidence yet; attach at least one link or file first" in text
    client.cookies["django_language"] = "th"
    response = client.post(item_url("oit_set_status", cast), {"action": "ready"}, follow=True)
    assert "ข้อ O1 ยังไม่มีหลักฐาน แนบลิงก์หรือไฟล์อย่างน้อยหนึ่งรายการก่อน" in response.content.decode()


def _checked_link(cast, result) -> EvidenceLink:
    link = services.add_link(cast.officer, cast.round_2563, cast.samutsakhon, "O1", "https://www.skn.go.th/o1")
    record_link_check(link.pk, result)
    return EvidenceLink.objects.select_related("last_check").get(pk=link.pk)


def test_link_check_problems_are_stored_with_their_msgid_and_shown_in_the_page_language(client, cast):
    result = linkcheck.CheckResult(url="https://www.skn.go.th/o1", years_expected=[2562, 2563])
    text, params = linkcheck._status_message(404)
    result.add("http_404", linkcheck.BROKEN, text, **params)
    result.add(
        "year_missing",
        linkcheck.WARNING,
        "The B.E. year %(years)s was not found in the content; the evidence must be for the assessed year",
        years=[2562, 2563],
    )
    link = _checked_link(cast, result)
    stored = LinkCheck.objects.filter(pk=link.last_check.pk).values_list("problems", flat=True).get()
    # the record keeps the Thai the officer saw, and what it takes to say it again in another language
    assert stored[0]["message"] == "ไม่พบหน้านี้ (HTTP 404) ลิงก์อาจเสียหรือถูกย้าย"
    assert stored[1]["message"] == "ไม่พบปี พ.ศ. 2562 หรือ 2563 ในเนื้อหา หลักฐานต้องเป็นข้อมูลของปีที่ประเมิน"
    assert stored[1]["params"] == {"years": [2562, 2563]}
    english(client).force_login(cast.officer)
    html = client.get(item_url("oit_item", cast)).content.decode()
    assert "Page not found (HTTP 404); the link may be broken or moved" in html
    assert "The B.E. year 2562 or 2563 was not found in the content" in html
    assert "ไม่พบหน้านี้" not in html
    # the agency's forecast repeats the first broken problem as its reason
    row = next(r for r in queries.item_rows(cast.round_2563, cast.samutsakhon) if r.code == "O1")
    with translation.override("en"):
        assert row.verdict == "fail" and row.reasons == [
            "https://www.skn.go.th/o1: Page not found (HTTP 404); the link may be broken or moved"
        ]
        assert str(row.verdict_label) == "Has a broken link"


def test_a_check_recorded_before_msgids_were_stored_shows_its_thai_record(client, cast):
    link = _checked_link(cast, linkcheck.CheckResult(url="https://www.skn.go.th/o1"))
    LinkCheck.objects.filter(pk=link.last_check.pk).update(
        problems=[{"code": "http_404", "level": "broken", "message": "ไม่พบหน้านี้ (HTTP 404) ลิงก์อาจเสียหรือถูกย้าย"}]
    )
    check = LinkCheck.objects.get(pk=link.last_check.pk)
    with translation.override("en"):
        assert check.problems[0]["message"] == "ไม่พบหน้านี้ (HTTP 404) ลิงก์อาจเสียหรือถูกย้าย"


def test_checker_messages_have_no_thai_in_english():
    # every message the checker and its guard can give: one of each kind, filled with sample parameters
    sample = {
        "seconds": "60",
        "error": "timed out",
        "scheme": "ftp",
        "host": "intranet.local",
        "ip": "10.0.0.7",
        "status": 418,
        "mb": 25,
        "n": 5,
        "years": [2563],
        "keywords": "โครงสร้าง",
        "reason": {"th": "ไฟล์เสีย", "en": "the file is damaged"},
    }
    source = "".join(Path(m.__file__).read_text(encoding="utf-8") for m in (linkcheck, ssrf, checks))
    msgids = re.findall(r'gettext_noop\(\s*((?:"[^"]*"\s*)+)\)', source)
    assert len(msgids) > 25
    with translation.override("en"):
        for raw in msgids:
            text = "".join(re.findall(r'"([^"]*)"', raw))
            params = {k: v for k, v in sample.items() if f"%({k})s" in text}
            shown = checktext.describe(text, params)
            assert not THAI.search(shown.replace("โครงสร้าง", "")), shown
    with translation.override("th"):
        assert checktext.describe("The link redirects more than %(n)s times", {"n": 5}) == "ลิงก์เปลี่ยนเส้นทางมากกว่า 5 ครั้ง"
