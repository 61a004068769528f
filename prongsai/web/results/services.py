"""State changes of results.  Each function validates, authorises, runs in one transaction and audits."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction

from prongsai.core.results import ResultRow, read_results
from prongsai.core.scoring import rounded
from prongsai.core.tabular import Collector, InputError, Table
from prongsai.web.agencies import access
from prongsai.web.agencies.models import Agency
from prongsai.web.audit.services import record
from prongsai.web.results.models import AgencyResult, ImportBatch, ResultSource
from prongsai.web.rounds.models import AssessmentRound


def _agency_index() -> dict[str, Agency]:
    """Agencies by code and by exact Thai name / short name (names must be unambiguous to match)."""
    index: dict[str, Agency] = {}
    ambiguous: set[str] = set()
    for agency in Agency.objects.all():
        for key in {agency.code, agency.name_th, agency.short_name} - {""}:
            if key in index and index[key].pk != agency.pk:
                ambiguous.add(key)
            index[key] = agency
    for key in ambiguous:
        index.pop(key, None)
    return index


def _values(row: ResultRow) -> dict:
    score = row.score
    tools = score.tools_rounded
    return {
        "indicators": {str(n): str(rounded(v)) for n, v in score.indicators.items() if v is not None},
        "iit": tools.get("IIT"), "eit": tools.get("EIT"), "oit": tools.get("OIT"),
        "total": score.total_rounded, "level": score.level or "",
    }


def import_official_results(actor, round_: AssessmentRound, table: Table, data: bytes = b"") -> ImportBatch:
    """Import a file of officially published results into a round: all rows or none.

    Every row must belong to the round's year, name a known agency (by code or exact name; unknown agencies are
    reported, never created), and lie within the actor's scope.  All problems are raised together.
    """
    if not access.can_import_results(actor):
        raise PermissionDenied
    problems = Collector(table.file)
    rows = read_results(table, round_.framework_id, problems=problems)  # row problems join the checks below
    agencies = _agency_index()
    matched: list[tuple[ResultRow, Agency]] = []
    for row in rows:
        if row.year != round_.fiscal_year:
            problems.add(row.row, "year", f"year {row.year} does not match the round ({round_.fiscal_year})",
                         f"ปี {row.year} ไม่ตรงกับรอบการประเมิน (ปี {round_.fiscal_year})")
            continue
        agency = agencies.get(row.agency)
        if agency is None:
            problems.add(row.row, "agency", f"unknown agency '{row.agency}' (match by code or exact name)",
                         f"ไม่พบหน่วยงาน '{row.agency}' ในระบบ (ใช้รหัสหรือชื่อให้ตรงกัน)")
            continue
        if not access.can_manage_agency(actor, agency):
            problems.add(row.row, "agency", f"'{row.agency}' is outside your agencies",
                         f"'{row.agency}' ไม่อยู่ในหน่วยงานที่ท่านรับผิดชอบ")
            continue
        if agency.kind not in round_.framework.agency_types:
            problems.add(row.row, "agency", f"'{row.agency}' is not assessed by {round_.framework_id}",
                         f"'{row.agency}' ไม่ใช่หน่วยงานประเภทที่ประเมินด้วยกรอบนี้")
            continue
        matched.append((row, agency))
    seen: dict[int, int] = {}
    for row, agency in matched:
        if agency.pk in seen:
            problems.add(row.row, "agency", f"the same agency as row {seen[agency.pk]}",
                         f"เป็นหน่วยงานเดียวกับแถวที่ {seen[agency.pk]}")
        seen.setdefault(agency.pk, row.row)
    problems.check()

    with transaction.atomic():
        batch = ImportBatch.objects.create(round=round_, file_name=table.file, row_count=len(matched),
                                           sha256=hashlib.sha256(data).hexdigest(), created_by=actor)
        official = {r.agency_id: r for r in AgencyResult.objects.filter(
            round=round_, source=ResultSource.OFFICIAL, agency__in=[agency for _row, agency in matched])}
        for row, agency in matched:
            values = _values(row)
            existing = official.get(agency.pk)
            before = {k: _text(getattr(existing, k)) for k in values} if existing else {}
            result, _ = AgencyResult.objects.update_or_create(
                round=round_, agency=agency, source=ResultSource.OFFICIAL, defaults={**values, "batch": batch})
            after = {k: _text(v) for k, v in values.items()}
            changed = {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}
            if changed:
                record(actor, "import_official_results",
                       f"{agency.display_name} {round_.fiscal_year}: total {after['total']} ({after['level']})",
                       agency=agency, obj=result, changes=changed)
    return batch


def _text(value) -> object:
    if isinstance(value, Decimal):
        return str(value)
    return value


def publish_results(actor, round_: AssessmentRound, published: bool = True) -> None:
    if not access.is_central_admin(actor):
        raise PermissionDenied
    with transaction.atomic():
        round_.results_published = published
        round_.save(update_fields=["results_published"])
        record(actor, "publish_results", f"{round_}: results {'published' if published else 'withdrawn'}",
               obj=round_, changes={"results_published": published})


__all__ = ["import_official_results", "publish_results", "InputError"]
