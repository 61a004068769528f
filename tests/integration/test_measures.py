"""Analysis notes, the committee, measures and progress reports: services (rules, rights, audit) and pages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from prongsai.web.agencies.models import Membership, Person, Unit
from prongsai.web.audit.models import AuditEntry
from prongsai.web.measures import committees, services
from prongsai.web.measures.models import AnalysisNote, CommitteeRole, MeasureStatus, ProgressFile


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def units(cast):
    """Three more units of สพป.สมุทรสาคร; the cast's unit (the ITA unit, where the staff member works) is first."""
    extra = [
        Unit.objects.create(agency=cast.samutsakhon, name_th=name, order=i)
        for i, name in enumerate(["กลุ่มอำนวยการ", "กลุ่มนโยบายและแผน", "หน่วยตรวจสอบภายใน"], start=2)
    ]
    return [cast.unit, *extra]


def a_measure(cast, units_, **kw):
    units = units_
    data = services.MeasureInput(
        title=kw.pop("title", "ด้านการเปิดเผยข้อมูล"),
        purpose="เพื่อเปิดเผยข้อมูล",
        targets=kw.pop("targets", ["9", "O42"]),
        units=kw.pop("units", [units[1]]),
        starts_on=date(2019, 10, 1),
        ends_on=date(2020, 9, 30),
        actions=kw.pop("actions", [("เผยแพร่ข้อมูลพื้นฐาน", None)]),
        **kw,
    )
    return services.create_measure(cast.officer, cast.round_2563, cast.samutsakhon, data)


# -------------------------------------------------------------------------------------------- notes


def test_analysis_note_saved_audited_and_only_by_managers(cast):
    note = services.save_analysis_note(cast.officer, cast.round_2562, cast.samutsakhon, 10, "  เอกสารไม่ครบ  ")
    assert note.text == "เอกสารไม่ครบ"
    services.save_analysis_note(cast.officer, cast.round_2562, cast.samutsakhon, 10, "แก้ไขแล้ว")
    assert AnalysisNote.objects.get().text == "แก้ไขแล้ว"
    assert AuditEntry.objects.filter(action="save_analysis_note").count() == 2
    for user in (cast.director, cast.staff, cast.viewer, cast.other_officer, cast.assessor):
        with pytest.raises(PermissionDenied):
            services.save_analysis_note(user, cast.round_2562, cast.samutsakhon, 10, "x")
    with pytest.raises(ValidationError):
        services.save_analysis_note(cast.officer, cast.round_2562, cast.samutsakhon, 11, "no indicator 11")


# ---------------------------------------------------------------------------------------- committee


def test_suggest_committee_reproduces_the_seed_structure(cast, units):
    Person.objects.filter(user=cast.officer).update(title_th="นาง", full_name_th="อลินดา กิตติทรงภพ")
    Membership.objects.filter(user=cast.officer).update(unit=cast.unit, position_th="นักวิชาการศึกษาชำนาญการ")
    committee = committees.suggest_committee(cast.officer, cast.round_2563, cast.samutsakhon)
    members = list(committee.members.order_by("order"))
    roles = [m.role for m in members]
    assert roles[:2] == [CommitteeRole.CHAIR, CommitteeRole.VICE_CHAIR]
    assert roles[-2:] == [CommitteeRole.SECRETARY, CommitteeRole.ASSISTANT_SECRETARY]
    assert roles.count(CommitteeRole.MEMBER) == len(units) - 1  # every unit head but the ITA unit's
    assert members[0].display_th == "ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาคร"
    assert members[1].display_th == "รองผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาคร"
    assert members[-2].display_th == "ผู้อำนวยการกลุ่มส่งเสริมการจัดการศึกษา" and members[-2].unit == cast.unit
    assert members[-1].display_th == "นางอลินดา กิตติทรงภพ นักวิชาการศึกษาชำนาญการ"
    assert {m.unit for m in members if m.role == CommitteeRole.MEMBER} == set(units[1:])
    # again: replaced, not doubled
    committees.suggest_committee(cast.officer, cast.round_2563, cast.samutsakhon)
    assert committee.members.count() == len(members)


