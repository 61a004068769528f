"""Assessor review: assignments, judgements by the edition's scoring method, the clarification round, confirmation,
immutability of confirmed decisions (corrections need a reason), the audit trail, scores into the computed result
through the core engine, and the national pass rates per item."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from prongsai.web.agencies.models import Agency, AgencyKind, Membership, Role
from prongsai.web.audit.models import AuditEntry
from prongsai.web.oit import queries, services
from prongsai.web.oit.models import ClarificationWindow, EntryStatus, ImmutableReview, OITEntry, OITReview, ReviewStage
from prongsai.web.results.models import AgencyResult, ResultSource
from prongsai.web.rounds.models import AssessmentRound, RoundStatus

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent.parent / "fixtures"


def submitted(cast, code, agency=None, round_=None, url=None):
    """An item with one link, submitted by the agency's officer (the services, not the ORM)."""
    agency = agency or cast.samutsakhon
    round_ = round_ or cast.round_2563
    officer = (
        cast.officer
        if agency == cast.samutsakhon
        else cast.other_officer
        if agency == cast.other_office
        else cast.central
    )
    services.add_link(officer, round_, agency, code, url or f"https://www.example.go.th/{agency.code}/{code}")
    services.set_ready(officer, round_, agency, code)
    services.submit_items(officer, round_, agency, [code])
    return OITEntry.objects.get(round=round_, agency=agency, code=code)


@pytest.fixture
def assigned(cast):
    services.assign_assessor(cast.central, cast.round_2563, cast.samutsakhon, cast.assessor)
    return cast


def test_only_the_central_admin_assigns_and_only_assessors_can_be_assigned(cast):
    with pytest.raises(PermissionDenied):
        services.assign_assessor(cast.officer, cast.round_2563, cast.samutsakhon, cast.assessor)
    with pytest.raises(ValidationError, match="ไม่ได้มีบทบาทผู้ตรวจประเมิน"):
        services.assign_assessor(cast.central, cast.round_2563, cast.samutsakhon, cast.viewer)
    with pytest.raises(ValidationError):  # a school is not assessed by the ESA edition
        services.assign_assessor(cast.central, cast.round_2563, cast.school, cast.assessor)
    assignment = services.assign_assessor(cast.central, cast.round_2563, cast.samutsakhon, cast.assessor)
    assert services.assign_assessor(cast.central, cast.round_2563, cast.samutsakhon, cast.assessor) == assignment
    assert AuditEntry.objects.filter(action="assign_assessor").count() == 1
    services.unassign_assessor(cast.central, assignment, "สลับผู้ตรวจ")
    assert AuditEntry.objects.get(action="unassign_assessor").changes["reason"] == "สลับผู้ตรวจ"


def test_only_an_assigned_assessor_reviews(assigned):
    cast = assigned
    entry = submitted(cast, "O1")
    other = submitted(cast, "O1", agency=cast.other_office)
    for user in (cast.central, cast.officer, cast.director, cast.staff, cast.viewer, cast.other_officer):
        with pytest.raises(PermissionDenied):
            services.record_oit_review(user, entry, elements=["a", "b"])
    with pytest.raises(PermissionDenied):  # assigned to สพป.สมุทรสาคร only
        services.record_oit_review(cast.assessor, other, elements=["a", "b"])
    review = services.record_oit_review(cast.assessor, entry, elements=["a", "b"])
    assert review.stage == ReviewStage.ROUND1 and review.score == Decimal("100.00")


def test_draft_items_cannot_be_reviewed(assigned):
    cast = assigned
    services.add_link(cast.officer, cast.round_2563, cast.samutsakhon, "O2", "https://x.go.th/o2")
    entry = OITEntry.objects.get(code="O2")
    with pytest.raises(ValidationError, match="ยังไม่ได้ส่งให้ตรวจ"):
        services.record_oit_review(cast.assessor, entry, passed=True)


