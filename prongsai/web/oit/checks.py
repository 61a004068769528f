"""Automatic link checks: queueing a fresh check of an item's links, running checks (the tasks) and recording
their results.  The network work is in ``prongsai.web.oit.linkcheck`` (one URL) and ``linkbatch`` (many at once);
this module only touches the database.

No link stays "pending" because of a failure: every link a task was given ends with a recorded ``LinkCheck`` (a
check that raised is recorded as "could not check"), or is handed to a new task that will record it (links a batch
did not start before its deadline).
"""

from __future__ import annotations

import logging
import time

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_noop

from prongsai.core.framework import FrameworkError
from prongsai.web.agencies.models import Agency
from prongsai.web.audit.actions import AuditAction
from prongsai.web.audit.models import AuditEntry
from prongsai.web.audit.services import record
from prongsai.web.oit import checktext, linkbatch, linkcheck, permissions
from prongsai.web.oit.common import enqueue_checks, expected_years, item_of, require_open, setting
from prongsai.web.oit.models import EvidenceLink, LinkCheck, OITEntry
from prongsai.web.rounds.models import AssessmentRound

logger = logging.getLogger(__name__)
#: results recorded together, in one transaction (or after this many seconds, whichever comes first)
RECORD_GROUP = 50
RECORD_SECONDS = 1.0


def request_recheck(
    actor, round_: AssessmentRound, agency: Agency, code: str | None = None, subtree: bool = False
) -> int:
    """Queue a fresh check of the links of one item, or of every item the actor may edit (the officer: all;
    unit staff: their unit's items).  ``subtree``: every link of the agency and of the agencies under it (an ESA
    office re-checking its schools; the officer of the office only), queued in batches like the rest."""
    require_open(round_)
    links = EvidenceLink.objects.filter(entry__round=round_, entry__agency=agency).select_related("entry")
    if subtree:
        if code is not None or not permissions.can_manage(actor, agency):
            raise PermissionDenied
        links = EvidenceLink.objects.filter(entry__round=round_, entry__agency__in=agency.subtree())
    elif code is not None:
        item_of(round_, code)
        unit_id = (
            OITEntry.objects.filter(round=round_, agency=agency, code=code).values_list("unit_id", flat=True).first()
        )
        if not permissions.can_edit_item(actor, agency, unit_id):
            raise PermissionDenied
        links = links.filter(entry__code=code)
    elif not permissions.can_manage(actor, agency):
        units = permissions.unit_ids(actor, agency)
        if not units:
            raise PermissionDenied
        links = links.filter(entry__unit_id__in=units)
    links = list(links.order_by("pk"))
    with transaction.atomic():
        enqueue_checks(links)
        record(
            actor,
            AuditAction.REQUEST_OIT_RECHECK,
            f"{agency.display_name} {round_.fiscal_year} "
            f"{code or ('ทุกหน่วยงานในสังกัด' if subtree else 'ทุกข้อ')}: "
            f"ตรวจลิงก์ใหม่ {len(links)} ลิงก์",
            agency=agency,
            changes={
                "item": code,
                "subtree": subtree,
                "links": [link.pk for link in links][:1000],
                "count": len(links),
            },
        )
    return len(links)


def options() -> linkbatch.Options:
    """The checker's settings (``PRONGSAI_LINKCHECK_*``, from Django settings or the environment)."""
    return linkbatch.Options(
        allow_loopback=setting("PRONGSAI_LINKCHECK_ALLOW_LOOPBACK", False),
        allow_nat64=setting("PRONGSAI_LINKCHECK_ALLOW_NAT64", False),
        timeout=float(setting("PRONGSAI_LINKCHECK_TIMEOUT", 15.0)),
        deadline=float(setting("PRONGSAI_LINKCHECK_DEADLINE", linkcheck.DEFAULT_DEADLINE)),
        max_bytes=int(setting("PRONGSAI_LINKCHECK_MAX_BYTES", 25 * 1024 * 1024)),
    )