def test_committee_edits_and_rights(cast, units):
    member = committees.add_member(
        cast.officer,
        cast.round_2563,
        cast.samutsakhon,
        position_th="ผู้อำนวยการกลุ่มอำนวยการ",
        unit=units[1],
        role=CommitteeRole.MEMBER,
    )
    second = committees.add_member(
        cast.officer, cast.round_2563, cast.samutsakhon, position_th="ประธาน", role=CommitteeRole.CHAIR
    )
    committees.move_member(cast.officer, second, -1)
    assert [m.pk for m in member.committee.members.order_by("order")] == [second.pk, member.pk]
    committee = committees.update_committee(
        cast.officer,
        cast.round_2563,
        cast.samutsakhon,
        order_number="169/2563",
        order_date=date(2020, 6, 25),
        duties=["วิเคราะห์ผล", "", "จัดทำรายงาน"],
    )
    assert committee.duties == ["วิเคราะห์ผล", "จัดทำรายงาน"]
    with pytest.raises(ValidationError):
        committees.add_member(
            cast.officer, cast.round_2563, cast.samutsakhon, position_th="", role=CommitteeRole.MEMBER
        )
    other_unit = Unit.objects.create(agency=cast.other_office, name_th="กลุ่มอื่น")
    with pytest.raises(ValidationError):
        committees.add_member(cast.officer, cast.round_2563, cast.samutsakhon, position_th="x", unit=other_unit)
    for user in (cast.director, cast.staff, cast.other_officer):
        with pytest.raises(PermissionDenied):
            committees.suggest_committee(user, cast.round_2563, cast.samutsakhon)
        with pytest.raises(PermissionDenied):
            committees.remove_member(user, member)
    committees.remove_member(cast.officer, member)
    assert committee.members.count() == 1


# ----------------------------------------------------------------------------------------- measures


def test_measure_validation(cast, units):
    with pytest.raises(ValidationError, match="ไม่ใช่หมายเลขตัวชี้วัดหรือรหัสข้อ"):
        a_measure(cast, units, targets=["O99"])
    with pytest.raises(ValidationError, match="ที่รับผิดชอบอย่างน้อย"):
        a_measure(cast, units, units=[], actions=[("x", None)])
    other_unit = Unit.objects.create(agency=cast.other_office, name_th="กลุ่มอื่น")
    with pytest.raises(ValidationError, match="ของหน่วยงานอื่น"):
        a_measure(cast, units, units=[other_unit])
    with pytest.raises(PermissionDenied):
        services.create_measure(
            cast.other_officer, cast.round_2563, cast.samutsakhon, services.MeasureInput(title="x", units=[units[0]])
        )
    m = a_measure(cast, units, targets=["9", "o42", "9"])
    assert m.targets == ["9", "O42"] and m.order == 1 and m.status == MeasureStatus.NOT_STARTED
    assert a_measure(cast, units, title="ด้านที่สอง").order == 2


def test_unit_staff_report_only_for_their_unit(cast, units):
    theirs = a_measure(cast, units, units=[cast.unit], title="ด้านป้องกันการทุจริต")
    not_theirs = a_measure(cast, units, units=[units[1]])
    report = services.submit_progress(
        cast.staff,
        theirs,
        cast.unit,
        6,
        "ประกาศเจตจำนงสุจริตแล้ว",
        links=["https://www.skn.go.th/ita"],
        files=[SimpleUploadedFile("หลักฐาน.pdf", b"%PDF-1.4 test")],
    )
    assert report.files.get().name == "หลักฐาน.pdf"
    with pytest.raises(PermissionDenied):
        services.submit_progress(cast.staff, not_theirs, units[1], 6, "x")
    with pytest.raises(ValidationError):  # the unit is not responsible for that measure
        services.submit_progress(cast.staff, not_theirs, cast.unit, 6, "x")
    for user in (cast.director, cast.viewer, cast.other_officer, cast.assessor):
        with pytest.raises(PermissionDenied):
            services.submit_progress(user, theirs, cast.unit, 12, "x")
    with pytest.raises(ValidationError, match="ไม่ใช่ที่อยู่เว็บ"):
        services.submit_progress(cast.staff, theirs, cast.unit, 6, "x", links=["javascript:alert(1)"])
    with pytest.raises(ValidationError, match="ไม่รับไฟล์ชนิดนี้"):
        services.submit_progress(cast.staff, theirs, cast.unit, 6, "x", files=[SimpleUploadedFile("a.exe", b"MZ")])
    # the officer reports for any responsible unit
    services.submit_progress(cast.officer, not_theirs, units[1], 6, "เผยแพร่แล้ว")

    # pages: the staff member sees the report form of their measure only
    staff = client_for(cast.staff)
    code, rid = cast.samutsakhon.code, cast.round_2563.pk
    assert staff.get(reverse("measures_report", args=[code, rid, theirs.pk, 12])).status_code == 200
    assert staff.get(reverse("measures_report", args=[code, rid, not_theirs.pk, 12])).status_code == 403
    response = staff.post(
        reverse("measures_report", args=[code, rid, theirs.pk, 12]),
        {
            "unit": cast.unit.pk,
            "text": "ดำเนินการครบ",
            "links": "",
            "status": "done",
            "files": [SimpleUploadedFile("รายงาน.docx", b"PK\x03\x04")],
        },
    )
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.status == MeasureStatus.DONE
    assert ProgressFile.objects.filter(report__measure=theirs).count() == 2
    response = staff.post(
        reverse("measures_report", args=[code, rid, not_theirs.pk, 12]),
        {"unit": units[1].pk, "text": "x", "status": "done"},
    )
    assert response.status_code == 403