def test_pass_fail_with_checklist_and_a_new_judgement_supersedes(assigned):
    cast = assigned
    entry = submitted(cast, "O2")  # O2: pass/fail with 5 required elements
    with pytest.raises(ValidationError, match="ต้องมีความเห็น"):
        services.record_oit_review(cast.assessor, entry, elements=["a", "b", "c", "d"])
    first = services.record_oit_review(cast.assessor, entry, elements=["a", "b", "c", "d"], comment="ไม่มีอีเมล")
    assert first.score == 0
    with pytest.raises(ValidationError, match="ผลการตรวจไม่ถูกต้อง"):
        services.record_oit_review(cast.assessor, entry, elements=["z"])
    second = services.record_oit_review(cast.assessor, entry, elements=["a", "b", "c", "d", "e"])
    entry.refresh_from_db()
    assert entry.current_review == second and second.supersedes == first and entry.score == 100
    assert OITReview.objects.filter(entry=entry).count() == 2  # the first judgement stays on record


def test_partial_credit_and_percent_methods(cast, monkeypatch):
    """The mini edition (tests/fixtures/mini.yaml): O1 pass/fail, O2 elements a, b, c (weight 2), O3 percent."""
    monkeypatch.setenv("PRONGSAI_FRAMEWORKS", str(FIXTURES))
    round_ = AssessmentRound.objects.create(
        framework_id="mini", fiscal_year=2599, name_th="mini", status=RoundStatus.OPEN
    )
    agency = Agency.objects.create(
        code="GEN-1", name_th="หน่วยงานทั่วไป", kind=AgencyKind.GENERAL, parent=cast.central_office
    )
    services.assign_assessor(cast.central, round_, agency, cast.assessor)
    entries = {code: submitted(cast, code, agency=agency, round_=round_) for code in ("O1", "O2", "O3")}
    services.record_oit_review(cast.assessor, entries["O1"], passed=True)
    services.record_oit_review(cast.assessor, entries["O2"], elements=["a", "c"], comment="ไม่มีโทรศัพท์")
    with pytest.raises(ValidationError, match="ทศนิยม"):
        services.record_oit_review(cast.assessor, entries["O3"], score="87.555", comment="x")
    with pytest.raises(ValidationError):
        services.record_oit_review(cast.assessor, entries["O3"], score="120", comment="x")
    services.record_oit_review(cast.assessor, entries["O3"], score="๘๗.๕", comment="ขาดบางส่วน")  # Thai digits
    scores = {code: OITEntry.objects.get(pk=e.pk).score for code, e in entries.items()}
    assert scores == {"O1": Decimal("100.00"), "O2": Decimal("75.00"), "O3": Decimal("87.50")}
    # the review form has the fields of each method
    from prongsai.web.oit.forms import ReviewForm

    framework = round_.framework
    assert set(ReviewForm(item=framework.oit_item("O1")).fields) == {"passed", "comment", "reason"}
    assert set(ReviewForm(item=framework.oit_item("O2")).fields) == {"elements", "comment", "reason"}
    assert set(ReviewForm(item=framework.oit_item("O3")).fields) == {"score", "comment", "reason"}
    for code in ("O1", "O2", "O3"):
        services.confirm_review(cast.assessor, entries[code])
    result = AgencyResult.objects.get(round=round_, agency=agency, source=ResultSource.COMPUTED)
    assert result.indicators == {"4": "87.50"}  # (100 + 75 + 87.5) / 3, by the core engine


