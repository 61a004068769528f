"""The officer's checklist: what is still due for one agency in one round, each line with the days left.

Each line is one small rule class: ``count(ctx)`` says how many things are outstanding (0 = done, the line is
not shown), ``due(ctx)`` which date they are due by (from the round's calendar, or the assessor's clarification
deadline).  The dashboard shows the lines with something outstanding, the most urgent first.  Adding a line is
adding a class to ``RULES`` (and a test in tests/integration/test_officer_checklist.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from prongsai.core.ita_calendar import days_left
from prongsai.web.notifications.models import RoundDeadline

#: days left at or below which a line is shown as urgent
SOON_DAYS = 7


@dataclass
class Context:
    """One page's view of one agency in one round: each table the rules need is read once, on first use, and
    kept (``cached_property``), so that the rules that share a table share its query."""

    round: Any  # an AssessmentRound (the rules import models lazily: this module loads with the app registry)
    agency: Any  # an Agency
    today: date

    @cached_property
    def deadlines(self) -> dict[str, RoundDeadline]:
        return {d.key: d for d in RoundDeadline.objects.filter(round=self.round)}

    @cached_property
    def oit_statuses(self) -> list[tuple[str, str]]:
        """(code, status) of the agency's OIT entries in the round: one query for the two OIT lines."""
        from prongsai.web.oit.models import OITEntry

        # no ordering: the model's (round, agency) would join both tables for nothing
        return list(
            OITEntry.objects.filter(round=self.round, agency=self.agency).order_by().values_list("code", "status")
        )

    @cached_property
    def report_periods(self) -> list[set[int]]:
        """The periods reported of each of the agency's measures in the round: one query for both report lines."""
        from prongsai.web.measures.models import Measure

        periods: dict[int, set[int]] = {}
        for measure, period in (
            Measure.objects.filter(round=self.round, agency=self.agency).order_by().values_list("pk", "reports__period")
        ):
            periods.setdefault(measure, set()).add(period)
        return list(periods.values())

    def due_of(self, key: str) -> date | None:
        deadline = self.deadlines.get(key)
        return deadline.due_on if deadline else None


