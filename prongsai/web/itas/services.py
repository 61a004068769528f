"""State changes of the ITAS pages: importing one agency's item results from ITAS (docs/itas.md).

The checks are ``prongsai.core.itas`` (no Django); this module authorises, reads the stored result, writes in one
transaction and audits.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import PermissionDenied
from django.db import transaction

from prongsai.core import itas
from prongsai.core.scoring import combine, rounded
from prongsai.core.tabular import InputError, Problem, Table
from prongsai.web.agencies import access
from prongsai.web.agencies.models import Agency
from prongsai.web.audit.actions import AuditAction
from prongsai.web.audit.services import record
from prongsai.web.bilingual import gettext_noop, pair
from prongsai.web.results.models import AgencyResult, ImportBatch, ImportKind, ResultSource
from prongsai.web.rounds.models import AssessmentRound


def can_import(user, agency: Agency) -> bool:
    """The agency's ITA officer (and whoever manages it above, the central admin)."""
    return access.can_manage_agency(user, agency)


def score_text(value: Fraction | None) -> str | None:
    """A score as stored in ``AgencyResult.items``: decimal text when exact ("92.5"), else a fraction ("200/3");
    None for a not-applicable item."""
    if value is None:
        return None
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator == 1:
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        return format(exact.normalize(), "f")
    return str(value)


def import_itas_results(actor, round_: AssessmentRound, agency: Agency, table: Table, data: bytes = b"") -> ImportBatch:
    """Store the item results of ``agency`` in ``round_`` from an ITAS sheet: all rows or none.

    The items join the agency's official result of the round (replacing earlier item results of the same codes);
    indicator scores the file gives or implies must agree with the published ones, and fill those not yet
    published.  With no official result yet, the file must give every indicator: the result is then created from
    them (total and level computed).  One audit entry lists what changed.
    """
    if not can_import(actor, agency):
        raise PermissionDenied
    framework = round_.framework
    if agency.kind not in framework.agency_types:
        raise InputError(
            [
                Problem(
                    table.file,
                    None,
                    None,
                    *pair(
                        gettext_noop("%(agency)s is not assessed by %(edition)s"),
                        agency=agency.code,
                        edition=framework.id,
                    ),
                )
            ]
        )
    parsed = itas.read_item_results(table, framework)
    with transaction.atomic():
        result = (
            AgencyResult.objects.select_for_update()
            .filter(round=round_, agency=agency, source=ResultSource.OFFICIAL)
            .first()
        )
        published = result.indicator_scores() if result is not None else {}
        scores = itas.merge(framework, parsed, published)
        if result is not None and not result.indicators:
            _check_tools(framework, table.file, scores, result)
        batch = ImportBatch.objects.create(
            round=round_,
            kind=ImportKind.ITAS_ITEMS,
            agency=agency,
            file_name=table.file,
            row_count=len(parsed.rows),
            sha256=hashlib.sha256(data).hexdigest(),
            created_by=actor,
        )
        before_items = dict(result.items or {}) if result is not None else {}
        items = {**before_items, **{code: score_text(v) for code, v in parsed.items.items()}}
        indicators = {str(n): str(rounded(v)) for n, v in sorted(scores.items())}
        changes: dict = {
            "items": {
                c: [before_items.get(c), items[c]] for c in sorted(parsed.items) if before_items.get(c) != items[c]
            }
        }
        if result is None:
            score = combine(framework, scores)
            tools = score.tools_rounded
            result = AgencyResult(
                round=round_,
                agency=agency,
                source=ResultSource.OFFICIAL,
                iit=tools.get("IIT"),
                eit=tools.get("EIT"),
                oit=tools.get("OIT"),
                total=score.total_rounded,
                level=score.level or "",
            )
            changes["created"] = {"total": str(result.total), "level": result.level}
        added = {k: v for k, v in indicators.items() if (result.indicators or {}).get(k) != v}
        if added:
            changes["indicators"] = added
        result.items, result.indicators, result.items_batch, result.batch = (
            items,
            indicators,
            batch,
            result.batch or batch,
        )
        result.save()
        record(
            actor,
            AuditAction.IMPORT_ITAS_RESULTS,
            f"{agency.short_name or agency.name_th} {round_.fiscal_year}: ITAS item results "
            f"({len(parsed.items)} items, {len(parsed.indicators)} indicators)",
            agency=agency,
            obj=result,
            changes=changes,
        )
    return batch


def _check_tools(framework, file: str, scores: dict[int, Fraction], result: AgencyResult) -> None:
    """A result published per tool only: the indicators now known must give the published tool scores."""
    score = combine(framework, scores)
    problems = []
    for tool in framework.tools:
        stated = getattr(result, tool.code.lower(), None)
        computed = rounded(score.tools.get(tool.code))
        if stated is not None and computed is not None and abs(computed - stated) > itas.TOLERANCE:
            problems.append(
                Problem(
                    file,
                    None,
                    tool.code,
                    *pair(
                        gettext_noop("%(tool)s comes to %(computed)s but the published result says %(stated)s"),
                        tool=tool.code,
                        computed=computed,
                        stated=stated,
                    ),
                )
            )
    if problems:
        raise InputError(problems)
