"""Every write of the measures app: analysis notes, the committee, measures and progress reports.

Each function validates its input, checks the actor's rights (``measures.permissions``), writes in one
transaction and records an audit entry (``audit.services.record``).  Views and the demo loader call these; nothing
else writes these models.  Errors are ``ValidationError`` (bad input, message for the user) and
``PermissionDenied``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from prongsai.core.framework import Framework, FrameworkError
from prongsai.web.agencies.models import Agency, Membership, Person, Role, Unit
from prongsai.web.audit.actions import AuditAction
from prongsai.web.audit.services import record
from prongsai.web.measures import permissions
from prongsai.web.measures.models import (
    DEFAULT_DUTIES,
    AnalysisNote,
    Committee,
    CommitteeMember,
    CommitteeRole,
    Measure,
    MeasureAction,
    MeasureStatus,
    ProgressFile,
    ProgressReport,
    ReportPeriod,
)
from prongsai.web.messages import localized
from prongsai.web.rounds.models import AssessmentRound

MAX_NOTE = 10_000
MAX_FILE = 10 * 1024 * 1024
MAX_FILES = 10
ALLOWED_FILE_SUFFIXES = (".pdf", ".docx", ".doc", ".xlsx", ".xls", ".pptx", ".jpg", ".jpeg", ".png", ".txt", ".csv",
                         ".odt", ".ods", ".zip")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def _require_manage(actor, agency: Agency) -> None:
    if not permissions.can_manage(actor, agency):
        raise PermissionDenied


def _framework(round_: AssessmentRound) -> Framework | None:
    try:
        return round_.framework
    except FrameworkError:
        return None


# ------------------------------------------------------------------------------------------- analysis notes


def save_analysis_note(actor, round_: AssessmentRound, agency: Agency, indicator: int, text: str) -> AnalysisNote:
    """Write (or clear, with empty text) the narrative of one indicator of the result analysed in ``round_``."""
    _require_manage(actor, agency)
    framework = _framework(round_)
    if framework is None or indicator not in {i.number for i in framework.indicators}:
        raise ValidationError(_("Indicator %(indicator)s is not part of %(edition)s.") % {
            "indicator": indicator, "edition": round_.framework_id})
    text = (text or "").strip().replace("\r\n", "\n")
    if len(text) > MAX_NOTE:
        raise ValidationError(_("The analysis is longer than %(max)d characters.") % {"max": MAX_NOTE})
    with transaction.atomic():
        note, created = AnalysisNote.objects.select_for_update().get_or_create(
            round=round_, agency=agency, indicator=indicator, defaults={"text": text, "updated_by": actor})
        before = "" if created else note.text
        if not created:
            note.text = text
            note.updated_by = actor
            note.save()
        record(actor, AuditAction.SAVE_ANALYSIS_NOTE,
               f"{agency}: analysis of indicator {indicator} ({round_.fiscal_year})",
               agency=agency, obj=note, changes={"indicator": indicator, "text": [before, text]})
    return note


# ------------------------------------------------------------------------------------------------ committee


def committee_for(round_: AssessmentRound, agency: Agency) -> Committee | None:
    return Committee.objects.filter(round=round_, agency=agency).first()


def _committee(actor, round_: AssessmentRound, agency: Agency) -> Committee:
    committee, created = Committee.objects.get_or_create(
        round=round_, agency=agency, defaults={"duties": list(DEFAULT_DUTIES), "updated_by": actor})
    if created:
        record(actor, AuditAction.CREATE_COMMITTEE, f"{agency}: committee for {round_.fiscal_year}", agency=agency,
               obj=committee)
    return committee


def update_committee(actor, round_: AssessmentRound, agency: Agency, *, order_number: str = "",
                     order_date: date | None = None, duties: Sequence[str] = ()) -> Committee:
    _require_manage(actor, agency)
    duties = [d.strip() for d in duties if d and d.strip()]
    if len(order_number) > 64:
        raise ValidationError(_("The order number is too long."))
    with transaction.atomic():
        committee = _committee(actor, round_, agency)
        before = {"order_number": committee.order_number, "order_date": str(committee.order_date or ""),
                  "duties": committee.duties}
        committee.order_number = order_number.strip()
        committee.order_date = order_date
        committee.duties = duties
        committee.updated_by = actor
        committee.save()
        after = {"order_number": committee.order_number, "order_date": str(order_date or ""), "duties": duties}
        record(actor, AuditAction.UPDATE_COMMITTEE, f"{agency}: committee order {committee.order_number or '-'}",
               agency=agency, obj=committee, changes={k: [before[k], after[k]] for k in after if before[k] != after[k]})
    return committee


def _check_member(agency: Agency, person: Person | None, position_th: str, unit: Unit | None, role: str) -> None:
    if role not in CommitteeRole.values:
        raise ValidationError(_("Unknown committee role '%(role)s'.") % {"role": role})
    if person is None and not position_th.strip():
        raise ValidationError(_("Choose a person or write a position."))
    if unit is not None and unit.agency_id != agency.pk:
        raise ValidationError(_("The unit belongs to another agency."))
    if person is not None and not Membership.objects.filter(user_id=person.user_id,
                                                            agency__path__startswith=agency.path).exists() \
            and not Membership.objects.filter(user_id=person.user_id, agency__in=_ancestors(agency)).exists():
        raise ValidationError(_("The person does not work in this agency."))


def _ancestors(agency: Agency) -> list[int]:
    return [int(p) for p in agency.path.strip("/").split("/") if p]


def add_member(actor, round_: AssessmentRound, agency: Agency, *, person: Person | None = None,
               position_th: str = "", unit: Unit | None = None, role: str = CommitteeRole.MEMBER,
               order: int | None = None) -> CommitteeMember:
    _require_manage(actor, agency)
    _check_member(agency, person, position_th, unit, role)
    with transaction.atomic():
        committee = _committee(actor, round_, agency)
        if order is None:
            order = (committee.members.aggregate(m=Max("order"))["m"] or 0) + 1
        member = CommitteeMember.objects.create(committee=committee, person=person, position_th=position_th.strip(),
                                                unit=unit, role=role, order=order)
        record(actor, AuditAction.ADD_COMMITTEE_MEMBER, f"{agency}: {member}", agency=agency, obj=member,
               changes={"role": role, "position": member.display_th, "order": order})
    return member


def update_member(actor, member: CommitteeMember, *, person: Person | None, position_th: str, unit: Unit | None,
                  role: str, order: int) -> CommitteeMember:
    agency = member.committee.agency
    _require_manage(actor, agency)
    _check_member(agency, person, position_th, unit, role)
    with transaction.atomic():
        before = {"display": member.display_th, "role": member.role, "order": member.order}
        member.person, member.position_th, member.unit, member.role, member.order = (
            person, position_th.strip(), unit, role, order)
        member.save()
        record(actor, AuditAction.UPDATE_COMMITTEE_MEMBER, f"{agency}: {member}", agency=agency, obj=member,
               changes={"before": before, "after": {"display": member.display_th, "role": role, "order": order}})
    return member


def remove_member(actor, member: CommitteeMember) -> None:
    agency = member.committee.agency
    _require_manage(actor, agency)
    with transaction.atomic():
        record(actor, AuditAction.REMOVE_COMMITTEE_MEMBER, f"{agency}: {member}", agency=agency, obj=member,
               changes={"display": member.display_th, "role": member.role})
        member.delete()


def move_member(actor, member: CommitteeMember, delta: int) -> None:
    """Move a member one place up (−1) or down (+1), renumbering the list 1…n."""
    agency = member.committee.agency
    _require_manage(actor, agency)
    with transaction.atomic():
        members = list(member.committee.members.select_for_update().order_by("order", "pk"))
        index = next(i for i, m in enumerate(members) if m.pk == member.pk)
        target = index + (1 if delta > 0 else -1)
        if 0 <= target < len(members):
            members[index], members[target] = members[target], members[index]
        for i, m in enumerate(members, start=1):
            if m.order != i:
                CommitteeMember.objects.filter(pk=m.pk).update(order=i)
        record(actor, AuditAction.MOVE_COMMITTEE_MEMBER,
               f"{agency}: {member} → {target + 1}", agency=agency, obj=member)


def ita_officer(agency: Agency) -> Membership | None:
    """The agency's own ITA officer (first agency-admin membership of the agency itself)."""
    return (Membership.objects.filter(agency=agency, role=Role.AGENCY_ADMIN).select_related("user__person", "unit")
            .order_by("pk").first())