@dataclass(frozen=True)
class Line:
    key: str
    text: str
    count: int
    due_on: date | None
    days_left: int | None
    url: str

    @property
    def days_overdue(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0

    @property
    def state(self) -> str:
        """overdue / soon / later / undated: the CSS class and the sort order."""
        if self.days_left is None:
            return "undated"
        if self.days_left < 0:
            return "overdue"
        return "soon" if self.days_left <= SOON_DAYS else "later"


def _url(name: str, **kwargs) -> str:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:  # a feature that is not installed
        return ""


class Rule:
    key = ""
    deadline_key = ""

    def count(self, ctx: Context) -> int:
        raise NotImplementedError

    def text(self, n: int) -> str:
        raise NotImplementedError

    def due(self, ctx: Context) -> date | None:
        return ctx.due_of(self.deadline_key)

    def url(self, ctx: Context) -> str:
        return ""

    def line(self, ctx: Context) -> Line | None:
        n = self.count(ctx)
        if n <= 0:
            return None
        due = self.due(ctx)
        return Line(
            key=self.key,
            text=self.text(n),
            count=n,
            due_on=due,
            days_left=days_left(ctx.today, due) if due else None,
            url=self.url(ctx),
        )


class OITItemsNotSubmitted(Rule):
    """OIT items of the round's edition that the agency has not submitted to the assessor (no entry yet, draft
    or ready), due by the OIT publication deadline."""

    key = "oit_not_submitted"
    deadline_key = "oit_publish"

    def count(self, ctx: Context) -> int:
        from prongsai.web.oit.lifecycle import SUBMITTED_STATES

        codes = {item.code for item in ctx.round.framework.oit_items}
        return len(codes - {code for code, status in ctx.oit_statuses if status in SUBMITTED_STATES})

    def text(self, n: int) -> str:
        return ngettext("%(n)d OIT item not submitted", "%(n)d OIT items not submitted", n) % {"n": n}

    def url(self, ctx: Context) -> str:
        return _url("oit_agency", round_id=ctx.round.pk, code=ctx.agency.code)


class SampleNotReached(Rule):
    """Survey responses still missing to reach each tool's minimum sample (tools whose headcounts are entered;
    a tool without headcounts has no minimum yet and counts as 0 here), due by the end of the survey window."""

    key = "sample_not_reached"
    deadline_key = "surveys"

    def count(self, ctx: Context) -> int:
        from prongsai.web.surveys.queries import progress

        return sum((tool.missing for tool in progress(ctx.round, ctx.agency, only_missing=True)), 0)

    def text(self, n: int) -> str:
        return ngettext(
            "%(n)d survey response missing to reach the minimum sample",
            "%(n)d survey responses missing to reach the minimum sample",
            n,
        ) % {"n": n}

    def url(self, ctx: Context) -> str:
        return _url("survey_overview", round_id=ctx.round.pk, code=ctx.agency.code)


class ClarificationsUnanswered(Rule):
    """Items the assessor sent back for clarification that the agency has not answered, due by the deadline the
    assessor set for this agency (else the round's clarification window)."""

    key = "clarifications"
    deadline_key = "clarification"

    def count(self, ctx: Context) -> int:
        from prongsai.web.oit.models import EntryStatus

        return sum(1 for _code, status in ctx.oit_statuses if status == EntryStatus.CLARIFYING)

    def due(self, ctx: Context) -> date | None:
        from prongsai.web.oit.models import ClarificationWindow

        window = ClarificationWindow.objects.filter(round=ctx.round, agency=ctx.agency).first()
        return window.deadline if window else super().due(ctx)

    def text(self, n: int) -> str:
        return ngettext(
            "%(n)d clarification asked by the assessor not answered",
            "%(n)d clarifications asked by the assessor not answered",
            n,
        ) % {"n": n}

    def url(self, ctx: Context) -> str:
        return _url("oit_agency", round_id=ctx.round.pk, code=ctx.agency.code)


class ReportsMissing(Rule):
    """Measures of the round without a progress report of the period (6 or 12 months), due by that report's
    date in the round's calendar."""

    period = 6

    def __init__(self, period: int):
        self.period = period
        self.key = f"report_{period}m"
        self.deadline_key = f"report_{period}m"

    def count(self, ctx: Context) -> int:
        return sum(1 for periods in ctx.report_periods if self.period not in periods)

    def text(self, n: int) -> str:
        return ngettext(
            "%(n)d measure without its %(period)d-month report",
            "%(n)d measures without their %(period)d-month report",
            n,
        ) % {"n": n, "period": self.period}

    def url(self, ctx: Context) -> str:
        return _url("measures_list", code=ctx.agency.code, round_id=ctx.round.pk)


class DocumentsNotFinal(Rule):
    """Documents of the pack (memo, order, announcement, O42 analysis, O43 report) the director has not approved:
    the evidence pack is built from approved versions only (docs/documents.md, sign-off)."""

    key = "documents_not_final"
    deadline_key = "oit_publish"  # O42/O43 are OIT items: they must be approved before the OIT deadline

    def count(self, ctx: Context) -> int:
        from prongsai.web.documents.signoff import missing_approvals

        return len(missing_approvals(ctx.round, ctx.agency))

    def text(self, n: int) -> str:
        return ngettext(
            "%(n)d document not approved by the director", "%(n)d documents not approved by the director", n
        ) % {"n": n}

    def url(self, ctx: Context) -> str:
        return _url("documents_pack", code=ctx.agency.code, round_id=ctx.round.pk)


RULES: tuple[Rule, ...] = (
    OITItemsNotSubmitted(),
    SampleNotReached(),
    ClarificationsUnanswered(),
    ReportsMissing(6),
    ReportsMissing(12),
    DocumentsNotFinal(),
)
ORDER = {"overdue": 0, "soon": 1, "later": 2, "undated": 3}
TITLE = _("What is due")


def checklist(round_, agency, today: date) -> list[Line]:
    """The outstanding lines for ``agency`` in ``round_``, most urgent first."""
    ctx = Context(round=round_, agency=agency, today=today)
    lines = [line for rule in RULES if (line := rule.line(ctx)) is not None]
    return sorted(lines, key=lambda ln: (ORDER[ln.state], ln.days_left if ln.days_left is not None else 0))


def current_round(agency):
    """The open round this agency takes part in (the newest), or None."""
    from prongsai.web.rounds.models import AssessmentRound, RoundStatus

    for round_ in AssessmentRound.objects.filter(status=RoundStatus.OPEN).order_by("-fiscal_year", "-pk"):
        try:
            if agency.kind in round_.agency_kinds:
                return round_
        except Exception:  # noqa: BLE001 - an edition that no longer loads is not a current round
            continue
    return None
