"""One message system (issue 15 §2): ``prongsai.web.messages`` picks the language of two-language data and turns a
service's refusal into form errors or flash messages; the error pages are Thai; switching the language switches
the whole app."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import translation

from prongsai.core.lifecycle import TransitionRefused
from prongsai.core.tabular import InputError, Problem
from prongsai.web.messages import english, error_texts, form_error_texts, localized, report_error

pytestmark = pytest.mark.django_db


class MemberForm(forms.Form):
    position = forms.CharField(label="ตำแหน่ง", required=False)
    unit = forms.CharField(label="กลุ่ม/หน่วย", required=False)


def test_localized_follows_the_active_language_and_falls_back_to_thai():
    with translation.override("th"):
        assert not english() and localized("ผ่าน", "pass") == "ผ่าน"
    with translation.override("en"):
        assert english() and localized("ผ่าน", "pass") == "pass"
        assert localized("ผ่าน", "") == "ผ่าน"  # data with no English keeps its Thai


def test_error_texts_of_each_kind_of_refusal():
    refused = TransitionRefused("round", "closed", "publish")
    problems = InputError([Problem("a.csv", 3, "i9", "'9x' is not a score", "'9x' ไม่ใช่คะแนน")])
    with translation.override("th"):
        assert error_texts(refused) == ["ทำ 'publish' ไม่ได้ขณะสถานะเป็น 'closed'"]
        assert error_texts(problems) == ["a.csv, แถวที่ 3, คอลัมน์ 'i9': '9x' ไม่ใช่คะแนน"]
        assert error_texts(ValidationError([])) == ["ข้อมูลไม่ถูกต้อง"]
    with translation.override("en"):
        assert error_texts(refused) == ["round: 'publish' is not allowed from 'closed'"]
        assert error_texts(problems) == ["a.csv, row 3, column 'i9': '9x' is not a score"]
    with pytest.raises(TypeError):  # a programming error must reach the 500 page, not pass as a user message
        error_texts(KeyError("x"))


def test_report_error_puts_each_message_on_its_field():
    form = MemberForm({})
    assert form.is_valid()
    report_error(
        form,
        ValidationError(
            {"position_th": ["ต้องระบุตำแหน่ง"], "unit": ["หน่วยนี้เป็นของหน่วยงานอื่น"], "elsewhere": ["ข้อมูลไม่ครบ"]}
        ),
        aliases={"position_th": "position"},
    )
    assert form.errors["position"] == ["ต้องระบุตำแหน่ง"]
    assert form.errors["unit"] == ["หน่วยนี้เป็นของหน่วยงานอื่น"]
    assert form.non_field_errors() == ["ข้อมูลไม่ครบ"]  # a field the form does not have: on the form as a whole
    assert form_error_texts(form) == ["ตำแหน่ง: ต้องระบุตำแหน่ง", "กลุ่ม/หน่วย: หน่วยนี้เป็นของหน่วยงานอื่น", "ข้อมูลไม่ครบ"]


def _request(client):
    from django.contrib.messages.storage.fallback import FallbackStorage

    request = RequestFactory().post("/")
    request.session = client.session
    request._messages = FallbackStorage(request)
    return request


def test_report_error_flashes_on_a_request_and_can_keep_only_the_first(client, cast):
    client.force_login(cast.officer)
    every, first = _request(client), _request(client)
    report_error(every, ValidationError(["ข้อแรก", "ข้อสอง"]))
    report_error(first, ValidationError(["ข้อแรก", "ข้อสอง"]), first_only=True)
    assert [str(m) for m in get_messages(every)] == ["ข้อแรก", "ข้อสอง"]
    assert [str(m) for m in get_messages(first)] == ["ข้อแรก"]


# --- error pages (DEBUG off, as in production and in the demo) -----------------------------------------------


@override_settings(DEBUG=False)
def test_the_404_page_is_thai_and_lists_no_routes(client, cast):
    client.force_login(cast.officer)
    page = client.get("/no-such-page/")
    body = page.content.decode()
    assert page.status_code == 404
    assert "ไม่พบหน้าที่ต้องการ" in body
    assert "Django tried" not in body and "urlpatterns" not in body


@override_settings(DEBUG=False)
def test_the_403_page_is_thai(client, cast):
    client.force_login(cast.other_officer)
    page = client.get(reverse("agencies_manage_detail", kwargs={"code": cast.samutsakhon.code}))
    assert page.status_code == 403  # another office's management page (the access matrix says the same)
    assert "ท่านไม่มีสิทธิ์เปิดหน้านี้" in page.content.decode()


@override_settings(DEBUG=False)
def test_the_500_page_is_thai_first_and_needs_no_database():
    from django.views.defaults import server_error

    page = server_error(RequestFactory().get("/"))
    body = page.content.decode()
    assert page.status_code == 500
    assert body.index("ขออภัย ระบบขัดข้องชั่วคราว") < body.index("Sorry, something went wrong")
    assert "prongsai/css/prongsai.css" in body  # the site's look
    assert "Traceback" not in body


# --- the language switch ---------------------------------------------------------------------------------------


def test_switching_to_english_switches_pages_and_service_messages(client, cast):
    client.force_login(cast.officer)
    new_measure = reverse("measures_new", kwargs={"code": cast.samutsakhon.code, "round_id": cast.round_2563.pk})
    assert "วันสิ้นสุดมาตรการอยู่ก่อนวันเริ่ม" in _inverted_measure(client, new_measure)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "The measure ends before it starts." in _inverted_measure(client, new_measure)
    assert 'lang="en"' in client.get(reverse("rounds")).content.decode()
    client.post(reverse("set_language"), {"language": "th", "next": "/"})
    assert 'lang="th"' in client.get(reverse("rounds")).content.decode()


def _inverted_measure(client, url: str) -> str:
    """Post a measure that ends before it starts (the service refuses it) and return the page."""
    from prongsai.web.agencies.models import Unit

    unit = Unit.objects.filter(agency__code="ESA-SKN").order_by("pk").first()
    page = client.post(
        url,
        {
            "title": "ด้านการเปิดเผยข้อมูล",
            "units": [unit.pk],
            "starts_on": "2020-09-30",
            "ends_on": "2020-01-01",
            "actions-TOTAL_FORMS": "0",
            "actions-INITIAL_FORMS": "0",
        },
    )
    assert page.status_code == 400, page.status_code  # the form again, with the service's refusal on it
    return page.content.decode()


def test_the_survey_page_explains_a_provisional_minimum_without_developer_notes(client, cast):
    # ita-2563-esa borrows the school rule for the ESA minimum sample; its edition note is for maintainers
    client.force_login(cast.officer)
    body = client.get(
        reverse("survey_overview", kwargs={"round_id": cast.round_2563.pk, "code": cast.samutsakhon.code})
    ).content.decode()
    assert "จำนวนขั้นต่ำนี้เป็นค่าชั่วคราว" in body
    assert "stand-in" not in body and "ยืมมาจาก" not in body
