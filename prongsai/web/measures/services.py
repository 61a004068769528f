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
from prongsai.web.agencies.models import Agency, Unit
from prongsai.web.audit.actions import AuditAction
from prongsai.web.audit.services import record
from prongsai.web.measures import permissions
from prongsai.web.measures.models import (
    AnalysisNote,
    Measure,
    MeasureAction,
    MeasureStatus,
    ProgressFile,
    ProgressReport,
    ReportPeriod,
)
from prongsai.web.ops.storage import delete_on_commit
from prongsai.web.rounds.models import AssessmentRound

MAX_NOTE = 10_000
MAX_FILE = 10 * 1024 * 1024
MAX_FILES = 10
ALLOWED_FILE_SUFFIXES = (
    ".pdf",
    ".docx",
    ".doc",
    ".xlsx",
    ".xls",
    ".pptx",
    ".jpg",
    ".jpeg",
    ".png",
    ".txt",
    ".csv",
    ".odt",
    ".ods",
    ".zip",
)
INDICATOR_WORD_TH = "ตัวชี้วัด"  # thai-data: input, "indicator" typed before a number in a measure's targets
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def _framework(round_: AssessmentRound) -> Framework | None:
    try:
        return round_.framework
    except FrameworkError:
        return None


# ------------------------------------------------------------------------------------------- analysis notes


def save_analysis_note(actor, round_: AssessmentRound, agency: Agency, indicator: int, text: str) -> AnalysisNote:
    """Write (or clear, with empty text) the narrative of one indicator of the result analysed in ``round_``."""
    permissions.require_manage(actor, agency)
    framework = _framework(round_)
    if framework is None or indicator not in {i.number for i in framework.indicators}:
        raise ValidationError(
            _("Indicator %(indicator)s is not part of %(edition)s.")
            % {"indicator": indicator, "edition": round_.framework_id}
        )
    text = (text or "").strip().replace("\r\n", "\n")
    if len(text) > MAX_NOTE:
        raise ValidationError(_("The analysis is longer than %(max)d characters.") % {"max": MAX_NOTE})
    with transaction.atomic():
        note, created = AnalysisNote.objects.select_for_update().get_or_create(
            round=round_, agency=agency, indicator=indicator, defaults={"text": text, "updated_by": actor}
        )
        before = "" if created else note.text
        if not created:
            note.text = text
            note.updated_by = actor
            note.save()
        record(
            actor,
            AuditAction.SAVE_ANALYSIS_NOTE,
            f"{agency}: analysis of indicator {indicator} ({round_.fiscal_year})",
            agency=agency,
            obj=note,
            changes={"indicator": indicator, "text": [before, text]},
        )
    return note


# ------------------------------------------------------------------------------------------------- measures


def valid_target_codes(round_: AssessmentRound, analysed: AssessmentRound | None) -> dict[str, str]:
    """Codes a measure may link to → their label: indicators of the working round, items of either edition."""
    codes: dict[str, str] = {}
    for r in (analysed, round_):
        fw = _framework(r) if r is not None else None
        if fw is None:
            continue
        for i in fw.indicators:
            codes.setdefault(
                str(i.number), _("Indicator %(number)s %(name)s") % {"number": i.number, "name": i.name_th}
            )
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
            raise ValidationError(
                _("'%(value)s' is neither an indicator number nor an item code of this round.") % {"value": raw}
            )
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
    return MeasureInput(
        title=title,
        purpose=data.purpose.strip(),
        targets=_clean_targets(round_, data.targets),
        units=list(dict.fromkeys(data.units)),
        all_units=data.all_units,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        actions=actions,
        order=data.order,
        outcome=data.outcome.strip(),
    )


def _snapshot(measure: Measure) -> dict:
    return {
        "title": measure.title,
        "purpose": measure.purpose,
        "targets": measure.targets,
        "units": sorted(u.name_th for u in measure.units.all()),
        "all_units": measure.all_units,
        "starts_on": str(measure.starts_on or ""),
        "ends_on": str(measure.ends_on or ""),
        "actions": [[a.text, a.unit.name_th if a.unit else ""] for a in measure.actions.all()],
        "outcome": measure.outcome,
    }


