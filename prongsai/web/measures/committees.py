"""The committee of an agency's round: its order (number, date, duties) and members, suggested from the agency's
people or entered one by one.  Every write validates, checks the actor's rights (``measures.permissions``), runs in
one transaction and records an audit entry, like the rest of the app's writes in ``services``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from prongsai.web.agencies.models import Agency, Membership, Person, Role, Unit
from prongsai.web.audit.actions import AuditAction
from prongsai.web.audit.services import record
from prongsai.web.measures import permissions
from prongsai.web.measures.models import DEFAULT_DUTIES, Committee, CommitteeMember, CommitteeRole
from prongsai.web.messages import localized
from prongsai.web.rounds.models import AssessmentRound


def committee_for(round_: AssessmentRound, agency: Agency) -> Committee | None:
    return Committee.objects.filter(round=round_, agency=agency).first()


def _committee(actor, round_: AssessmentRound, agency: Agency) -> Committee:
    committee, created = Committee.objects.get_or_create(
        round=round_, agency=agency, defaults={"duties": list(DEFAULT_DUTIES), "updated_by": actor}
    )
    if created:
        record(
            actor,
            AuditAction.CREATE_COMMITTEE,
            f"{agency}: committee for {round_.fiscal_year}",
            agency=agency,
            obj=committee,
        )
    return committee


def update_committee(
    actor,
    round_: AssessmentRound,
    agency: Agency,
    *,
    order_number: str = "",
    order_date: date | None = None,
    duties: Sequence[str] = (),
) -> Committee:
    permissions.require_manage(actor, agency)
    duties = [d.strip() for d in duties if d and d.strip()]
    if len(order_number) > 64:
        raise ValidationError(_("The order number is too long."))
    with transaction.atomic():
        committee = _committee(actor, round_, agency)
        before = {
            "order_number": committee.order_number,
            "order_date": str(committee.order_date or ""),
            "duties": committee.duties,
        }
        committee.order_number = order_number.strip()
        committee.order_date = order_date
        committee.duties = duties
        committee.updated_by = actor
        committee.save()
        after = {"order_number": committee.order_number, "order_date": str(order_date or ""), "duties": duties}
        record(
            actor,
            AuditAction.UPDATE_COMMITTEE,
            f"{agency}: committee order {committee.order_number or '-'}",
            agency=agency,
            obj=committee,
            changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
        )
    return committee


def _check_member(agency: Agency, person: Person | None, position_th: str, unit: Unit | None, role: str) -> None:
    if role not in CommitteeRole.values:
        raise ValidationError(_("Unknown committee role '%(role)s'.") % {"role": role})
    if person is None and not position_th.strip():
        raise ValidationError(_("Choose a person or write a position."))
    if unit is not None and unit.agency_id != agency.pk:
        raise ValidationError(_("The unit belongs to another agency."))
    if (
        person is not None
        and not Membership.objects.filter(user_id=person.user_id, agency__path__startswith=agency.path).exists()
        and not Membership.objects.filter(user_id=person.user_id, agency__in=_ancestors(agency)).exists()
    ):
        raise ValidationError(_("The person does not work in this agency."))


def _ancestors(agency: Agency) -> list[int]:
    return [int(p) for p in agency.path.strip("/").split("/") if p]


def add_member(
    actor,
    round_: AssessmentRound,
    agency: Agency,
    *,
    person: Person | None = None,
    position_th: str = "",
    unit: Unit | None = None,
    role: str = CommitteeRole.MEMBER,
    order: int | None = None,
) -> CommitteeMember:
    permissions.require_manage(actor, agency)
    _check_member(agency, person, position_th, unit, role)
    with transaction.atomic():
        committee = _committee(actor, round_, agency)
        if order is None:
            order = (committee.members.aggregate(m=Max("order"))["m"] or 0) + 1
        member = CommitteeMember.objects.create(
            committee=committee, person=person, position_th=position_th.strip(), unit=unit, role=role, order=order
        )
        record(
            actor,
            AuditAction.ADD_COMMITTEE_MEMBER,
            f"{agency}: {member}",
            agency=agency,
            obj=member,
            changes={"role": role, "position": member.display_th, "order": order},
        )
    return member


def update_member(
    actor, member: CommitteeMember, *, person: Person | None, position_th: str, unit: Unit | None, role: str, order: int
) -> CommitteeMember:
    agency = member.committee.agency
    permissions.require_manage(actor, agency)
    _check_member(agency, person, position_th, unit, role)
    with transaction.atomic():
        before = {"display": member.display_th, "role": member.role, "order": member.order}
        member.person, member.position_th, member.unit, member.role, member.order = (
            person,
            position_th.strip(),
            unit,
            role,
            order,
        )
        member.save()
        record(
            actor,
            AuditAction.UPDATE_COMMITTEE_MEMBER,
            f"{agency}: {member}",
            agency=agency,
            obj=member,
            changes={"before": before, "after": {"display": member.display_th, "role": role, "order": order}},
        )
    return member


def remove_member(actor, member: CommitteeMember) -> None:
    agency = member.committee.agency
    permissions.require_manage(actor, agency)
    with transaction.atomic():
        record(
            actor,
            AuditAction.REMOVE_COMMITTEE_MEMBER,
            f"{agency}: {member}",
            agency=agency,
            obj=member,
            changes={"display": member.display_th, "role": member.role},
        )
        member.delete()


def move_member(actor, member: CommitteeMember, delta: int) -> None:
    """Move a member one place up (−1) or down (+1), renumbering the list 1…n."""
    agency = member.committee.agency
    permissions.require_manage(actor, agency)
    with transaction.atomic():
        members = list(member.committee.members.select_for_update().order_by("order", "pk"))
        index = next(i for i, m in enumerate(members) if m.pk == member.pk)
        target = index + (1 if delta > 0 else -1)
        if 0 <= target < len(members):
            members[index], members[target] = members[target], members[index]
        for i, m in enumerate(members, start=1):
            if m.order != i:
                CommitteeMember.objects.filter(pk=m.pk).update(order=i)
        record(
            actor, AuditAction.MOVE_COMMITTEE_MEMBER, f"{agency}: {member} → {target + 1}", agency=agency, obj=member
        )


def ita_officer(agency: Agency) -> Membership | None:
    """The agency's own ITA officer (first agency-admin membership of the agency itself)."""
    return (
        Membership.objects.filter(agency=agency, role=Role.AGENCY_ADMIN)
        .select_related("user__person", "unit")
        .order_by("pk")
        .first()
    )