def test_clarification_round_and_deadline(assigned):
    cast = assigned
    full, failed, partial = submitted(cast, "O1"), submitted(cast, "O3"), submitted(cast, "O5")
    services.record_oit_review(cast.assessor, full, elements=["a", "b"])
    services.record_oit_review(cast.assessor, failed, passed=False, comment="ไม่อ้างอิงกฎหมาย")
    services.record_oit_review(cast.assessor, partial, elements=["a"], comment="ขาดโทรศัพท์")
    with pytest.raises(ValidationError, match="ไม่ก่อนวันนี้"):
        services.open_clarification(
            cast.assessor, cast.round_2563, cast.samutsakhon, timezone.localdate() - timedelta(days=1)
        )
    with pytest.raises(PermissionDenied):
        services.open_clarification(cast.officer, cast.round_2563, cast.samutsakhon, timezone.localdate())
    codes = services.open_clarification(
        cast.assessor, cast.round_2563, cast.samutsakhon, timezone.localdate() + timedelta(days=3), "ภายใน 3 วัน"
    )
    assert sorted(codes) == ["O3", "O5"]
    assert OITEntry.objects.get(pk=full.pk).status == EntryStatus.REVIEWED
    # the agency may amend the evidence of a returned item, not of the others
    services.add_link(cast.officer, cast.round_2563, cast.samutsakhon, "O3", "https://www.example.go.th/law")
    with pytest.raises(ValidationError):
        services.add_link(cast.officer, cast.round_2563, cast.samutsakhon, "O1", "https://www.example.go.th/x")
    with pytest.raises(ValidationError, match="เขียนคำชี้แจง"):
        services.submit_clarification(cast.officer, failed, "  ")
    with pytest.raises(PermissionDenied):
        services.submit_clarification(cast.staff, failed, "x")
    services.submit_clarification(cast.officer, failed, "เพิ่มลิงก์กฎหมายแล้ว")
    failed.refresh_from_db()
    assert failed.status == EntryStatus.CLARIFIED
    assert "https://www.example.go.th/law" in [link["url"] for link in failed.published["links"]]
    # the deadline passes: O5 was never answered; the agency can no longer answer, the assessor can decide
    ClarificationWindow.objects.update(deadline=timezone.localdate() - timedelta(days=1))
    with pytest.raises(ValidationError, match="พ้นกำหนด"):
        services.submit_clarification(cast.officer, partial, "สายไป")
    services.confirm_review(cast.assessor, partial)  # round-1 judgement stands
    assert OITEntry.objects.get(pk=partial.pk).status == EntryStatus.CONFIRMED
    with pytest.raises(ValidationError, match="รอบที่ 2"):
        services.confirm_review(cast.assessor, failed)
    services.record_oit_review(cast.assessor, failed, passed=True, comment="ชี้แจงครบถ้วน")
    services.confirm_review(cast.assessor, failed)
    assert OITReview.objects.filter(entry=failed, stage=ReviewStage.ROUND2).count() == 1


def test_confirmed_reviews_are_immutable_and_corrections_need_a_reason(assigned):
    cast = assigned
    entry = submitted(cast, "O3")
    review = services.record_oit_review(cast.assessor, entry, passed=True)
    with pytest.raises(ImmutableReview):  # an unconfirmed review cannot be edited in place either
        review.comment = "แก้เงียบ ๆ"
        review.save()
    review.refresh_from_db()
    services.confirm_review(cast.assessor, entry)
    review.refresh_from_db()
    assert review.confirmed_at and review.confirmed_by == cast.assessor
    with pytest.raises(ValidationError, match="ยืนยันผลแล้ว"):
        services.confirm_review(cast.assessor, entry)
    review.score_exact, review.score = "0", Decimal(0)
    with pytest.raises(ImmutableReview):
        review.save()
    with pytest.raises(ImmutableReview):
        review.delete()
    assert OITReview.objects.get(pk=review.pk).score == 100
    result = AgencyResult.objects.get(round=cast.round_2563, agency=cast.samutsakhon, source=ResultSource.COMPUTED)
    assert result.indicators["9"] == "100.00"

    with pytest.raises(ValidationError, match="ต้องระบุเหตุผล"):
        services.record_oit_review(cast.assessor, entry, passed=False, comment="ไม่ใช่ข้อมูลของหน่วยงาน")
    correction = services.record_oit_review(
        cast.assessor, entry, passed=False, comment="ไม่ใช่ข้อมูลของหน่วยงาน", reason="ตรวจพบภายหลังว่าลิงก์เป็นของหน่วยงานอื่น"
    )
    assert correction.stage == ReviewStage.CORRECTION and correction.confirmed_at is not None
    assert correction.supersedes == review
    entry.refresh_from_db()
    assert entry.status == EntryStatus.CONFIRMED and entry.score == 0 and entry.current_review == correction
    result.refresh_from_db()
    assert result.indicators["9"] == "0.00" and result.items["O3"] == "0.00"
    audit = AuditEntry.objects.filter(action="record_oit_review").order_by("-id").first()
    assert audit.actor == cast.assessor and audit.changes["reason"].startswith("ตรวจพบภายหลัง")
    assert audit.changes["score"] == ["100.00", "0.00"]
    sync = AuditEntry.objects.filter(action="sync_oit_result").order_by("-id").first()
    assert sync.changes["before"]["indicators"]["9"] == "100.00" and sync.changes["after"]["indicators"]["9"] == "0.00"