#: Thai wording of the suggested committee (positions printed in the order) and of what officers type
DIRECTOR_OF_TH = "ผู้อำนวยการ%s"  # thai-data: document wording, "the director of <agency or unit>"
DEPUTY_DIRECTOR_OF_TH = "รองผู้อำนวยการ%s"  # thai-data: document wording, "the deputy director of <agency>"
#: the same positions described in English, for the English pages only (the committee keeps the Thai)
DIRECTOR_OF_EN = "Director of %s"
DEPUTY_DIRECTOR_OF_EN = "Deputy director of %s"
ITA_UNIT_NAME_TH = "ส่งเสริมการจัดการศึกษา"  # thai-data: part of the name of the unit usually in charge of ITA
INDICATOR_WORD_TH = "ตัวชี้วัด"  # thai-data: input, "indicator" typed before a number in a measure's targets


def ita_unit(agency: Agency) -> Unit | None:
    """The unit in charge of ITA: the ITA officer's unit, else a unit whose name says so, else none."""
    officer = ita_officer(agency)
    if officer is not None and officer.unit_id:
        return officer.unit
    return (agency.units.filter(name_th__contains=ITA_UNIT_NAME_TH).first()
            or agency.units.filter(name_th__icontains="ITA").first())


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
    suggestion = [SuggestedMember(DIRECTOR_OF_TH % name, CommitteeRole.CHAIR, position_en=DIRECTOR_OF_EN % name),
                  SuggestedMember(DEPUTY_DIRECTOR_OF_TH % name, CommitteeRole.VICE_CHAIR,
                                  position_en=DEPUTY_DIRECTOR_OF_EN % name)]
    secretary_unit = ita_unit(agency)
    for unit in agency.units.order_by("order", "name_th"):
        if secretary_unit is not None and unit.pk == secretary_unit.pk:
            continue
        suggestion.append(SuggestedMember(DIRECTOR_OF_TH % unit.name_th, CommitteeRole.MEMBER, unit=unit,
                                          position_en=DIRECTOR_OF_EN % unit.name_th))
    if secretary_unit is not None:
        suggestion.append(SuggestedMember(DIRECTOR_OF_TH % secretary_unit.name_th, CommitteeRole.SECRETARY,
                                          unit=secretary_unit, position_en=DIRECTOR_OF_EN % secretary_unit.name_th))
    officer = ita_officer(agency)
    person = getattr(officer.user, "person", None) if officer is not None else None
    if officer is not None and person is not None:
        suggestion.append(SuggestedMember(officer.position_th or person.position_th, CommitteeRole.ASSISTANT_SECRETARY,
                                          unit=officer.unit, person=person))
    return suggestion


