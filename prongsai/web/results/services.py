"""State changes of results.  Each function validates, authorises, runs in one transaction and audits."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from prongsai.core.results import ResultRow, read_results
from prongsai.core.scoring import rounded
from prongsai.core.tabular import Collector, InputError, Table
from prongsai.web import bulk
from prongsai.web.agencies import access
from prongsai.web.agencies.models import Agency
from prongsai.web.audit.actions import AuditAction
from prongsai.web.audit.models import AuditEntry
from prongsai.web.audit.services import record
from prongsai.web.bilingual import gettext_noop, pair
from prongsai.web.results import standings
from prongsai.web.results.models import AgencyResult, ImportBatch, ResultSource
from prongsai.web.rounds.models import AssessmentRound


def _agency_index() -> dict[str, Agency]:
    """Agencies by code and by exact Thai name / short name (names must be unambiguous to match)."""
    index: dict[str, Agency] = {}
    ambiguous: set[str] = set()
    for agency in Agency.objects.only("pk", "code", "name_th", "short_name", "kind", "path", "parent_id"):
        for key in {agency.code, agency.name_th, agency.short_name} - {""}:
            if key in index and index[key].pk != agency.pk:
                ambiguous.add(key)
            index[key] = agency
    for key in ambiguous:
        index.pop(key, None)
    return index


#: the stored fields an import writes (besides ``batch`` and ``updated_at``)
VALUE_FIELDS = ("indicators", "iit", "eit", "oit", "total", "level")


def _values(row: ResultRow) -> dict:
    score = row.score
    tools = score.tools_rounded
    return {
        "indicators": {str(n): str(rounded(v)) for n, v in score.indicators.items() if v is not None},
        "iit": tools.get("IIT"),
        "eit": tools.get("EIT"),
        "oit": tools.get("OIT"),
        "total": score.total_rounded,
        "level": score.level or "",
    }


def import_official_results(actor, round_: AssessmentRound, table: Table, data: bytes = b"") -> ImportBatch:
    """Import a file of officially published results into a round: all rows or none.

    Every row must belong to the round's year, name a known agency (by code or exact name; unknown agencies are
    reported, never created), and lie within the actor's scope.  All problems are raised together.

    Reading, scoring and checking every row happen before any write; the writes (new rows, changed rows, one
    audit entry per changed agency) then go in bulk in one short transaction, so on SQLite the write lock is
    held for a fraction of a second even for 30,000 rows, and a crash leaves either everything or nothing.
    The round's standings (ranks) are recomputed once afterwards.
    """
    if not access.can_import_results(actor):
        raise PermissionDenied
    problems = Collector(table.file)
    rows = read_results(table, round_.framework_id, problems=problems)  # row problems join the checks below
    agencies = _agency_index()
    kinds = round_.framework.agency_types
    matched: list[tuple[ResultRow, Agency]] = []
    for row in rows:
        if row.year != round_.fiscal_year:
            problems.add(
                row.row,
                "year",
                *pair(
                    gettext_noop("year %(year)s does not match the round (%(round)s)"),
                    year=row.year,
                    round=round_.fiscal_year,
                ),
            )
            continue
        agency = agencies.get(row.agency)
        if agency is None:
            problems.add(
                row.row,
                "agency",
                *pair(gettext_noop("unknown agency '%(agency)s' (match by code or exact name)"), agency=row.agency),
            )
            continue
        if not access.can_manage_agency(actor, agency):
            problems.add(
                row.row, "agency", *pair(gettext_noop("'%(agency)s' is outside your agencies"), agency=row.agency)
            )
            continue
        if agency.kind not in kinds:
            problems.add(
                row.row,
                "agency",
                *pair(
                    gettext_noop("'%(agency)s' is not assessed by %(edition)s"),
                    agency=row.agency,
                    edition=round_.framework_id,
                ),
            )
            continue
        matched.append((row, agency))
    seen: dict[int, int] = {}
    for row, agency in matched:
        if agency.pk in seen:
            problems.add(row.row, "agency", *pair(gettext_noop("the same agency as row %(row)s"), row=seen[agency.pk]))
        seen.setdefault(agency.pk, row.row)
    problems.check()
    planned = [
        (agency, values, {k: _text(v) for k, v in values.items()})
        for (row, agency), values in zip(matched, (_values(row) for row, _agency in matched))
    ]

    with transaction.atomic():
        batch = ImportBatch.objects.create(
            round=round_,
            file_name=table.file,
            row_count=len(matched),
            sha256=hashlib.sha256(data).hexdigest(),
            created_by=actor,
        )
        # read inside the transaction (one query), so a concurrent import of the same round cannot slip between
        official = AgencyResult.objects.filter(round=round_, source=ResultSource.OFFICIAL)
        existing = {row[1]: row for row in official.values_list("pk", "agency_id", *VALUE_FIELDS)}
        now = timezone.now()
        created, changed, audits = [], [], []
        for agency, values, after in planned:
            found = existing.get(agency.pk)
            before = {k: _text(v) for k, v in zip(VALUE_FIELDS, found[2:])} if found else {}
            diff = {k: [before.get(k), after[k]] for k in VALUE_FIELDS if before.get(k) != after[k]}
            if not diff:
                continue
            stored = [values[k] for k in VALUE_FIELDS]
            if found is None:
                created.append((round_.pk, agency.pk, ResultSource.OFFICIAL, *stored, {}, {}, batch.pk, now))
            else:
                changed.append((found[0], *stored, batch.pk, now))
            audits.append((agency, diff, after))
        bulk.insert(
            AgencyResult,
            ("round", "agency", "source", *VALUE_FIELDS, "respondents", "items", "batch", "updated_at"),
            created,
        )
        bulk.update(AgencyResult, (*VALUE_FIELDS, "batch", "updated_at"), changed)
        if audits:
            ids = dict(official.values_list("agency_id", "pk"))
            actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
            bulk.insert(
                AuditEntry,
                ("at", "actor", "agency", "action", "summary", "changes", "object_type", "object_id"),
                [
                    (
                        now,
                        actor_id,
                        agency.pk,
                        AuditAction.IMPORT_OFFICIAL_RESULTS.value,
                        f"{agency.short_name or agency.name_th} {round_.fiscal_year}: total {after['total']} "
                        f"({after['level']})"[:500],
                        diff,
                        AgencyResult._meta.label_lower,
                        str(ids[agency.pk]),
                    )
                    for agency, diff, after in audits
                ],
            )
        standings.invalidate_round(round_.pk)  # bulk writes send no signals
    standings.rebuild(round_)
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
        record(
            actor,
            AuditAction.PUBLISH_RESULTS,
            f"{round_}: results {'published' if published else 'withdrawn'}",
            obj=round_,
            changes={"results_published": published},
        )
        if published:
            _notify_published(round_)
    standings.ensure(round_)  # ranks are ready for the first reader after publication


def _notify_published(round_: AssessmentRound) -> None:
    """Each agency with a result hears once that it is published (mailed after the commit)."""
    from django.apps import apps

    if apps.is_installed("prongsai.web.notifications"):
        from prongsai.web.notifications.services import notify_results_published

        notify_results_published(round_)


__all__ = ["import_official_results", "publish_results", "InputError"]
