"""Read side of the OIT app: the item table of an agency, the readiness forecast, the public index and the
national pass rates.  Nothing here writes; each function is a handful of queries whatever the number of items.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from prongsai.core.framework import Framework, OITItem
from prongsai.core.scoring import combine, oit_item_score, rounded, score_oit
from prongsai.web.agencies.models import Agency
from prongsai.web.oit.checktext import or_list
from prongsai.web.oit.common import expected_years
from prongsai.web.oit.lifecycle import SUBMITTED_STATES
from prongsai.web.oit.models import (
    ClarificationWindow,
    EntryStatus,
    EvidenceFile,
    EvidenceLink,
    OITEntry,
    OITReview,
)
from prongsai.web.rounds.models import AssessmentRound

#: forecast verdicts, best first, with their labels
VERDICTS = {
    "pass": gettext_lazy("Likely to pass"),
    "warn": gettext_lazy("Should be checked"),
    "pending": gettext_lazy("Waiting for the link check"),
    "fail": gettext_lazy("Has a broken link"),
    "missing": gettext_lazy("No evidence yet"),
}


@dataclass
class ItemRow:
    item: OITItem
    entry: OITEntry | None
    links: list[EvidenceLink] = field(default_factory=list)
    files: list[EvidenceFile] = field(default_factory=list)
    verdict: str = "missing"
    reasons: list[str] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.item.code

    @property
    def status(self) -> str:
        return self.entry.status if self.entry else EntryStatus.DRAFT

    @property
    def status_label(self) -> str:
        return EntryStatus(self.status).label

    @property
    def verdict_label(self) -> str:
        return VERDICTS[self.verdict]

    @property
    def last_checked(self):
        dates = [link.last_check.checked_at for link in self.links if link.last_check]
        return max(dates) if dates else None

    @property
    def broken_links(self) -> list[EvidenceLink]:
        return [link for link in self.links if link.last_check and link.last_check.verdict == "broken"]


def item_rows(round_: AssessmentRound, agency: Agency) -> list[ItemRow]:
    """Every OIT item of the round's edition, with the agency's entry, evidence and a readiness verdict."""
    framework = round_.framework
    entries = {
        e.code: e for e in OITEntry.objects.filter(round=round_, agency=agency).select_related("unit", "current_review")
    }
    links: dict[int, list[EvidenceLink]] = {}
    for link in EvidenceLink.objects.filter(entry__round=round_, entry__agency=agency).select_related("last_check"):
        links.setdefault(link.entry_id, []).append(link)
    files: dict[int, list[EvidenceFile]] = {}
    for f in EvidenceFile.objects.filter(entry__round=round_, entry__agency=agency):
        files.setdefault(f.entry_id, []).append(f)
    rows = []
    for item in framework.oit_items:
        entry = entries.get(item.code)
        row = ItemRow(
            item=item,
            entry=entry,
            links=links.get(entry.pk, []) if entry else [],
            files=files.get(entry.pk, []) if entry else [],
        )
        row.verdict, row.reasons = verdict(row, round_.fiscal_year)
        rows.append(row)
    return rows


def verdict(row: ItemRow, fiscal_year: int) -> tuple[str, list[str]]:
    """What the automatic checks predict for an item before the assessor looks (see docs/oit.md)."""
    if not row.links and not row.files:
        return "missing", [_("No link or file attached yet")]
    reasons = []
    broken = [link for link in row.links if link.last_check and link.last_check.verdict == "broken"]
    for link in broken:
        first = next(
            (p["message"] for p in link.last_check.problems if p["level"] == "broken"), _("The link does not work")
        )
        reasons.append(f"{link.url}: {first}")
    if broken:
        return "fail", reasons
    pending = [link for link in row.links if link.pending_task or link.last_check is None]
    if pending:
        return "pending", [
            ngettext(
                "%(n)s link is still waiting for the automatic check",
                "%(n)s links are still waiting for the automatic check",
                len(pending),
            )
            % {"n": len(pending)}
        ]
    years, required = expected_years(row.item, fiscal_year)
    checks = [link.last_check for link in row.links]
    year_seen = any(set(c.years_found) & set(years) for c in checks) or any(
        set(f.years_found) & set(years) for f in row.files
    )
    if required and not year_seen:
        reasons.append(_("The B.E. year %(years)s was not found in the evidence") % {"years": or_list(years)})
    if row.item.keywords:
        keyword_seen = any(c.keywords_found for c in checks) or any(f.keywords_found for f in row.files)
        readable = any(c.text_extracted for c in checks) or any(f.text_extracted for f in row.files)
        if not keyword_seen and readable:
            reasons.append(_("None of this item's keywords was found in the evidence"))
    warnings = [
        p["message"]
        for c in checks
        for p in c.problems
        if p["level"] == "warning" and p["code"] not in ("year_missing", "keywords_missing", "year_unknown")
    ]
    reasons += warnings
    if row.entry and row.entry.needs_recheck:
        reasons.append(_("The evidence was carried over from last year; check that it is this year's"))
    return ("warn" if reasons else "pass"), reasons


@dataclass
class Forecast:
    counts: dict[str, int]
    indicators: dict[int, Decimal | None]
    oit: Decimal | None
    total_items: int


def forecast(framework: Framework, rows: list[ItemRow]) -> Forecast:
    """Projected indicators 9 and 10 if the assessor judged exactly as the checks predict: an item predicted to
    pass scores full marks, any other scores 0 (a deliberately cautious forecast), through the core engine."""
    counts = {key: 0 for key in VERDICTS}
    projected: dict[str, Fraction | None] = {}
    for row in rows:
        counts[row.verdict] += 1
        projected[row.code] = (
            oit_item_score(row.item, score=100 if row.verdict == "pass" else 0)
            if row.item.method != "pass_fail"
            else oit_item_score(row.item, passed=row.verdict == "pass")
        )
    indicators = score_oit(framework, projected)
    combined = combine(framework, indicators)
    evidence_tool = framework.evidence_tools[0] if framework.evidence_tools else None
    return Forecast(
        counts=counts,
        indicators={n: rounded(v) for n, v in indicators.items()},
        oit=rounded(combined.tools.get(evidence_tool)) if evidence_tool else None,
        total_items=len(rows),
    )


def actual_scores(framework: Framework, rows: list[ItemRow]) -> dict:
    """Indicators 9 and 10 from the confirmed items, and (provisional) from every item judged so far."""
    confirmed = {
        r.code: r.entry.score_fraction
        for r in rows
        if r.entry and r.entry.status == EntryStatus.CONFIRMED and r.entry.score_exact
    }
    judged = {r.code: r.entry.score_fraction for r in rows if r.entry and r.entry.score_exact}
    return {
        "confirmed": {n: rounded(v) for n, v in score_oit(framework, confirmed).items()},
        "judged": {n: rounded(v) for n, v in score_oit(framework, judged).items()},
        "n_confirmed": len(confirmed),
        "n_judged": len(judged),
    }


def clarification_window(round_: AssessmentRound, agency: Agency) -> ClarificationWindow | None:
    return ClarificationWindow.objects.filter(round=round_, agency=agency).first()


def reviews_of(entry: OITEntry | None) -> list[OITReview]:
    if entry is None:
        return []
    return list(entry.reviews.select_related("assessor", "confirmed_by").order_by("created_at", "id"))


# ------------------------------------------------------------------------------------------------- public


def public_index(round_: AssessmentRound, agency: Agency) -> list[dict]:
    """The public O-item index: every item of the edition; evidence only for submitted items and only what the
    agency marked public as it was submitted (the ``published`` snapshot), never drafts or private files."""
    framework = round_.framework
    entries = {e.code: e for e in OITEntry.objects.filter(round=round_, agency=agency, status__in=SUBMITTED_STATES)}
    check_dates = {}
    link_ids = [link["id"] for e in entries.values() for link in (e.published or {}).get("links", [])]
    for link in EvidenceLink.objects.filter(pk__in=link_ids).select_related("last_check"):
        if link.last_check:
            check_dates[link.pk] = link.last_check.checked_at
    file_ids = [f["id"] for e in entries.values() for f in (e.published or {}).get("files", [])]
    live_files = set(EvidenceFile.objects.filter(pk__in=file_ids, is_public=True).values_list("pk", flat=True))
    scores_public = bool(round_.results_published)
    rows = []
    for item in framework.oit_items:
        entry = entries.get(item.code)
        published = (entry.published or {}) if entry else {}
        links = [
            {"url": link["url"], "label": link["label"], "last_checked": check_dates.get(link["id"])}
            for link in published.get("links", [])
        ]
        files = [dict(f) for f in published.get("files", []) if f["id"] in live_files]  # removed since: gone
        dates = [link["last_checked"] for link in links if link["last_checked"]]
        rows.append(
            {
                "code": item.code,
                "title": item.title,
                "indicator": item.indicator,
                "sub_indicator": item.sub_indicator or "",
                "status": entry.status if entry else "not_submitted",
                "status_label": public_status_label(entry.status if entry else None),
                "links": links,
                "files": files,
                "submitted_at": entry.submitted_at if entry else None,
                "last_checked": max(dates) if dates else None,
                "score": entry.score if entry and scores_public and entry.status == EntryStatus.CONFIRMED else None,
            }
        )
    return rows


def public_status_label(status: str | None) -> str:
    if status is None:
        return _("Not published yet")
    if status == EntryStatus.CONFIRMED:
        return _("Reviewed and confirmed")
    if status in (EntryStatus.CLARIFYING, EntryStatus.CLARIFIED):
        return _("Being clarified")
    return _("Published, being reviewed")


# ----------------------------------------------------------------------------------------------- national


def national_pass_rates(round_: AssessmentRound) -> list[dict]:
    """Per item: how many agencies were judged (confirmed), how many got full marks, the mean score — sorted
    with the items that defeat most offices first."""
    framework = round_.framework
    stats = {
        row["code"]: row
        for row in OITEntry.objects.filter(round=round_)
        .values("code")
        .annotate(
            confirmed=Count("id", filter=Q(status=EntryStatus.CONFIRMED)),
            passed=Count("id", filter=Q(status=EntryStatus.CONFIRMED, score__gte=100)),
            submitted=Count("id", filter=Q(status__in=SUBMITTED_STATES)),
        )
    }
    sums: dict[str, Fraction] = {}
    for code, exact in (
        OITEntry.objects.filter(round=round_, status=EntryStatus.CONFIRMED)
        .exclude(score_exact="")
        .values_list("code", "score_exact")
    ):
        sums[code] = sums.get(code, Fraction(0)) + Fraction(exact)
    rows = []
    for item in framework.oit_items:
        s = stats.get(item.code, {"confirmed": 0, "passed": 0, "submitted": 0})
        confirmed = s["confirmed"]
        rows.append(
            {
                "code": item.code,
                "title": item.title,
                "indicator": item.indicator,
                "submitted": s["submitted"],
                "confirmed": confirmed,
                "passed": s["passed"],
                "failed": confirmed - s["passed"],
                "pass_rate": rounded(Fraction(100 * s["passed"], confirmed)) if confirmed else None,
                "mean": rounded(sums.get(item.code, Fraction(0)) / confirmed) if confirmed else None,
            }
        )
    rows.sort(
        key=lambda r: (
            r["pass_rate"] is None,
            r["pass_rate"] if r["pass_rate"] is not None else 0,
            -r["confirmed"],
            _code_key(r["code"]),
        )
    )
    return rows


def _code_key(code: str) -> tuple:
    digits = "".join(c for c in code if c.isdigit())
    return (code.rstrip("0123456789"), int(digits) if digits else 0)