def suggest_committee(actor, round_: AssessmentRound, agency: Agency) -> Committee:
    """Replace the committee's members by ``suggested_members`` (the order number, date and duties are kept)."""
    _require_manage(actor, agency)
    suggestion = suggested_members(agency)
    with transaction.atomic():
        committee = _committee(actor, round_, agency)
        removed = committee.members.count()
        committee.members.all().delete()
        CommitteeMember.objects.bulk_create([
            CommitteeMember(committee=committee, person=s.person, position_th=s.position_th, unit=s.unit,
                            role=s.role, order=i) for i, s in enumerate(suggestion, start=1)])
        record(actor, AuditAction.SUGGEST_COMMITTEE, f"{agency}: committee of {len(suggestion)} suggested from units",
               agency=agency, obj=committee, changes={"removed": removed, "members": [
                   [s.position_th, s.role] for s in suggestion]})
    return committee


def set_committee_members(actor, round_: AssessmentRound, agency: Agency,
                          members: Sequence[SuggestedMember]) -> Committee:
    """Replace the members by an explicit list (the demo loader, imports)."""
    _require_manage(actor, agency)
    for m in members:
        _check_member(agency, m.person, m.position_th, m.unit, m.role)
    with transaction.atomic():
        committee = _committee(actor, round_, agency)
        committee.members.all().delete()
        CommitteeMember.objects.bulk_create([
            CommitteeMember(committee=committee, person=m.person, position_th=m.position_th, unit=m.unit,
                            role=m.role, order=i) for i, m in enumerate(members, start=1)])
        record(actor, AuditAction.SET_COMMITTEE_MEMBERS, f"{agency}: committee of {len(members)}", agency=agency,
               obj=committee, changes={"members": [[m.position_th, m.role] for m in members]})
    return committee