def test_status_moves_forward_and_overdue_warnings(cast, units):
    m = a_measure(cast, units, units=[cast.unit, units[1]])
    states = services.period_states(m, date(2020, 4, 1))
    assert states[0].due == date(2020, 3, 31) and states[0].overdue and not states[1].overdue
    assert [u.pk for u in states[0].missing] == [cast.unit.pk, units[1].pk]
    services.submit_progress(cast.officer, m, cast.unit, 6, "เริ่มแล้ว")
    m.refresh_from_db()
    assert m.status == MeasureStatus.IN_PROGRESS
    assert services.period_states(m, date(2020, 4, 1))[0].overdue  # one unit still missing
    services.submit_progress(cast.officer, m, units[1], 6, "เริ่มแล้ว")
    assert not services.period_states(m, date(2020, 4, 1))[0].overdue
    services.submit_progress(cast.officer, m, cast.unit, 12, "เสร็จ", status="done")
    m.refresh_from_db()
    assert m.status == MeasureStatus.IN_PROGRESS  # the other unit has not said done
    services.submit_progress(cast.officer, m, units[1], 12, "เสร็จ", status="done")
    m.refresh_from_db()
    assert m.status == MeasureStatus.DONE
    assert services.period_states(m, date(2020, 10, 1))[1].overdue is False
    # the list page warns about overdue reports
    late = a_measure(cast, units, title="ด้านที่ค้าง", units=[units[2]])
    page = client_for(cast.officer).get(reverse("measures_list", args=[cast.samutsakhon.code, cast.round_2563.pk]))
    assert page.status_code == 200 and "overdue-alert" in page.content.decode()
    assert late.title in page.content.decode()


def test_all_units_measure_is_reported_by_every_unit(cast, units):
    m = a_measure(cast, units, units=[], all_units=True)
    assert [u.pk for u in services.responsible_units(m)] == [u.pk for u in units]
    services.submit_progress(cast.staff, m, cast.unit, 6, "กลุ่มของเราทำแล้ว")
    with pytest.raises(PermissionDenied):
        services.submit_progress(cast.staff, m, units[1], 6, "แทนกลุ่มอื่น")


def test_measure_pages_create_edit_delete(cast, units):
    officer = client_for(cast.officer)
    code, rid = cast.samutsakhon.code, cast.round_2563.pk
    page = officer.get(reverse("measures_new", args=[code, rid]))
    assert page.status_code == 200
    assert "ตัวชี้วัดที่ 10 การป้องกันการทุจริต (83.04)" in page.content.decode()  # weak 2562 indicators offered
    form = {
        "title": "ด้านป้องกันการทุจริต",
        "purpose": "",
        "targets": ["10"],
        "other_targets": "O42",
        "units": [cast.unit.pk],
        "starts_on": "2019-10-01",
        "ends_on": "2020-09-30",
        "outcome": "",
        "actions-TOTAL_FORMS": "2",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "60",
        "actions-0-text": "ทบทวนมาตรการ",
        "actions-0-unit": "",
        "actions-1-text": "จัดทำแผน",
        "actions-1-unit": str(units[1].pk),
    }
    response = officer.post(reverse("measures_new", args=[code, rid]), form)
    assert response.status_code == 302
    from prongsai.web.measures.models import Measure

    m = Measure.objects.get()
    assert m.targets == ["10", "O42"] and [a.text for a in m.actions.all()] == ["ทบทวนมาตรการ", "จัดทำแผน"]
    assert services.responsible_units(m) == [cast.unit, units[1]]
    form["title"] = "ด้านการป้องกันการทุจริต"
    assert officer.post(reverse("measures_edit", args=[code, rid, m.pk]), form).status_code == 302
    m.refresh_from_db()
    assert m.title == "ด้านการป้องกันการทุจริต"
    detail = officer.get(reverse("measures_detail", args=[code, rid, m.pk])).content.decode()
    assert "ทบทวนมาตรการ" in detail and "O42" in detail
    assert officer.post(reverse("measures_status", args=[code, rid, m.pk]), {"status": "done"}).status_code == 302
    m.refresh_from_db()
    assert m.status == "done"
    assert officer.post(reverse("measures_delete", args=[code, rid, m.pk])).status_code == 302
    assert not Measure.objects.exists()
    assert (
        AuditEntry.objects.filter(
            action__in=["create_measure", "update_measure", "set_measure_status", "delete_measure"]
        ).count()
        == 4
    )


