"""Document batches that always finish: one task per agency, counted from facts, retried, and recoverable.

A central admin's batch queues one ``generate_agency_pack`` task per agency (``start_batch``).  The counts are
never incremented blindly: after each item ``recount`` derives them from what is stored, so a task that runs twice
(a retry after its worker died half-way) cannot count twice, and a pack already stored is not made again.

- **done**: agencies of the batch with at least one stored output of this batch (the outputs of one agency are
  written in one transaction, so "some" means "all").
- **failed**: agencies with an error recorded (the pack raised, or its task was given up: deadline, worker lost
  after the last attempt) and no output.
- The batch is **finished** (``finished_at``) when done + failed reaches the total.

``retry_batch`` is the central admin's "retry failed and stuck" action: it re-queues every agency of the batch that
has no output and no task queued or running on a live worker, after settling the tasks of dead workers.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from prongsai.web.agencies import access
from prongsai.web.agencies.models import Agency
from prongsai.web.audit.actions import AuditAction
from prongsai.web.audit.services import record
from prongsai.web.documents.models import DocumentBatch, GeneratedDocument
from prongsai.web.rounds.models import AssessmentRound

TASK_PATH = "prongsai.web.documents.tasks.generate_agency_pack"

logger = logging.getLogger(__name__)


def start_batch(actor, round_: AssessmentRound, agencies: Sequence[Agency]) -> DocumentBatch:
    """Queue one pack per agency on the task queue (central admins only); the DB workers run them."""
    if not access.is_central_admin(actor):
        raise PermissionDenied
    if not agencies:
        raise ValidationError(_("Choose at least one agency to generate documents for."))
    generate_agency_pack = import_string(TASK_PATH)  # the task module imports this one

    with transaction.atomic():
        batch = DocumentBatch.objects.create(
            round=round_,
            created_by=actor if actor.is_authenticated else None,
            total=len(agencies),
            agency_ids=[a.pk for a in agencies],
        )
        record(
            actor,
            AuditAction.START_DOCUMENT_BATCH,
            f"document batch of {len(agencies)} agencies for {round_.name_th}",
            obj=batch,
            changes={"round": round_.pk, "agencies": len(agencies)},
        )
        pairs = [(batch.pk, a.pk) for a in agencies]
        transaction.on_commit(lambda: [generate_agency_pack.enqueue(b, a) for b, a in pairs])
    return batch


def run_batch_item(batch_id: int, agency_id: int) -> str:
    """One agency of a batch (the task): render and store its pack, unless this batch already holds it; a failure
    is recorded on the batch, not raised (rendering the same broken input again would fail again)."""
    from prongsai.web.documents.signoff import build_evidence_pack

    batch = DocumentBatch.objects.select_related("round", "created_by").get(pk=batch_id)
    agency = Agency.objects.get(pk=agency_id)
    if GeneratedDocument.objects.filter(batch=batch, agency=agency).exists():
        recount(batch_id)
        return f"done already: {agency.code}"
    try:
        # the national batch publishes what the agencies' directors approved: never drafts (documents.signoff)
        build_evidence_pack(batch.created_by, batch.round, agency, batch=batch, check_rights=False)
    except ValidationError as exc:  # documents not approved yet: the Thai message names them
        record_failure(batch_id, agency, " ".join(exc.messages))
        return f"failed: {agency.code}: not approved"
    except Exception as exc:  # noqa: BLE001 - one agency's failure must not stop the batch
        # the batch page shows the one-line reason; the log keeps the traceback for whoever fixes the cause
        logger.exception(
            "document pack of %s failed in batch %s",
            agency.code,
            batch_id,
            extra={"batch": batch_id, "agency": agency.code},
        )
        record_failure(batch_id, agency, f"{type(exc).__name__}: {exc}")
        return f"failed: {agency.code}: {exc}"
    recount(batch_id)
    return f"done: {agency.code}"


def record_failure(batch_id: int, agency: Agency, message: str) -> None:
    with transaction.atomic():
        batch = DocumentBatch.objects.select_for_update().get(pk=batch_id)
        batch.errors = {**batch.errors, agency.code: message[:500]}
        batch.save(update_fields=["errors"])
    recount(batch_id)


def pack_given_up(task_row, reason: str) -> None:
    """The task of one agency failed for good (deadline, or its worker died on the last attempt): count it."""
    args = (task_row.args_kwargs or {}).get("args") or []
    if len(args) != 2:
        return
    batch_id, agency_id = args
    agency = Agency.objects.filter(pk=agency_id).first()
    if agency is None or not DocumentBatch.objects.filter(pk=batch_id).exists():
        return
    record_failure(batch_id, agency, _("The document task failed: %(reason)s") % {"reason": reason})


def agency_ids(batch: DocumentBatch) -> list[int]:
    """The agencies of the batch (stored since the batch records them; older batches: from their task rows)."""
    if batch.agency_ids:
        return list(batch.agency_ids)
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(task_path=TASK_PATH, args_kwargs__args__0=batch.pk)
    return sorted({row.args_kwargs["args"][1] for row in rows})


def recount(batch_id: int) -> DocumentBatch:
    """Derive done, failed and finished_at from the stored outputs and errors (idempotent)."""
    with transaction.atomic():
        batch = DocumentBatch.objects.select_for_update().get(pk=batch_id)
        ids = agency_ids(batch)
        done_ids = set(
            GeneratedDocument.objects.filter(batch=batch, agency_id__in=ids)
            .values_list("agency_id", flat=True)
            .distinct()
        )
        done_codes = set(Agency.objects.filter(pk__in=done_ids).values_list("code", flat=True))
        errors = {code: message for code, message in batch.errors.items() if code not in done_codes}
        batch.done, batch.failed, batch.errors = len(done_ids), len(errors), errors
        if batch.done + batch.failed >= batch.total:
            batch.finished_at = batch.finished_at or timezone.now()
        else:
            batch.finished_at = None
        batch.save(update_fields=["done", "failed", "errors", "finished_at"])
    return batch


def item_tasks(batch: DocumentBatch) -> dict[int, str]:
    """agency id → the status of its newest task (READY, RUNNING, SUCCESSFUL, FAILED)."""
    from django_tasks_db.models import DBTaskResult

    newest: dict[int, str] = {}
    rows = (
        DBTaskResult.objects.filter(task_path=TASK_PATH, args_kwargs__args__0=batch.pk)
        .order_by("enqueued_at")
        .values_list("args_kwargs", "status")
    )
    for args_kwargs, status in rows:
        newest[args_kwargs["args"][1]] = status
    return newest


def retry_batch(actor, batch: DocumentBatch) -> int:
    """Re-queue the agencies of the batch that failed or are stuck (no output, no live task); returns how many."""
    if not access.is_central_admin(actor):
        raise PermissionDenied
    generate_agency_pack = import_string(TASK_PATH)  # the task module imports this one
    from prongsai.web.ops.worker import reap_stale

    reap_stale()  # a RUNNING task of a dead worker is settled first: re-queued or failed
    ids = agency_ids(batch)
    done_ids = set(GeneratedDocument.objects.filter(batch=batch).values_list("agency_id", flat=True))
    live = {agency for agency, status in item_tasks(batch).items() if status in ("READY", "RUNNING")}
    again = [pk for pk in ids if pk not in done_ids and pk not in live]
    if not again:
        return 0
    codes = set(Agency.objects.filter(pk__in=again).values_list("code", flat=True))
    with transaction.atomic():
        locked = DocumentBatch.objects.select_for_update().get(pk=batch.pk)
        locked.errors = {code: message for code, message in locked.errors.items() if code not in codes}
        locked.finished_at = None
        locked.save(update_fields=["errors", "finished_at"])
        record(
            actor,
            AuditAction.RETRY_DOCUMENT_BATCH,
            f"document batch {batch.pk}: {len(again)} agencies queued again",
            obj=locked,
            changes={"agencies": sorted(codes)},
        )
        transaction.on_commit(lambda: [generate_agency_pack.enqueue(batch.pk, pk) for pk in again])
    recount(batch.pk)
    return len(again)