# ------------------------------------------------------------------------------------------------- measures


def valid_target_codes(round_: AssessmentRound, analysed: AssessmentRound | None) -> dict[str, str]:
    """Codes a measure may link to → their label: indicators of the working round, items of either edition."""
    codes: dict[str, str] = {}
    for r in (analysed, round_):
        fw = _framework(r) if r is not None else None
        if fw is None:
            continue
        for i in fw.indicators:
            codes.setdefault(str(i.number),
                             _("Indicator %(number)s %(name)s") % {"number": i.number, "name": i.name_th})
        for q in fw.questions:
            codes.setdefault(q.code, f"{q.code} {q.text}")
        for o in fw.oit_items:
            codes.setdefault(o.code, f"{o.code} {o.title}")
    return codes


def _clean_targets(round_: AssessmentRound, targets: Iterable[str]) -> list[str]:
    from prongsai.web.measures.analysis import analysed_round

    valid = valid_target_codes(round_, analysed_round(round_))
    cleaned: list[str] = []
    for raw in targets:
        code = str(raw).strip().upper().removeprefix(INDICATOR_WORD_TH).strip()
        if not code:
            continue
        if code not in valid:
            raise ValidationError(_("'%(value)s' is neither an indicator number nor an item code of this round.") % {
                "value": raw})
        if code not in cleaned:
            cleaned.append(code)
    return cleaned


@dataclass
class MeasureInput:
    title: str
    purpose: str = ""
    targets: list[str] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    all_units: bool = False
    starts_on: date | None = None
    ends_on: date | None = None
    #: (text, unit or None) per action, in order
    actions: list[tuple[str, Unit | None]] = field(default_factory=list)
    order: int | None = None
    outcome: str = ""


def _check_measure(round_: AssessmentRound, agency: Agency, data: MeasureInput) -> MeasureInput:
    title = data.title.strip()
    if not title:
        raise ValidationError(_("A measure needs a title."))
    if len(title) > 255:
        raise ValidationError(_("The title is longer than 255 characters."))
    for unit in list(data.units) + [u for _action, u in data.actions if u is not None]:
        if unit.agency_id != agency.pk:
            raise ValidationError(_("%(unit)s is a unit of another agency.") % {"unit": unit})
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        raise ValidationError(_("The measure ends before it starts."))
    actions = [(t.strip(), u) for t, u in data.actions if t and t.strip()]
    if not data.units and not data.all_units and not any(u for _, u in actions):
        raise ValidationError(_("Choose at least one responsible unit (or all units)."))
    return MeasureInput(title=title, purpose=data.purpose.strip(), targets=_clean_targets(round_, data.targets),
                        units=list(dict.fromkeys(data.units)), all_units=data.all_units, starts_on=data.starts_on,
                        ends_on=data.ends_on, actions=actions, order=data.order, outcome=data.outcome.strip())


def _snapshot(measure: Measure) -> dict:
    return {"title": measure.title, "purpose": measure.purpose, "targets": measure.targets,
            "units": sorted(u.name_th for u in measure.units.all()), "all_units": measure.all_units,
            "starts_on": str(measure.starts_on or ""), "ends_on": str(measure.ends_on or ""),
            "actions": [[a.text, a.unit.name_th if a.unit else ""] for a in measure.actions.all()],
            "outcome": measure.outcome}


def _write_measure(measure: Measure, data: MeasureInput) -> None:
    measure.title, measure.purpose, measure.targets = data.title, data.purpose, data.targets
    measure.all_units, measure.starts_on, measure.ends_on = data.all_units, data.starts_on, data.ends_on
    measure.outcome = data.outcome
    if data.order is not None:
        measure.order = data.order
    measure.save()
    measure.units.set(data.units)
    measure.actions.all().delete()
    MeasureAction.objects.bulk_create([MeasureAction(measure=measure, order=i, text=t, unit=u)
                                       for i, (t, u) in enumerate(data.actions, start=1)])