#: Thai wording of the suggested committee (positions printed in the order) and of what officers type
DIRECTOR_OF_TH = "ผู้อำนวยการ%s"  # thai-data: document wording, "the director of <agency or unit>"
DEPUTY_DIRECTOR_OF_TH = "รองผู้อำนวยการ%s"  # thai-data: document wording, "the deputy director of <agency>"
#: the same positions described in English, for the English pages only (the committee keeps the Thai)
DIRECTOR_OF_EN = "Director of %s"
DEPUTY_DIRECTOR_OF_EN = "Deputy director of %s"
ITA_UNIT_NAME_TH = "ส่งเสริมการจัดการศึกษา"  # thai-data: part of the name of the unit usually in charge of ITA


def ita_unit(agency: Agency) -> Unit | None:
    """The unit in charge of ITA: the ITA officer's unit, else a unit whose name says so, else none."""
    officer = ita_officer(agency)
    if officer is not None and officer.unit_id:
        return officer.unit
    return (
        agency.units.filter(name_th__contains=ITA_UNIT_NAME_TH).first()
        or agency.units.filter(name_th__icontains="ITA").first()
    )


@dataclass
class SuggestedMember:
    position_th: str
    role: str
    unit: Unit | None = None
    person: Person | None = None
    position_en: str = ""  # how an English page describes the Thai position (empty: a person's own, shown as is)

    @property
    def position(self) -> str:
        return localized(self.position_th, self.position_en)


