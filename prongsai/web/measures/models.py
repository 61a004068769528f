"""Analysis notes, the ITA committee and the integrity measures of one agency in one round (issue 6).

- ``AnalysisNote``: the editable narrative of one weak indicator of an *analysed* result (the round whose result
  is analysed, e.g. 2562), shown on the analysis page and written into the analysis report.
- ``Committee`` / ``CommitteeMember``: the analysis committee of the *working* round (2563) — คำสั่ง ที่ ๑๖๙/๒๕๖๓.
- ``Measure`` / ``MeasureAction``: the measures announcement of the working round (ประกาศ … มาตรการส่งเสริม
  คุณธรรมและความโปร่งใส), one measure per area (ด้าน…) with its responsible units and its actions, each action
  optionally assigned to one unit; linked to the weak indicators or items it answers (codes stored as data).
- ``ProgressReport`` / ``ProgressFile``: what a responsible unit reports at 6 and 12 months (text, links, files),
  from which the implementation report (O43) is written.

Every write goes through ``prongsai.web.measures.services``.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AnalysisNote(models.Model):
    #: the round whose result is analysed (the previous fiscal year of the working round)
    round = models.ForeignKey("rounds.AssessmentRound", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="analysis_notes")
    indicator = models.PositiveSmallIntegerField(_("indicator"))
    text = models.TextField(_("analysis"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "agency", "indicator"], name="one_note_per_indicator")]
        ordering = ["round", "agency", "indicator"]
        verbose_name = _("analysis note")

    def __str__(self) -> str:
        return f"{self.agency} {self.round_id} #{self.indicator}"


class CommitteeRole(models.TextChoices):
    # The pages' labels; the order (คำสั่ง) prints the official Thai terms of COMMITTEE_ROLE_TH, whatever the
    # language of the user who generates it (their Thai translations are the same terms).
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    MEMBER = "member", _("Member")
    SECRETARY = "secretary", _("Member and secretary")
    ASSISTANT_SECRETARY = "assistant_secretary", _("Member and assistant secretary")


COMMITTEE_ROLE_TH = {  # thai-data: document wording, the official terms the order prints
    CommitteeRole.CHAIR: "ประธานกรรมการ",
    CommitteeRole.VICE_CHAIR: "รองประธานกรรมการ",
    CommitteeRole.MEMBER: "กรรมการ",
    CommitteeRole.SECRETARY: "กรรมการและเลขานุการ",
    CommitteeRole.ASSISTANT_SECRETARY: "กรรมการและผู้ช่วยเลขานุการ",
}


ROLE_ORDER = {
    CommitteeRole.CHAIR: 0,
    CommitteeRole.VICE_CHAIR: 1,
    CommitteeRole.MEMBER: 2,
    CommitteeRole.SECRETARY: 3,
    CommitteeRole.ASSISTANT_SECRETARY: 4,
}

DEFAULT_DUTIES = [  # thai-data: document wording, the committee's duties as the order prints them
    "วิเคราะห์ผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานในปีที่ผ่านมา",
    "จัดทำรายงานผลการวิเคราะห์ ฯ และนำผลที่ได้มาปรับปรุงและพัฒนางานในปีถัดไป",
]


class Committee(models.Model):
    """The analysis committee of one agency for one (working) round, and the order that appoints it."""

    round = models.ForeignKey("rounds.AssessmentRound", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="committees")
    #: the order's number as printed after "ที่" (e.g. "169/2563"; Arabic digits, shown in Thai digits)
    order_number = models.CharField(_("order number"), max_length=64, blank=True)
    order_date = models.DateField(_("order date"), null=True, blank=True)
    #: the duties (มีหน้าที่), one per line in the order
    duties = models.JSONField(_("duties"), default=list, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "agency"], name="one_committee_per_round")]
        verbose_name = _("committee")

    def __str__(self) -> str:
        return f"{self.agency} {self.round_id}"


class CommitteeMember(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    #: a named person (e.g. the ITA officer) …
    person = models.ForeignKey("agencies.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    #: … or a position, as the seed lists most members ("ผู้อำนวยการกลุ่มนโยบายและแผน")
    position_th = models.CharField(_("position"), max_length=255, blank=True)
    unit = models.ForeignKey("agencies.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    role = models.CharField(_("role"), max_length=24, choices=CommitteeRole.choices, default=CommitteeRole.MEMBER)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["committee", "order", "pk"]
        verbose_name = _("committee member")

    def __str__(self) -> str:
        # the Thai term (audit summaries and the admin), whatever language the user reads
        return f"{self.display_th} · {COMMITTEE_ROLE_TH.get(self.role, self.role)}"

    @property
    def display_th(self) -> str:
        """As printed in the order: "นางอลินดา กิตติทรงภพ นักวิชาการศึกษาชำนาญการ" or the position alone."""
        if self.person_id:
            name = f"{self.person.title_th}{self.person.full_name_th}".strip()
            position = self.position_th or self.person.position_th
            return f"{name} {position}".strip()
        return self.position_th


class MeasureStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class Measure(models.Model):
    """One area of the measures announcement (ด้าน…), with its purpose, responsible units and actions."""

    round = models.ForeignKey("rounds.AssessmentRound", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="measures")
    order = models.PositiveIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=255)  # "ด้านการเปิดเผยข้อมูล"
    purpose = models.TextField(_("purpose"), blank=True)  # "เพื่อให้มีการเปิดเผยข้อมูลข่าวสาร…"
    #: what the measure answers: indicator numbers ("9") and item codes ("O42", "E11") of the analysed result
    targets = models.JSONField(_("linked indicators and items"), default=list, blank=True)
    units = models.ManyToManyField(
        "agencies.Unit", blank=True, related_name="measures", verbose_name=_("responsible units")
    )
    #: "ทุกกลุ่ม/หน่วย": every unit of the agency is responsible (and reports)
    all_units = models.BooleanField(_("all units"), default=False)
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MeasureStatus.choices, default=MeasureStatus.NOT_STARTED
    )
    #: what was done, as the implementation report (O43) lists it; written from the progress reports when empty
    outcome = models.TextField(_("implementation summary"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round", "agency", "order", "pk"]
        verbose_name = _("measure")

    def __str__(self) -> str:
        return self.title

    def due_date(self, period: int) -> date | None:
        """When the 6- or 12-month report is due: that many months after the start (the 12th: the end)."""
        if period == 12 and self.ends_on:
            return self.ends_on
        if not self.starts_on:
            return None
        return add_months(self.starts_on, period) - _ONE_DAY


class MeasureAction(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="actions")
    order = models.PositiveIntegerField(default=0)
    text = models.TextField(_("action"))
    #: the unit in charge of this action when it is not the measure's units as a whole
    unit = models.ForeignKey("agencies.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["measure", "order", "pk"]


class ReportPeriod(models.IntegerChoices):
    SIX = 6, _("6 months")
    TWELVE = 12, _("12 months")


class ProgressReport(models.Model):
    """One responsible unit's report on one measure at 6 or 12 months."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey("agencies.Unit", on_delete=models.CASCADE, related_name="progress_reports")
    period = models.PositiveSmallIntegerField(_("period"), choices=ReportPeriod.choices)
    text = models.TextField(_("progress"))
    links = models.JSONField(_("links"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MeasureStatus.choices, default=MeasureStatus.IN_PROGRESS
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["measure", "unit", "period"], name="one_report_per_period")]
        ordering = ["measure", "period", "unit__order", "unit__name_th"]
        verbose_name = _("progress report")


def _progress_path(instance: ProgressFile, filename: str) -> str:
    report = instance.report
    return f"measures/{report.measure.agency_id}/{report.measure_id}/{report.period}/{filename}"


class ProgressFile(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=_progress_path, max_length=500)
    name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report", "pk"]


# ------------------------------------------------------------------------------------------------------ dates

_ONE_DAY = timedelta(days=1)


def add_months(d: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's last day (31 Aug + 6 → 28/29 Feb)."""
    month0 = d.month - 1 + months
    year, month = d.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))