def create_measure(actor, round_: AssessmentRound, agency: Agency, data: MeasureInput) -> Measure:
    _require_manage(actor, agency)
    data = _check_measure(round_, agency, data)
    with transaction.atomic():
        if data.order is None:
            data.order = (Measure.objects.filter(round=round_, agency=agency).aggregate(m=Max("order"))["m"] or 0) + 1
        measure = Measure(round=round_, agency=agency, created_by=actor if actor.is_authenticated else None)
        _write_measure(measure, data)
        record(actor, AuditAction.CREATE_MEASURE, f"{agency}: measure '{measure.title}'", agency=agency, obj=measure,
               changes=_snapshot(measure))
    return measure


def update_measure(actor, measure: Measure, data: MeasureInput) -> Measure:
    _require_manage(actor, measure.agency)
    data = _check_measure(measure.round, measure.agency, data)
    with transaction.atomic():
        before = _snapshot(measure)
        _write_measure(measure, data)
        after = _snapshot(measure)
        record(actor, AuditAction.UPDATE_MEASURE, f"{measure.agency}: measure '{measure.title}'", agency=measure.agency,
               obj=measure, changes={k: [before[k], after[k]] for k in after if before[k] != after[k]})
    return measure


def delete_measure(actor, measure: Measure) -> None:
    _require_manage(actor, measure.agency)
    with transaction.atomic():
        record(actor, AuditAction.DELETE_MEASURE,
               f"{measure.agency}: measure '{measure.title}' deleted", agency=measure.agency,
               obj=measure, changes=_snapshot(measure))
        for report in measure.reports.all():
            for f in report.files.all():
                f.file.delete(save=False)
        measure.delete()


def set_measure_status(actor, measure: Measure, status: str) -> Measure:
    _require_manage(actor, measure.agency)
    if status not in MeasureStatus.values:
        raise ValidationError(_("Unknown status '%(status)s'.") % {"status": status})
    with transaction.atomic():
        before = measure.status
        measure.status = status
        measure.save(update_fields=["status", "updated_at"])
        record(actor, AuditAction.SET_MEASURE_STATUS, f"{measure.agency}: '{measure.title}' {before} → {status}",
               agency=measure.agency, obj=measure, changes={"status": [before, status]})
    return measure


# ----------------------------------------------------------------------------------------- progress reports


def responsible_units(measure: Measure) -> list[Unit]:
    """The units that must report on ``measure``: every unit when "all units", else its units and action units."""
    if measure.all_units:
        return list(measure.agency.units.order_by("order", "name_th"))
    units = {u.pk: u for u in measure.units.all()}
    for action in measure.actions.all():
        if action.unit is not None:
            units.setdefault(action.unit.pk, action.unit)
    return sorted(units.values(), key=lambda u: (u.order, u.name_th))


def _clean_links(links: Iterable[str]) -> list[str]:
    cleaned = []
    for link in links:
        link = (link or "").strip()
        if not link:
            continue
        if not _URL.match(link) or len(link) > 1000:
            raise ValidationError(_("'%(link)s' is not a web address: it must start with http:// or https://.") % {
                "link": link[:80]})
        if link not in cleaned:
            cleaned.append(link)
    return cleaned


def _status_after_reports(measure: Measure) -> str:
    """Reports move a measure forward, never back: any report → in progress; every responsible unit's
    12-month report saying done → done."""
    reports = list(measure.reports.all())
    if not reports:
        return measure.status
    responsible = {u.pk for u in responsible_units(measure)}
    done = {r.unit_id for r in reports if r.period == ReportPeriod.TWELVE and r.status == MeasureStatus.DONE}
    if responsible and responsible <= done:
        return MeasureStatus.DONE
    if measure.status == MeasureStatus.NOT_STARTED:
        return MeasureStatus.IN_PROGRESS
    return measure.status