def suggested_members(agency: Agency) -> list[SuggestedMember]:
    """The seed's structure from the agency's units and people (คำสั่ง ที่ ๑๖๙/๒๕๖๓):
    the director chairs, the deputy is vice-chair, each unit head is a member, the head of the unit in charge of
    ITA is member and secretary, the ITA officer is member and assistant secretary."""
    name = agency.name_th
    suggestion = [
        SuggestedMember(DIRECTOR_OF_TH % name, CommitteeRole.CHAIR, position_en=DIRECTOR_OF_EN % name),
        SuggestedMember(
            DEPUTY_DIRECTOR_OF_TH % name, CommitteeRole.VICE_CHAIR, position_en=DEPUTY_DIRECTOR_OF_EN % name
        ),
    ]
    secretary_unit = ita_unit(agency)
    for unit in agency.units.order_by("order", "name_th"):
        if secretary_unit is not None and unit.pk == secretary_unit.pk:
            continue
        suggestion.append(
            SuggestedMember(
                DIRECTOR_OF_TH % unit.name_th,
                CommitteeRole.MEMBER,
                unit=unit,
                position_en=DIRECTOR_OF_EN % unit.name_th,
            )
        )
    if secretary_unit is not None:
        suggestion.append(
            SuggestedMember(
                DIRECTOR_OF_TH % secretary_unit.name_th,
                CommitteeRole.SECRETARY,
                unit=secretary_unit,
                position_en=DIRECTOR_OF_EN % secretary_unit.name_th,
            )
        )
    officer = ita_officer(agency)
    person = getattr(officer.user, "person", None) if officer is not None else None
    if officer is not None and person is not None:
        suggestion.append(
            SuggestedMember(
                officer.position_th or person.position_th,
                CommitteeRole.ASSISTANT_SECRETARY,
                unit=officer.unit,
                person=person,
            )
        )
    return suggestion


def suggest_committee(actor, round_: AssessmentRound, agency: Agency) -> Committee:
    """Replace the committee's members by ``suggested_members`` (the order number, date and duties are kept)."""
    permissions.require_manage(actor, agency)
    suggestion = suggested_members(agency)
    with transaction.atomic():
        committee = _committee(actor, round_, agency)
        removed = committee.members.count()
        committee.members.all().delete()
        CommitteeMember.objects.bulk_create(
            [
                CommitteeMember(
                    committee=committee, person=s.person, position_th=s.position_th, unit=s.unit, role=s.role, order=i
                )
                for i, s in enumerate(suggestion, start=1)
            ]
        )
        record(
            actor,
            AuditAction.SUGGEST_COMMITTEE,
            f"{agency}: committee of {len(suggestion)} suggested from units",
            agency=agency,
            obj=committee,
            changes={"removed": removed, "members": [[s.position_th, s.role] for s in suggestion]},
        )
    return committee


def set_committee_members(
    actor, round_: AssessmentRound, agency: Agency, members: Sequence[SuggestedMember]
) -> Committee:
    """Replace the members by an explicit list (the demo loader, imports)."""
    permissions.require_manage(actor, agency)
    for m in members:
        _check_member(agency, m.person, m.position_th, m.unit, m.role)
    with transaction.atomic():
        committee = _committee(actor, round_, agency)
        committee.members.all().delete()
        CommitteeMember.objects.bulk_create(
            [
                CommitteeMember(
                    committee=committee, person=m.person, position_th=m.position_th, unit=m.unit, role=m.role, order=i
                )
                for i, m in enumerate(members, start=1)
            ]
        )
        record(
            actor,
            AuditAction.SET_COMMITTEE_MEMBERS,
            f"{agency}: committee of {len(members)}",
            agency=agency,
            obj=committee,
            changes={"members": [[m.position_th, m.role] for m in members]},
        )
    return committee