def _write_measure(measure: Measure, data: MeasureInput) -> None:
    measure.title, measure.purpose, measure.targets = data.title, data.purpose, data.targets
    measure.all_units, measure.starts_on, measure.ends_on = data.all_units, data.starts_on, data.ends_on
    measure.outcome = data.outcome
    if data.order is not None:
        measure.order = data.order
    measure.save()
    measure.units.set(data.units)
    measure.actions.all().delete()
    MeasureAction.objects.bulk_create(
        [MeasureAction(measure=measure, order=i, text=t, unit=u) for i, (t, u) in enumerate(data.actions, start=1)]
    )


def create_measure(actor, round_: AssessmentRound, agency: Agency, data: MeasureInput) -> Measure:
    permissions.require_manage(actor, agency)
    data = _check_measure(round_, agency, data)
    with transaction.atomic():
        if data.order is None:
            data.order = (Measure.objects.filter(round=round_, agency=agency).aggregate(m=Max("order"))["m"] or 0) + 1
        measure = Measure(round=round_, agency=agency, created_by=actor if actor.is_authenticated else None)
        _write_measure(measure, data)
        record(
            actor,
            AuditAction.CREATE_MEASURE,
            f"{agency}: measure '{measure.title}'",
            agency=agency,
            obj=measure,
            changes=_snapshot(measure),
        )
    return measure


def update_measure(actor, measure: Measure, data: MeasureInput) -> Measure:
    permissions.require_manage(actor, measure.agency)
    data = _check_measure(measure.round, measure.agency, data)
    with transaction.atomic():
        before = _snapshot(measure)
        _write_measure(measure, data)
        after = _snapshot(measure)
        record(
            actor,
            AuditAction.UPDATE_MEASURE,
            f"{measure.agency}: measure '{measure.title}'",
            agency=measure.agency,
            obj=measure,
            changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
        )
    return measure


def delete_measure(actor, measure: Measure) -> None:
    permissions.require_manage(actor, measure.agency)
    with transaction.atomic():
        record(
            actor,
            AuditAction.DELETE_MEASURE,
            f"{measure.agency}: measure '{measure.title}' deleted",
            agency=measure.agency,
            obj=measure,
            changes=_snapshot(measure),
        )
        for report in measure.reports.all():
            for f in report.files.all():
                delete_on_commit(f.file.storage, f.file.name)
        measure.delete()


def set_measure_status(actor, measure: Measure, status: str) -> Measure:
    permissions.require_manage(actor, measure.agency)
    if status not in MeasureStatus.values:
        raise ValidationError(_("Unknown status '%(status)s'.") % {"status": status})
    with transaction.atomic():
        before = measure.status
        measure.status = status
        measure.save(update_fields=["status", "updated_at"])
        record(
            actor,
            AuditAction.SET_MEASURE_STATUS,
            f"{measure.agency}: '{measure.title}' {before} → {status}",
            agency=measure.agency,
            obj=measure,
            changes={"status": [before, status]},
        )
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
            raise ValidationError(
                _("'%(link)s' is not a web address: it must start with http:// or https://.") % {"link": link[:80]}
            )
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


def submit_progress(
    actor,
    measure: Measure,
    unit: Unit,
    period: int,
    text: str,
    *,
    links: Iterable[str] = (),
    status: str = MeasureStatus.IN_PROGRESS,
    files: Sequence = (),
) -> ProgressReport:
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
            raise ValidationError(
                _("%(name)s: this file type is not accepted (%(types)s).")
                % {"name": name, "types": ", ".join(ALLOWED_FILE_SUFFIXES)}
            )
        if upload.size > MAX_FILE:
            raise ValidationError(
                _("%(name)s: larger than %(mb)d MB.") % {"name": name, "mb": MAX_FILE // (1024 * 1024)}
            )
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
        record(
            actor,
            AuditAction.SUBMIT_PROGRESS,
            f"{measure.agency}: {unit} reported {period} months on '{measure.title}'",
            agency=measure.agency,
            obj=report,
            changes={
                "before": before,
                "after": {"text": text, "links": links, "status": status},
                "files": [n for n, _ in blobs],
                "measure_status": measure.status,
            },
        )
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
        record(
            actor,
            AuditAction.DELETE_PROGRESS_FILE,
            f"{report.measure.agency}: {pf.name}",
            agency=report.measure.agency,
            obj=pf,
            changes={"name": pf.name, "sha256": pf.sha256},
        )
        delete_on_commit(pf.file.storage, pf.file.name)
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