def submit_progress(actor, measure: Measure, unit: Unit, period: int, text: str, *, links: Iterable[str] = (),
                    status: str = MeasureStatus.IN_PROGRESS, files: Sequence = ()) -> ProgressReport:
    """A unit's 6- or 12-month report (creates it, or replaces its text, links and status; files are added)."""
    responsible = responsible_units(measure)
    if unit.pk not in {u.pk for u in responsible}:
        raise ValidationError(_("%(unit)s is not responsible for this measure.") % {"unit": unit})
    if not permissions.can_report(actor, measure, unit, responsible):
        raise PermissionDenied
    if period not in ReportPeriod.values:
        raise ValidationError(_("The report period is 6 or 12 months."))
    text = (text or "").strip().replace("\r\n", "\n")
    if not text:
        raise ValidationError(_("Write what was done."))
    if len(text) > MAX_NOTE:
        raise ValidationError(_("The report is longer than %(max)d characters.") % {"max": MAX_NOTE})
    if status not in (MeasureStatus.IN_PROGRESS, MeasureStatus.DONE):
        raise ValidationError(_("A report says whether the work is in progress or done."))
    links = _clean_links(links)
    if len(files) > MAX_FILES:
        raise ValidationError(_("At most %(count)d files at a time.") % {"count": MAX_FILES})
    blobs = []
    for upload in files:
        name = upload.name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
        if not name.lower().endswith(ALLOWED_FILE_SUFFIXES):
            raise ValidationError(_("%(name)s: this file type is not accepted (%(types)s).") % {
                "name": name, "types": ", ".join(ALLOWED_FILE_SUFFIXES)})
        if upload.size > MAX_FILE:
            raise ValidationError(_("%(name)s: larger than %(mb)d MB.") % {
                "name": name, "mb": MAX_FILE // (1024 * 1024)})
        blobs.append((name, upload.read()))
    with transaction.atomic():
        report = ProgressReport.objects.select_for_update().filter(measure=measure, unit=unit, period=period).first()
        before = None
        if report is None:
            report = ProgressReport(measure=measure, unit=unit, period=period)
        else:
            before = {"text": report.text, "links": report.links, "status": report.status}
        report.text, report.links, report.status = text, links, status
        report.submitted_by = actor if actor.is_authenticated else None
        report.save()
        for name, data in blobs:
            digest = hashlib.sha256(data).hexdigest()
            pf = ProgressFile(report=report, name=name, sha256=digest, size=len(data), uploaded_by=report.submitted_by)
            pf.file.save(f"{digest[:16]}-{_safe_name(name)}", ContentFile(data), save=False)
            pf.save()
        new_status = _status_after_reports(measure)
        if new_status != measure.status:
            measure.status = new_status
            measure.save(update_fields=["status", "updated_at"])
        record(actor, AuditAction.SUBMIT_PROGRESS,
               f"{measure.agency}: {unit} reported {period} months on '{measure.title}'",
               agency=measure.agency, obj=report,
               changes={"before": before, "after": {"text": text, "links": links, "status": status},
                        "files": [n for n, _ in blobs], "measure_status": measure.status})
    return report


def _safe_name(name: str) -> str:
    stem = re.sub(r"[^\w.\-]+", "_", name, flags=re.UNICODE).strip("._") or "file"
    return stem[-100:]


def delete_progress_file(actor, pf: ProgressFile) -> None:
    report = pf.report
    responsible = responsible_units(report.measure)
    if not permissions.can_report(actor, report.measure, report.unit, responsible):
        raise PermissionDenied
    with transaction.atomic():
        record(actor, AuditAction.DELETE_PROGRESS_FILE,
               f"{report.measure.agency}: {pf.name}", agency=report.measure.agency,
               obj=pf, changes={"name": pf.name, "sha256": pf.sha256})
        pf.file.delete(save=False)
        pf.delete()


# ------------------------------------------------------------------------------------------------- overdue


@dataclass
class PeriodState:
    period: int
    due: date | None
    reported: list[ProgressReport]
    missing: list[Unit]
    overdue: bool


def period_states(measure: Measure, today: date, responsible: list[Unit] | None = None) -> list[PeriodState]:
    """For each report period: its due date, the reports in, the units still missing, and whether it is overdue
    (the due date has passed and a responsible unit has not reported)."""
    responsible = responsible_units(measure) if responsible is None else responsible
    reports = list(measure.reports.all())
    states = []
    for period in ReportPeriod.values:
        got = [r for r in reports if r.period == period]
        have = {r.unit_id for r in got}
        missing = [u for u in responsible if u.pk not in have]
        due = measure.due_date(period)
        states.append(PeriodState(period, due, got, missing, bool(due and today > due and missing)))
    return states
