"""Notifications in the app: who hears what, once, and only about their own office.

Story: the assessor sends two OIT items of สพป.สมุทรสาคร back for clarification; its ITA officer and director are
told (in the app and by mail), the second office is not.  A week before the OIT deadline the daily run warns every
office of the round, once, however often the operator's timer runs it.  The central admin corrects a date of the
round's calendar in the web UI (audited); the results are published and each office hears about its own."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from prongsai.web.audit.models import AuditEntry
from prongsai.web.notifications.models import Notification, NotificationKind, RoundDeadline
from prongsai.web.notifications.services import run_daily, seed_round_calendar
from prongsai.web.oit import services as oit
from prongsai.web.oit.models import OITEntry
from prongsai.web.results.services import publish_results
from tests.cast import PASSWORD

pytestmark = pytest.mark.django_db


def _returned_for_clarification(cast, deadline):
    round_, agency = cast.round_2563, cast.samutsakhon
    oit.assign_assessor(cast.central, round_, agency, cast.assessor)
    for code in ("O4", "O5"):
        oit.add_link(cast.officer, round_, agency, code, f"https://www.example.go.th/{code}")
        oit.set_ready(cast.officer, round_, agency, code)
    oit.submit_items(cast.officer, round_, agency)
    for code in ("O4", "O5"):
        oit.record_oit_review(
            cast.assessor, OITEntry.objects.get(agency=agency, code=code), elements=["a"], comment="ไม่ครบ"
        )
    return oit.open_clarification(cast.assessor, round_, agency, deadline)


def test_a_clarification_request_reaches_the_offices_officer_and_director_once(
    cast, django_capture_on_commit_callbacks
):
    deadline = timezone.localdate() + timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        codes = _returned_for_clarification(cast, deadline)
    assert codes == ["O4", "O5"]
    notes = Notification.objects.filter(kind=NotificationKind.CLARIFICATION)
    assert sorted(n.user.username for n in notes) == ["director", "officer"]
    assert {n.agency_id for n in notes} == {cast.samutsakhon.pk}
    assert "O4, O5" in notes[0].body and "ชี้แจง" in notes[0].subject
    assert sorted(m.to[0] for m in mail.outbox) == ["director@example.test", "officer@example.test"]
    assert all("ชี้แจง" in m.subject for m in mail.outbox)
    # the same request again (same deadline, no new item) adds nothing
    with django_capture_on_commit_callbacks(execute=True):
        oit.open_clarification(cast.assessor, cast.round_2563, cast.samutsakhon, deadline)
    assert Notification.objects.count() == 2 and len(mail.outbox) == 2


def test_a_rolled_back_change_sends_no_mail(cast, django_capture_on_commit_callbacks):
    from django.db import transaction

    from prongsai.web.notifications.services import notify

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        notify([cast.officer], kind=NotificationKind.DEADLINE, event="x", subject="ทดสอบ", body="ทดสอบ")
        raise RuntimeError("the service failed after notifying")
    assert Notification.objects.count() == 0 and mail.outbox == []


def test_the_daily_run_warns_each_office_once_per_deadline(cast, django_capture_on_commit_callbacks):
    seed_round_calendar(cast.central, cast.round_2563)
    with django_capture_on_commit_callbacks(execute=True):
        run = run_daily(today=date(2020, 7, 24), days=7)
    # OIT publication and the IIT/EIT window both end on 31 July 2563: two deadlines × three people
    assert run.created == {NotificationKind.DEADLINE: 6, NotificationKind.CLARIFICATION: 0}
    by_user = {}
    for note in Notification.objects.select_related("user", "agency"):
        by_user.setdefault(note.user.username, set()).add(note.agency.code)
    assert by_user == {"officer": {"ESA-SKN"}, "director": {"ESA-SKN"}, "other_officer": {"ESA-OTHER"}}
    assert "31 กรกฎาคม 2563" in Notification.objects.first().subject
    assert len(mail.outbox) == 6
    with django_capture_on_commit_callbacks(execute=True):
        again = run_daily(today=date(2020, 7, 25), days=7)
    assert sum(again.created.values()) == 0 and len(mail.outbox) == 6
    # a deadline outside the window is not announced yet
    assert not Notification.objects.filter(subject__contains="รอบ 12 เดือน").exists()


def test_a_report_due_goes_only_to_offices_with_measures_missing_it(cast):
    from prongsai.web.measures.models import Measure, ProgressReport

    seed_round_calendar(cast.central, cast.round_2563)
    done = Measure.objects.create(round=cast.round_2563, agency=cast.other_office, title="ด้านที่รายงานแล้ว")
    ProgressReport.objects.create(measure=done, unit=cast.unit, period=6, text="รายงานแล้ว")
    Measure.objects.create(round=cast.round_2563, agency=cast.samutsakhon, title="ด้านการเปิดเผยข้อมูล")
    run = run_daily(today=date(2020, 4, 25), days=7)
    assert run.created[NotificationKind.REPORT_DUE] == 2
    notes = Notification.objects.filter(kind=NotificationKind.REPORT_DUE)
    assert sorted(n.user.username for n in notes) == ["director", "officer"]
    assert "6 เดือน" in notes[0].subject


def test_published_results_tell_each_office_about_its_own_result(cast, django_capture_on_commit_callbacks):
    cast.round_2562.results_published = False
    cast.round_2562.save()
    with django_capture_on_commit_callbacks(execute=True):
        publish_results(cast.central, cast.round_2562)
    notes = {n.user.username: n for n in Notification.objects.filter(kind=NotificationKind.RESULTS)}
    assert set(notes) == {"officer", "director", "other_officer"}
    assert notes["other_officer"].url.startswith(f"/agencies/{cast.other_office.code}/")
    assert cast.samutsakhon.display_name not in notes["other_officer"].body
    mails = {m.to[0]: m for m in mail.outbox}
    assert cast.samutsakhon.display_name not in mails["other_officer@example.test"].body
    with django_capture_on_commit_callbacks(execute=True):  # withdrawn and published again: no second message
        publish_results(cast.central, cast.round_2562, False)
        publish_results(cast.central, cast.round_2562, True)
    assert Notification.objects.filter(kind=NotificationKind.RESULTS).count() == 3


def test_the_list_and_the_header_count_show_only_ones_own_notifications(cast, client):
    _returned_for_clarification(cast, timezone.localdate() + timedelta(days=7))
    mine = Notification.objects.get(user=cast.officer)
    theirs = Notification.objects.get(user=cast.director)
    client.login(username="officer", password=PASSWORD)
    page = client.get("/notifications/").content.decode()
    assert page.count('class="card notification unread"') == 1
    assert 'id="notification-count">1<' in page
    assert client.post(f"/notifications/{theirs.pk}/open/").status_code == 404
    response = client.post(f"/notifications/{mine.pk}/open/")
    assert response.status_code == 302 and response["Location"] == mine.url
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert 'id="notification-count"' not in client.get("/notifications/").content.decode()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    client.login(username="other_officer", password=PASSWORD)
    assert 'id="no-notifications"' in client.get("/notifications/").content.decode()


def test_the_central_admin_corrects_a_deadline_in_thai_dates_with_an_audit_entry(cast, client):
    seed_round_calendar(cast.central, cast.round_2563)
    deadline = RoundDeadline.objects.get(round=cast.round_2563, key="results")
    url = f"/calendar/{cast.round_2563.pk}/{deadline.pk}/"
    client.login(username="officer", password=PASSWORD)
    assert client.get(f"/calendar/{cast.round_2563.pk}/").status_code == 200
    assert client.post(url, {"title_th": "x", "due_on": "30/09/2563"}).status_code == 403
    client.login(username="central", password=PASSWORD)
    bad = client.post(url, {"title_th": "ประกาศผลการประเมิน", "due_on": "30/09/3106"})
    assert bad.status_code == 400 and "3106" in bad.content.decode()
    ok = client.post(url, {"title_th": "ประกาศผลการประเมิน", "starts_on": "", "due_on": "๑๕/๑๐/๒๕๖๓"})
    assert ok.status_code == 302
    deadline.refresh_from_db()
    assert (deadline.due_on, deadline.provisional) == (date(2020, 10, 15), False)
    entry = AuditEntry.objects.filter(action="update_round_deadline").get()
    assert entry.changes["due_on"] == ["2020-09-30", "2020-10-15"]
    assert entry.actor == cast.central


def test_creating_a_round_copies_the_editions_calendar(cast):
    from prongsai.web.rounds.services import create_round

    round_ = create_round(cast.central, "ita-2564", 2564)
    deadlines = {d.key: d for d in RoundDeadline.objects.filter(round=round_)}
    assert deadlines["oit_publish"].due_on == date(2021, 4, 30)
    assert deadlines["oit_publish"].provisional is True
    assert "wangtakro" in deadlines["oit_publish"].source
    assert AuditEntry.objects.filter(action="seed_round_calendar").count() == 1


def test_an_unanswered_clarification_is_reminded_unless_the_request_just_came(cast):
    from prongsai.web.notifications.services import run_daily

    today = timezone.localdate()
    _returned_for_clarification(cast, today + timedelta(days=5))
    assert run_daily(today=today, days=7).created[NotificationKind.CLARIFICATION] == 0  # told today already
    Notification.objects.update(created_at=timezone.now() - timedelta(days=10))  # the request came long ago
    assert run_daily(today=today, days=7).created[NotificationKind.CLARIFICATION] == 2
    reminder = Notification.objects.get(user=cast.officer, event__startswith="clarify-due:")
    assert "O4, O5" in reminder.body and "อีก 5 วัน" in reminder.subject
    assert not cast.other_officer.notifications.exists()
