"""Issue 11 §1 and §4 as the officer and the central admin meet them: every date field takes 25/06/2563 (and
2020-06-25), refuses 3106 with a Thai message naming the field; a document never prints an impossible year; the
dangerous buttons first show what will happen (docs/dates.md, docs/confirmations.md)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from prongsai.web.documents.forms import DetailsForm
from prongsai.web.measures import committees
from prongsai.web.measures.forms import CommitteeForm, MeasureForm
from prongsai.web.measures.models import Committee
from prongsai.web.oit.forms import OpenClarificationForm
from prongsai.web.rounds.forms import RoundForm
from prongsai.web.rounds.models import RoundStatus
from prongsai.web.surveys import services as surveys
from prongsai.web.surveys.forms import GenerateCodesForm
from prongsai.web.surveys.models import CodeStatus, RespondentCode


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def date_forms(cast):
    """(form factory, date field, Thai words its label must show, other data the form needs) for every date."""
    agency = cast.samutsakhon
    codes = {"tool_group": "IIT:staff", "count": "5"}
    return [
        (lambda d: CommitteeForm(d), "order_date", "วันที่คำสั่ง", {}),
        (lambda d: MeasureForm(agency, [], d), "starts_on", "เริ่ม", {"title": "ด้านการเปิดเผยข้อมูล"}),
        (lambda d: MeasureForm(agency, [], d), "ends_on", "สิ้นสุด", {"title": "ด้านการเปิดเผยข้อมูล"}),
        (lambda d: DetailsForm(agency, d), "memo_date", "บันทึก", {}),
        (lambda d: DetailsForm(agency, d), "announcement_date", "ประกาศ", {}),
        (lambda d: DetailsForm(agency, d), "report_date", "รายงาน", {}),
        (lambda d: GenerateCodesForm(cast.round_2563.framework, d), "expires_on", "ใช้ได้ถึง", codes),
        (lambda d: OpenClarificationForm(d), "deadline", "ชี้แจงได้ถึงวันที่", {}),
        (lambda d: RoundForm(d), "oit_entry_starts", "OIT", {}),
        (lambda d: RoundForm(d), "results_ends", "ประกาศ", {}),
    ]


@pytest.fixture
def thai():
    with translation.override("th"):
        yield


def test_every_date_field_refuses_3106_naming_the_field_in_thai(cast, thai):
    for make, name, words, extra in date_forms(cast):
        form = make({**extra, name: "25/06/3106"})
        assert not form.is_valid()
        message = form.errors[name][0]
        assert message.startswith(str(form.fields[name].label)), (name, message)
        assert words in message and "ปี พ.ศ. 3106 เป็นไปไม่ได้" in message, (name, message)


@pytest.mark.parametrize("typed", ["25/06/2563", "2020-06-25", "25/06/2020"])
def test_every_date_field_accepts_be_iso_and_gregorian(cast, thai, typed):
    for make, name, _words, extra in date_forms(cast):
        form = make({**extra, name: typed})
        form.is_valid()
        assert name not in form.errors, (name, form.errors.get(name))
        assert form.cleaned_data[name] == date(2020, 6, 25)


def test_a_date_field_shows_the_stored_date_in_be_with_a_thai_hint(cast, thai):
    html = str(CommitteeForm(initial={"order_date": date(2020, 6, 25)})["order_date"])
    assert 'value="25/06/2563"' in html and 'inputmode="numeric"' in html and 'type="text"' in html
    assert "วัน/เดือน/ปี พ.ศ. เช่น 25/06/2563" in html and 'aria-describedby="id_order_date_hint"' in html


def test_a_refused_committee_save_says_so_at_the_top_and_focuses_the_date(cast):
    officer = client_for(cast.officer)
    url = reverse("measures_committee", args=[cast.samutsakhon.code, cast.round_2563.pk])
    response = officer.post(url, {"order_number": "169", "order_date": "25/06/3106", "duties": ""})
    page = response.content.decode()
    assert response.status_code == 400
    summary = page.index('id="error-summary"')
    assert summary < page.index('name="order_date"')
    assert "ยังไม่ได้บันทึก: มี 1 จุดที่ต้องแก้" in page and 'href="#id_order_date"' in page
    assert re.search(r'<input[^>]*name="order_date"[^>]*autofocus|<input[^>]*autofocus[^>]*name="order_date"', page)
    assert not Committee.objects.filter(order_date__isnull=False).exists()
    assert officer.post(url, {"order_number": "169", "order_date": "25/06/2563", "duties": ""}).status_code == 302
    assert Committee.objects.get(agency=cast.samutsakhon, round=cast.round_2563).order_date == date(2020, 6, 25)


def test_the_committee_place_field_is_labelled_lamdap_not_khamsang(cast):
    page = (
        client_for(cast.officer)
        .get(reverse("measures_committee", args=[cast.samutsakhon.code, cast.round_2563.pk]))
        .content.decode()
    )
    assert '<label for="id_order">ลำดับที่</label>' in page


@pytest.fixture
def storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "files")},
        },
    }


def test_a_document_never_prints_an_impossible_year(cast, storage):
    """A date stored before dates were checked (or by an old API client): generation is refused, naming it."""
    import io

    from prongsai.web.documents import pack
    from prongsai.web.measures.demo import load_measures_demo

    assert load_measures_demo(io.StringIO())
    Committee.objects.filter(agency=cast.samutsakhon, round=cast.round_2563).update(order_date=date(2563, 6, 25))
    with pytest.raises(pack.PackError, match="วันที่คำสั่งแต่งตั้งคณะกรรมการ: ปี พ.ศ. 3106 เป็นไปไม่ได้"):
        pack.render(cast.round_2563, cast.samutsakhon, None, {})


# --- confirmations -------------------------------------------------------------------------------------------


def test_closing_a_round_shows_the_unused_codes_first_and_reopening_undoes_it(cast):
    surveys.generate_codes(cast.officer, cast.round_2563, cast.samutsakhon, "IIT", "staff", 3)
    central = client_for(cast.central)
    url = reverse("round_status", args=[cast.round_2563.pk])
    with translation.override("th"):
        page = central.get(url).content.decode()
    assert "รหัสที่ยังไม่ได้ใช้ 3 รหัสจะใช้ไม่ได้" in page and "เปิดรอบอีกครั้งได้" in page
    assert 'name="confirmed" value="yes"' in page
    assert central.post(url, {"status": "closed"}).status_code == 200  # the old one-click POST only asks
    cast.round_2563.refresh_from_db()
    assert cast.round_2563.status == RoundStatus.OPEN
    assert central.post(url, {"status": "closed", "confirmed": "yes"}).status_code == 302
    cast.round_2563.refresh_from_db()
    assert cast.round_2563.status == RoundStatus.CLOSED
    assert central.post(url, {"status": "open"}).status_code == 302  # the undo is one click
    cast.round_2563.refresh_from_db()
    assert cast.round_2563.status == RoundStatus.OPEN


def test_publishing_an_open_round_warns_and_needs_the_confirmation(cast):
    central = client_for(cast.central)
    url = reverse("round_publish", args=[cast.round_2563.pk])
    page = central.post(url, {"published": "1"}).content.decode()
    assert "รอบนี้ยังมีสถานะ" in page and "ยังไม่มีผลการประเมิน" in page
    cast.round_2563.refresh_from_db()
    assert not cast.round_2563.results_published
    central.post(url, {"published": "1", "confirmed": "yes"})
    cast.round_2563.refresh_from_db()
    assert cast.round_2563.results_published
    central.post(url, {"published": "0"})  # withdrawing (the undo) needs no confirmation
    cast.round_2563.refresh_from_db()
    assert not cast.round_2563.results_published


def test_revoking_a_batch_says_how_many_unused_codes_die(cast):
    made = surveys.generate_codes(cast.officer, cast.round_2563, cast.samutsakhon, "IIT", "staff", 4)
    RespondentCode.objects.filter(batch=made.batch).filter(
        pk=RespondentCode.objects.filter(batch=made.batch).first().pk
    ).update(status=CodeStatus.USED)
    officer = client_for(cast.officer)
    url = reverse("survey_revoke_batch", args=[cast.round_2563.pk, cast.samutsakhon.code, made.batch.pk])
    page = officer.post(url).content.decode()
    assert "รหัสที่ยังไม่ใช้ 3 รหัส" in page and "ยืนยันยกเลิก 3 รหัส" in page and "ไม่ได้: รหัสที่ยกเลิกแล้ว" in page
    assert not RespondentCode.objects.filter(batch=made.batch, status=CodeStatus.REVOKED).exists()
    assert officer.post(url, {"confirmed": "yes"}).status_code == 302
    assert RespondentCode.objects.filter(batch=made.batch, status=CodeStatus.REVOKED).count() == 3


def test_suggesting_over_an_edited_committee_names_who_would_be_lost(cast):
    officer = client_for(cast.officer)
    code, rid = cast.samutsakhon.code, cast.round_2563.pk
    url = reverse("measures_committee_suggest", args=[code, rid])
    assert officer.post(url).status_code == 302  # an empty committee: nothing to lose, no question
    committees.add_member(
        cast.officer,
        cast.round_2563,
        cast.samutsakhon,
        person=None,
        position_th="ผู้แทนครู",
        unit=None,
        role="member",
        order=None,
    )
    before = Committee.objects.get(agency=cast.samutsakhon, round=cast.round_2563).members.count()
    page = officer.post(url).content.decode()
    assert "ผู้แทนครู" in page and "จะหายไป" in page
    assert Committee.objects.get(agency=cast.samutsakhon, round=cast.round_2563).members.count() == before
    assert officer.post(url, {"confirmed": "yes"}).status_code == 302
    assert (
        not Committee.objects.get(agency=cast.samutsakhon, round=cast.round_2563)
        .members.filter(position_th="ผู้แทนครู")
        .exists()
    )