def job_for(link: EvidenceLink) -> linkbatch.Job:
    """What the checker needs to know about a link's item: the years to look for and the keywords."""
    entry = link.entry
    try:
        item = entry.round.framework.oit_item(entry.code)
        keywords, (years, required) = item.keywords, expected_years(item, entry.round.fiscal_year)
    except (StopIteration, FrameworkError):
        keywords, years, required = (), [entry.round.fiscal_year], False
    return linkbatch.Job(key=link.pk, url=link.url, years=tuple(years), keywords=tuple(keywords), require_year=required)


def run_link_check(link_id: int, task_id: str = "") -> dict:
    """Check one link now (network work outside any transaction) and record the result."""
    summary = run_link_checks([link_id], task_id)
    return summary["links"][0] if summary["links"] else {"link": link_id, "skipped": "link removed"}


def run_link_checks(link_ids: list[int], task_id: str = "") -> dict:
    """Check a batch of links concurrently (``linkbatch``) and record the results as they come, in groups of
    ``RECORD_GROUP`` (or every ``RECORD_SECONDS``) per transaction.

    Every link given ends recorded: a check that raised becomes a "ตรวจไม่ได้" check (``finally``), and links the
    batch did not start before ``PRONGSAI_LINKCHECK_BATCH_DEADLINE`` go to a new task (progress is certain: each
    batch starts at least one link per host)."""
    wanted = list(dict.fromkeys(int(i) for i in link_ids))
    links = list(EvidenceLink.objects.select_related("entry__round").filter(pk__in=wanted))
    handled: set[int] = {i for i in wanted if i not in {link.pk for link in links}}  # removed since queued
    summaries: list[dict] = []
    requeued: list[int] = []
    buffer: list[tuple[int, linkcheck.CheckResult]] = []
    try:
        jobs = [job_for(link) for link in links]
        batch = linkbatch.check_many(
            jobs,
            options(),
            workers=int(setting("PRONGSAI_LINKCHECK_WORKERS", linkbatch.DEFAULT_WORKERS)),
            per_host=int(setting("PRONGSAI_LINKCHECK_PER_HOST", linkbatch.DEFAULT_PER_HOST)),
            batch_deadline=float(setting("PRONGSAI_LINKCHECK_BATCH_DEADLINE", 300.0)),
        )
        flushed = time.monotonic()
        for job, result in batch:
            if result is None:
                requeued.append(job.key)  # type: ignore[arg-type]  # job ids are ints
                continue
            buffer.append((job.key, result))  # type: ignore[arg-type]  # job ids are ints
            if len(buffer) >= RECORD_GROUP or time.monotonic() - flushed > RECORD_SECONDS:
                summaries.extend(record_link_checks(buffer, task_id))
                handled.update(key for key, _ in buffer)
                buffer, flushed = [], time.monotonic()
        summaries.extend(record_link_checks(buffer, task_id))
        handled.update(key for key, _ in buffer)
        buffer = []
        if requeued:
            with transaction.atomic():
                enqueue_checks(list(EvidenceLink.objects.filter(pk__in=requeued)))
            handled.update(requeued)
    finally:
        try:  # results already in hand are recorded as they are
            summaries.extend(record_link_checks(buffer, task_id))
            handled.update(key for key, _ in buffer)
        except Exception:  # noqa: BLE001 - then they are recorded as failed below
            logger.exception("could not record %d link checks", len(buffer))
        for link_id in wanted:
            if link_id in handled:
                continue
            url = next((link.url for link in links if link.pk == link_id), "")
            try:
                record_link_check(
                    link_id,
                    linkcheck.not_checked(
                        url,
                        "check_failed",
                        gettext_noop("Could not check — the check stopped part-way; please check again"),
                    ),
                    task_id,
                )
            except Exception:  # noqa: BLE001 - the original error is the one to report
                logger.exception("could not record the failed check of link %s", link_id)
    return {"links": summaries, "requeued": requeued}