def test_computed_result_only_touches_oit_keys(assigned):
    cast = assigned
    AgencyResult.objects.create(
        round=cast.round_2563,
        agency=cast.samutsakhon,
        source=ResultSource.COMPUTED,
        indicators={str(n): "90.00" for n in range(1, 9)} | {"9": "55.00"},
        items={"I1": "88.00", "O40": "100.00"},
        respondents={"IIT": 30},
    )
    for code in ("O1", "O2", "O34"):
        entry = submitted(cast, code)
    services.record_oit_review(cast.assessor, OITEntry.objects.get(code="O1"), elements=["a", "b"])
    services.record_oit_review(cast.assessor, OITEntry.objects.get(code="O2"), elements=["a"], comment="ไม่ครบ")
    services.record_oit_review(cast.assessor, entry, passed=True)
    for code in ("O1", "O2"):
        services.confirm_review(cast.assessor, OITEntry.objects.get(code=code))
    result = AgencyResult.objects.get(round=cast.round_2563, agency=cast.samutsakhon, source=ResultSource.COMPUTED)
    assert result.indicators["9"] == "50.00"  # mean of the confirmed items O1 (100) and O2 (0)
    assert "10" not in result.indicators  # O34 is judged but not confirmed
    assert result.items == {"I1": "88.00", "O1": "100.00", "O2": "0.00"}  # stale O40 gone, I1 kept
    assert result.respondents == {"IIT": 30}
    assert result.total is None and result.oit is None  # indicator 10 missing
    services.confirm_review(cast.assessor, entry)
    result.refresh_from_db()
    assert result.oit == Decimal("75.00")  # (50 + 100) / 2
    assert result.total == Decimal("84.00") and result.level == "B"  # 0.3·90 + 0.3·90 + 0.4·75
    # the official result, when imported, stays apart (one row per source)
    assert not AgencyResult.objects.filter(round=cast.round_2563, source=ResultSource.OFFICIAL).exists()


def test_national_pass_rates(assigned):
    cast = assigned
    services.assign_assessor(cast.central, cast.round_2563, cast.other_office, cast.assessor)
    for agency, passed in ((cast.samutsakhon, True), (cast.other_office, False)):
        entry = submitted(cast, "O3", agency=agency)
        services.record_oit_review(cast.assessor, entry, passed=passed, comment="" if passed else "ไม่มี")
        services.confirm_review(cast.assessor, entry)
        entry = submitted(cast, "O4", agency=agency)
        services.record_oit_review(cast.assessor, entry, elements=["a", "b", "c", "d"])
        services.confirm_review(cast.assessor, entry)
    rows = queries.national_pass_rates(cast.round_2563)
    assert [r["code"] for r in rows[:2]] == ["O3", "O4"]  # the item that defeats offices comes first
    o3 = rows[0]
    assert (o3["confirmed"], o3["passed"], o3["failed"], o3["pass_rate"], o3["mean"]) == (
        2,
        1,
        1,
        Decimal("50.00"),
        Decimal("50.00"),
    )
    assert rows[1]["pass_rate"] == Decimal("100.00")
    assert rows[2]["pass_rate"] is None
    from django.test import Client

    client = Client()
    client.force_login(cast.central)
    page = client.get(reverse("oit_national", args=[cast.round_2563.pk])).content.decode()
    assert 'data-code="O3"' in page and "5 ข้อที่ผ่านน้อยที่สุด" in page


def test_assessor_sees_only_assigned_agencies(client, assigned):
    cast = assigned
    client.force_login(cast.assessor)
    assert client.get(reverse("oit_agency", args=[cast.round_2563.pk, cast.samutsakhon.code])).status_code == 200
    assert client.get(reverse("oit_agency", args=[cast.round_2563.pk, cast.other_office.code])).status_code == 403
    home = client.get(reverse("oit_home")).content.decode()
    assert cast.samutsakhon.display_name in home and cast.other_office.display_name not in home
    # the assignment counts only while the person still holds the assessor role
    Membership.objects.filter(user=cast.assessor, role=Role.ASSESSOR).delete()
    client.force_login(cast.assessor)
    assert client.get(reverse("oit_agency", args=[cast.round_2563.pk, cast.samutsakhon.code])).status_code == 403