def test_committee_page_suggest_and_member_forms(cast, units):
    officer = client_for(cast.officer)
    code, rid = cast.samutsakhon.code, cast.round_2563.pk
    page = officer.get(reverse("measures_committee", args=[code, rid])).content.decode()
    assert "เสนอรายชื่อจากกลุ่ม/หน่วย</button>" in page  # the "suggest from units" button, in Thai
    assert officer.post(reverse("measures_committee_suggest", args=[code, rid])).status_code == 302
    page = officer.get(reverse("measures_committee", args=[code, rid])).content.decode()
    assert "ประธานกรรมการ" in page and "กรรมการและเลขานุการ" in page
    r = officer.post(
        reverse("measures_member_new", args=[code, rid]),
        {"position_th": "ผู้อำนวยการกลุ่มใหม่", "role": "member", "unit": "", "person": "", "order": ""},
    )
    assert r.status_code == 302
    r = officer.post(
        reverse("measures_committee", args=[code, rid]),
        {"order_number": "169/2563", "order_date": "2020-06-25", "duties": "หน้าที่หนึ่ง\nหน้าที่สอง"},
    )
    assert r.status_code == 302
    assert committees.committee_for(cast.round_2563, cast.samutsakhon).duties == ["หน้าที่หนึ่ง", "หน้าที่สอง"]


# ----------------------------------------------------------------------------------------- analysis


def test_analysis_of_the_seed_result(cast):
    from prongsai.web.measures import analysis

    a = analysis.build(cast.round_2562, cast.samutsakhon)
    assert [r.number for r in a.indicators] == [3, 1, 5, 4, 2, 6, 7, 8, 9, 10]  # truly sorted, highest first
    assert [r.number for r in a.weak] == [10]
    assert [r.number for r in a.lowest] == [10, 9, 8, 7]
    assert (a.rank, a.peers, str(a.total), a.level) == (1, 2, "91.25", "A")
    assert a.next_level == "AA" and a.plan.reached
    assert [g.number for g in a.indicator_gains][:2] == [10, 9]
    assert str(a.indicators[-1].gain) == "3.39"  # 20 % of the total × (100 − 83.04)
    assert a.lowest[0].breakdown.kind == "evidence" and not a.lowest[0].breakdown.has_item_data
    assert analysis.working_round(cast.round_2562) == cast.round_2563
    assert analysis.analysed_round(cast.round_2563) == cast.round_2562


def test_analysis_page_with_item_data_and_last_year(cast):
    from prongsai.web.results.models import AgencyResult, ResultSource

    # a 2563 result with OIT item scores: O42 failed, the other items of indicator 10 passed
    items = {f"O{n}": "100.00" for n in range(34, 44)}
    items["O42"] = "0.00"
    AgencyResult.objects.create(
        round=cast.round_2563,
        agency=cast.samutsakhon,
        source=ResultSource.COMPUTED,
        indicators={**{str(n): "95.00" for n in range(1, 10)}, "10": "90.00"},
        total=Decimal("94.00"),
        level="A",
        items=items,
    )
    from prongsai.web.measures import analysis

    a = analysis.build(cast.round_2563, cast.samutsakhon)
    ten = next(r for r in a.indicators if r.number == 10)
    assert ten.previous == Decimal("83.04") and ten.change == Decimal("6.96")
    assert a.total_change == Decimal("2.75")
    o42 = next(g for g in a.item_gains if g.code == "O42")
    assert str(o42.gain_rounded) == "2.00"  # 20 % of the total ÷ 10 items of indicator 10 × 100 points
    assert a.plan.steps[0].kind == "oit_item" and a.plan.steps[0].code == "O42"
    page = client_for(cast.officer).get(reverse("measures_analysis", args=[cast.samutsakhon.code, cast.round_2563.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    for marker in (
        'id="sorted"',
        'id="gains"',
        'id="item-gains"',
        'id="cheapest"',
        'id="indicator-10"',
        "O42",
        "83.04",
    ):
        assert marker in html, marker
    # the director reads it without the note forms; the staff member and another office cannot open it
    html = (
        client_for(cast.director)
        .get(reverse("measures_analysis", args=[cast.samutsakhon.code, cast.round_2563.pk]))
        .content.decode()
    )
    assert 'id="sorted"' in html and "note-10" not in html
    for user in (cast.staff, cast.other_officer):
        assert (
            client_for(user)
            .get(reverse("measures_analysis", args=[cast.samutsakhon.code, cast.round_2562.pk]))
            .status_code
            == 403
        )
