"""Retries, give-up, the reaper and document batches that always finish — in this process, on the test database.

(Killing real worker processes is in test_ops_crash.py.)
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from prongsai.web.documents.batches import pack_given_up, recount, retry_batch, run_batch_item
from prongsai.web.documents.models import DocumentBatch, GeneratedDocument
from prongsai.web.documents.services import start_batch
from prongsai.web.ops.models import WorkerHeartbeat
from prongsai.web.ops.worker import reap_stale, task_given_up
from prongsai.web.tasks import run_pending_tasks
from tests import ops_tasks

pytestmark = pytest.mark.django_db(transaction=False)


def row(result) -> DBTaskResult:
    return DBTaskResult.objects.get(pk=result.id)


def test_transient_failure_is_retried_after_a_back_off(tmp_path, caplog):
    marker = tmp_path / "flaky"
    result = ops_tasks.flaky.enqueue(str(marker))
    run_pending_tasks()
    first = row(result)
    assert first.status == "READY"  # not FAILED: the policy allows 3 attempts
    assert first.exception_class_path == "builtins.ConnectionError"
    assert "attempt 1 of 3 failed; retry after" in first.traceback
    [logged] = logged_tracebacks(caplog, "prongsai.tasks", "task requeued")  # a retry is logged with its cause
    assert 'raise ConnectionError("evidence server reset the connection")' in logged
    wait = (first.run_after - timezone.now()).total_seconds()
    assert 20 < wait < 40  # back-off of 30 s (±20 % jitter), not an immediate hammering
    assert run_pending_tasks() == 0  # not due yet
    DBTaskResult.objects.filter(pk=first.pk).update(run_after=timezone.now())
    run_pending_tasks()
    second = row(result)
    assert (second.status, second.return_value) == ("SUCCESSFUL", "second time lucky")
    assert len(second.worker_ids) == 2


def logged_tracebacks(caplog, logger: str, message: str) -> list[str]:
    """The tracebacks logged with ``message`` by ``logger`` (one per record; "" for a record without one)."""
    return [
        logging.Formatter().formatException(r.exc_info) if r.exc_info else ""
        for r in caplog.records
        if r.name == logger and r.getMessage() == message
    ]


def test_a_task_that_raises_ends_failed_with_its_reason(caplog):
    given_up = []

    def listener(sender, task_result, reason, **kwargs):
        given_up.append((str(task_result.pk), reason))

    task_given_up.connect(listener)
    try:
        result = ops_tasks.boom.enqueue("ตรวจลิงก์ไม่ได้: server exploded")
        run_pending_tasks()
    finally:
        task_given_up.disconnect(listener)
    failed = row(result)
    assert failed.status == "FAILED" and failed.finished_at is not None
    assert failed.exception_class_path == "builtins.ValueError"
    assert "ตรวจลิงก์ไม่ได้: server exploded" in failed.traceback
    assert len(given_up) == 1 and given_up[0][0] == str(failed.pk)
    assert "ตรวจลิงก์ไม่ได้: server exploded" in given_up[0][1]
    # the operator reads the log, not the task table: the failure is logged with the task's own traceback
    [logged] = logged_tracebacks(caplog, "prongsai.tasks", "task failed")
    assert logged.startswith("Traceback (most recent call last):")
    assert "raise ValueError(message)" in logged and logged.endswith("ValueError: ตรวจลิงก์ไม่ได้: server exploded")


def _orphan(result, worker: str, minutes: int = 5) -> DBTaskResult:
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING", started_at=timezone.now() - timedelta(minutes=minutes), worker_ids=[worker]
    )
    return row(result)


def test_reaper_requeues_or_fails_the_tasks_of_dead_workers(tmp_path):
    retryable = ops_tasks.sleepy.enqueue(1, str(tmp_path / "m"))  # 2 attempts allowed
    single = ops_tasks.boom.enqueue("x")  # 1 attempt: cannot be retried
    alive = ops_tasks.sleepy.enqueue(1, str(tmp_path / "n"))
    young = ops_tasks.boom.enqueue("y")
    _orphan(retryable, "dead-worker")
    _orphan(single, "dead-worker")
    _orphan(alive, "live-worker")
    DBTaskResult.objects.filter(pk=young.id).update(status="RUNNING", started_at=timezone.now(), worker_ids=["w"])
    WorkerHeartbeat.objects.create(worker_id="live-worker", started_at=timezone.now(), beat_at=timezone.now())

    outcomes = dict(reap_stale(lease=60))

    assert outcomes == {str(retryable.id): "requeued", str(single.id): "failed"}
    assert row(retryable).status == "READY" and "dead-worker stopped while running" in row(retryable).traceback
    lost = row(single)
    assert lost.status == "FAILED" and lost.exception_class_path == "prongsai.web.ops.worker.WorkerLost"
    assert row(alive).status == "RUNNING"  # its worker still beats
    assert row(young).status == "RUNNING"  # started within the lease: not judged yet
    assert reap_stale(lease=60) == []  # settled once, never twice


def test_batch_finishes_with_counts_and_retry_requeues_only_the_failed(
    cast, django_capture_on_commit_callbacks, settings, tmp_path
):
    # the batch publishes approved versions only: สพป.สมุทรสาคร's director approved its pack, the other office's
    # documents are not approved yet, so its pack fails (with the Thai list of what is missing)
    from tests.integration.test_documents_signoff import approve_all, director_of

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "files")},
        },
    }
    approve_all(cast)
    with django_capture_on_commit_callbacks(execute=True):
        batch = start_batch(cast.central, cast.round_2563, [cast.samutsakhon, cast.other_office])
    assert batch.agency_ids == [cast.samutsakhon.pk, cast.other_office.pk]
    run_pending_tasks()
    batch.refresh_from_db()
    assert (batch.done, batch.failed, batch.total) == (1, 1, 2) and batch.finished_at is not None
    assert list(batch.errors) == ["ESA-OTHER"] and "ยังไม่ได้รับอนุมัติ" in batch.errors["ESA-OTHER"]

    # the same item run again (a retry after a crash) neither builds again nor counts twice
    files_before = GeneratedDocument.objects.filter(batch=batch).count()
    assert run_batch_item(batch.pk, cast.samutsakhon.pk) == "done already: ESA-SKN"
    batch.refresh_from_db()
    assert (batch.done, batch.failed) == (1, 1)
    assert GeneratedDocument.objects.filter(batch=batch).count() == files_before

    # the cause is fixed: the other office's director approves its pack; the central admin presses "retry"
    approve_all(cast, cast.other_office, cast.other_officer, director_of(cast.other_office, "other_director"))
    with django_capture_on_commit_callbacks(execute=True):
        assert retry_batch(cast.central, batch) == 1
    batch.refresh_from_db()
    assert batch.finished_at is None and batch.errors == {}
    run_pending_tasks()
    batch.refresh_from_db()
    assert (batch.done, batch.failed) == (2, 0) and batch.finished_at is not None
    assert retry_batch(cast.central, batch) == 0


def test_an_unexpected_failure_in_a_batch_is_logged_with_its_traceback(
    cast, django_capture_on_commit_callbacks, settings, tmp_path, monkeypatch, caplog
):
    """Refusals (documents not approved) are stored as their Thai reason; anything unexpected is stored as one
    line on the batch and logged with the traceback, down to the line that raised."""
    from prongsai.web.documents import signoff

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "files")},
        },
    }

    def broken(*args, **kwargs):
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(signoff, "build_evidence_pack", broken)
    with django_capture_on_commit_callbacks(execute=True):
        batch = start_batch(cast.central, cast.round_2563, [cast.samutsakhon])
    run_pending_tasks()
    batch.refresh_from_db()
    assert (batch.done, batch.failed) == (0, 1)
    assert batch.errors == {"ESA-SKN": "RuntimeError: the disk went away"}
    [logged] = logged_tracebacks(
        caplog, "prongsai.web.documents.batches", f"document pack of ESA-SKN failed in batch {batch.pk}"
    )
    assert 'raise RuntimeError("the disk went away")' in logged


def test_a_given_up_pack_task_counts_as_failed_and_finishes_the_batch(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        batch = start_batch(cast.central, cast.round_2563, [cast.samutsakhon])
    task = DBTaskResult.objects.get(task_path="prongsai.web.documents.tasks.generate_agency_pack")
    DBTaskResult.objects.filter(pk=task.pk).update(
        status="RUNNING", started_at=timezone.now() - timedelta(hours=1), worker_ids=["w1", "w2", "w3"]
    )  # its last attempt
    assert dict(reap_stale(lease=60)) == {str(task.pk): "failed"}
    batch.refresh_from_db()
    assert (batch.done, batch.failed) == (0, 1) and batch.finished_at is not None
    assert "w3 stopped while running" in batch.errors["ESA-SKN"]
    pack_given_up(DBTaskResult.objects.get(pk=task.pk), "again")  # a second report changes nothing
    assert recount(batch.pk).failed == 1


def test_retry_action_on_the_batch_page(client, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        batch = start_batch(cast.central, cast.round_2563, [cast.other_office])
    DBTaskResult.objects.all().delete()  # its task was lost (a queue wiped by hand): the batch is stuck
    url = reverse("documents_batch_retry", args=[batch.pk])
    client.force_login(cast.officer)
    assert client.post(url).status_code == 403
    client.force_login(cast.central)
    page = client.get(reverse("documents_batch_detail", args=[batch.pk])).content.decode()
    assert url in page and "ลองสร้างรายการที่ไม่สำเร็จหรือค้างอีกครั้ง" in page  # Thai first
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert response.status_code == 200
    assert DocumentBatch.objects.get(pk=batch.pk).finished_at is None
    assert DBTaskResult.objects.ready().count() == 1