def record_link_check(link_id: int, result: linkcheck.CheckResult, task_id: str = "") -> dict:
    """Record one check (see ``record_link_checks``)."""
    recorded = record_link_checks([(link_id, result)], task_id)
    return recorded[0] if recorded else {"link": link_id, "skipped": "link removed"}


def record_link_checks(results: list[tuple[int, linkcheck.CheckResult]], task_id: str = "") -> list[dict]:
    """Record checks as dated ``LinkCheck`` rows, each with its audit entry, in one transaction and a fixed number
    of queries (a worker checking hundreds of links a second writes them in groups, not one commit and five
    queries per link).  Links removed since are skipped."""
    if not results:
        return []
    task = str(task_id)[:64]
    summaries: list[dict] = []
    with transaction.atomic():
        links = {
            link.pk: link
            for link in EvidenceLink.objects.select_for_update(of=("self",))
            .select_related("entry__agency", "entry__round")
            .filter(pk__in=[i for i, _ in results])
        }
        now = timezone.now()
        pairs = []
        for link_id, result in results:
            link = links.get(link_id)
            if link is None:
                summaries.append({"link": link_id, "skipped": "link removed"})
                continue
            pairs.append(
                (
                    link,
                    result,
                    LinkCheck(
                        link=link,
                        checked_at=now,
                        verdict=result.verdict,
                        url=result.url[:2000],
                        final_url=result.final_url[:2000],
                        http_status=result.http_status,
                        redirects=result.redirects,
                        redirect_to_login=result.redirect_to_login,
                        redirect_other_domain=result.redirect_other_domain,
                        content_type=result.content_type,
                        size=result.size,
                        truncated=result.truncated,
                        sha256=result.sha256,
                        text_extracted=result.text_extracted,
                        years_expected=result.years_expected,
                        years_found=result.years_found,
                        keywords_found=result.keywords_found,
                        keywords_missing=result.keywords_missing,
                        problems=checktext.stored(result.problems),
                        error=result.error[:500],
                        elapsed_ms=result.elapsed_ms,
                        task_id=task,
                    ),
                )
            )
        checks = [check for _, _, check in pairs]
        LinkCheck.objects.bulk_create(checks)
        for check in checks:
            if check.pk is None:  # a database that cannot return ids from a bulk insert
                check.save()
        entries = []
        for link, result, check in pairs:
            entry = link.entry
            # the audit entry ``audit.services.record`` writes (actor: the system), written in bulk with the rest
            entries.append(
                AuditEntry(
                    actor=None,
                    agency=entry.agency,
                    action=AuditAction.RECORD_LINK_CHECK.value,
                    object_type=check._meta.label_lower,
                    object_id=str(check.pk),
                    summary=f"{entry.agency.display_name} {entry.round.fiscal_year} "
                    f"{entry.code}: {result.verdict} {link.url}"[:500],
                    changes={
                        "item": entry.code,
                        "url": link.url,
                        "verdict": result.verdict,
                        "http_status": result.http_status,
                        "sha256": result.sha256,
                        "problems": [p.code for p in result.problems],
                    },
                )
            )
            summaries.append(
                {
                    "link": link.pk,
                    "check": check.pk,
                    "verdict": result.verdict,
                    "http_status": result.http_status,
                    "problems": [p.code for p in result.problems],
                }
            )
        AuditEntry.objects.bulk_create(entries)
        # two UPDATE statements for the whole group (``bulk_update`` would build one CASE per row and field)
        ids = [link.pk for link, _, _ in pairs]
        latest = LinkCheck.objects.filter(link=OuterRef("pk")).order_by("-checked_at", "-id").values("id")[:1]
        EvidenceLink.objects.filter(pk__in=ids).update(last_check=Subquery(latest), needs_recheck=False)
        cleared = EvidenceLink.objects.filter(pk__in=ids)
        if task_id:
            cleared = cleared.filter(pending_task__in=(task, "queued"))
        cleared.update(pending_task="")
    return summaries
