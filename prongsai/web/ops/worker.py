"""The background worker that survives crashes: heartbeats, deadlines, retries with back-off, and recovery.

django-tasks-db's worker claims a queued task (status RUNNING, its id appended to ``worker_ids``), runs it and
records the outcome.  If the process dies in between (kill -9, out of memory, a lost machine) the row stays
RUNNING for ever, and a task that raised is simply FAILED.  This worker adds:

- **A lease.** Each worker holds a ``WorkerHeartbeat`` row, refreshed every ``lease / 4`` seconds by a thread.
  ``reap_stale`` (run by every worker every few seconds, and at start) settles each RUNNING task whose worker has
  not beaten for ``PRONGSAI_TASK_LEASE`` seconds: re-queued with back-off while its policy allows more attempts,
  otherwise FAILED with the reason ("worker … stopped while running this task").
- **A deadline** per task (``policies``).  In a worker process the task runs in the main thread and SIGALRM
  interrupts it even inside a blocking read; in a thread (the demo) the exception is raised in that thread by the
  watchdog.  Code stuck in C past ``deadline + grace`` cannot be interrupted: the watchdog settles the task and
  ends the process (exit 70) so that systemd or the container restarts a clean one.
- **Retries with back-off** for idempotent tasks (``TaskPolicy.max_attempts``); the last error stays on the row
  (``exception_class_path``, ``traceback``) while it waits.  A task given up calls its policy's ``on_give_up``
  (a document batch counts the agency as failed) and the ``task_given_up`` signal.
- A graceful stop (SIGTERM, Ctrl+C) puts an interrupted task back in the queue instead of failing it.

Every state change is a conditional UPDATE on (id, status RUNNING, started_at), so two reapers, or a reaper and a
worker that comes back to life, cannot both settle the same run.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import socket
import threading
import time
import traceback
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import OperationalError, close_old_connections, connection
from django.dispatch import Signal
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string
from django_tasks_db.compat import TaskContext, TaskResultStatus, task_finished, task_started
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from prongsai.web.ops.models import WorkerHeartbeat
from prongsai.web.ops.policies import TaskPolicy, policy_for

logger = logging.getLogger("prongsai.tasks")

#: sent once when a task fails for good: sender=None, task_result=<DBTaskResult row>, reason=<str>
task_given_up = Signal()

HARD_EXIT_STATUS = 70
DEADLINE_GRACE = 30.0  # seconds past the deadline before a stuck worker process ends itself


class TaskDeadlineExceeded(BaseException):
    """The task ran past its deadline.  A BaseException, so that a task's own ``except Exception`` cannot swallow
    it and keep running."""


class WorkerLost(Exception):
    """Recorded as the exception of a task whose worker stopped (the class is never raised)."""


class WorkerInterrupted(Exception):
    """Recorded on a task put back in the queue because its worker was asked to stop."""


def _path(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def lease_seconds() -> float:
    return float(getattr(settings, "PRONGSAI_TASK_LEASE", 60.0))


# ----------------------------------------------------------------------------------------------- settling


def settle(
    row: DBTaskResult, reason: str, exception_path: str, *, retry: bool = True, exc: BaseException | None = None
) -> str:
    """End one run of a RUNNING task: back to the queue (after a back-off) while its policy allows more attempts
    and ``retry``, else FAILED for good.  Returns "requeued", "failed" or "raced" (someone settled it first).
    ``exc``, the exception the task raised, is logged with its traceback (the row keeps the same text, but an
    operator reads the logs, not the task table)."""
    policy = policy_for(row.task_path)
    attempts = len(row.worker_ids or [])
    now = timezone.now()
    running = DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at)
    if retry and attempts < policy.max_attempts:
        delay = policy.retry_delay(attempts)
        note = f"\n[prongsai] attempt {attempts} of {policy.max_attempts} failed; retry after {delay:.0f} s"
        changed = running.update(
            status=TaskResultStatus.READY,
            run_after=now + timedelta(seconds=delay),
            exception_class_path=exception_path,
            traceback=(reason + note)[-20000:],
        )
        if changed:
            logger.warning(
                "task requeued",
                exc_info=exc,
                extra={
                    "task_id": str(row.pk),
                    "task": row.task_path,
                    "attempt": attempts,
                    "retry_in_s": round(delay, 1),
                    "error": exception_path,
                },
            )
        return "requeued" if changed else "raced"
    note = f"\n[prongsai] given up after {attempts} attempt(s) of {policy.max_attempts}"
    changed = running.update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        return_value=None,
        exception_class_path=exception_path,
        traceback=(reason + note)[-20000:],
    )
    if not changed:
        return "raced"
    logger.error(
        "task failed",
        exc_info=exc,
        extra={"task_id": str(row.pk), "task": row.task_path, "attempt": attempts, "error": exception_path},
    )
    give_up(row, reason.strip().splitlines()[-1] if reason.strip() else exception_path, policy)
    return "failed"


def give_up(row: DBTaskResult, reason: str, policy: TaskPolicy | None = None) -> None:
    policy = policy or policy_for(row.task_path)
    if policy.on_give_up:
        try:
            import_string(policy.on_give_up)(row, reason)
        except Exception:  # noqa: BLE001 - the hook's failure must not stop the worker; it is logged
            logger.exception("on_give_up hook failed", extra={"task_id": str(row.pk), "task": row.task_path})
    task_given_up.send(sender=None, task_result=row, reason=reason)


def reap_stale(lease: float | None = None) -> list[tuple[str, str]]:
    """Settle every RUNNING task whose worker has not beaten for ``lease`` seconds; returns (task id, outcome)."""
    lease = lease_seconds() if lease is None else lease
    now = timezone.now()
    cutoff = now - timedelta(seconds=lease)
    live = set(WorkerHeartbeat.objects.filter(beat_at__gte=cutoff).values_list("worker_id", flat=True))
    outcomes = []
    for row in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff).order_by():
        worker = (row.worker_ids or ["?"])[-1]
        if worker in live:
            continue
        reason = (
            f"worker {worker} stopped while running this task (no heartbeat for {lease:.0f} s; "
            f"started {row.started_at:%Y-%m-%d %H:%M:%S} UTC)"
        )
        outcomes.append((str(row.pk), settle(row, reason, _path(WorkerLost))))
    WorkerHeartbeat.objects.filter(beat_at__lt=now - timedelta(days=1)).delete()
    return outcomes


# ------------------------------------------------------------------------------------------------ the lease


class Lease:
    """The worker's heartbeat row, and (``threaded``) the thread that refreshes it and watches deadlines."""

    def __init__(self, worker_id: str, *, threaded: bool, hard_exit: bool):
        self.worker_id = worker_id
        self.threaded = threaded
        self.hard_exit = hard_exit
        self.interval = max(lease_seconds() / 4, 0.5)
        self.task: DBTaskResult | None = None
        self.deadline_at: float | None = None  # time.monotonic()
        self.deadline_wall = None
        self.fired = False
        self.task_thread: int | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        now = timezone.now()
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "hostname": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": now,
                "beat_at": now,
                "task_id": "",
                "task_deadline": None,
            },
        )
        if self.threaded:
            self._thread = threading.Thread(target=self._loop, name=f"heartbeat-{self.worker_id[:8]}", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.interval + 5)
        with contextlib.suppress(Exception):  # the process is ending; a stale row expires by itself
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()

    def begin(self, row: DBTaskResult, deadline: float) -> None:
        self.task, self.fired = row, False
        self.task_thread = threading.get_ident()
        self.deadline_at = time.monotonic() + deadline
        self.deadline_wall = timezone.now() + timedelta(seconds=deadline)

    def end(self) -> None:
        self.task, self.deadline_at, self.deadline_wall, self.task_thread = None, None, None, None

    def _loop(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                self._beat()
                self._watch()
        finally:
            connection.close()

    def _beat(self) -> None:
        task = self.task
        try:
            changed = WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(
                beat_at=timezone.now(), task_id=str(task.pk) if task else "", task_deadline=self.deadline_wall
            )
            if not changed:  # removed by a clean-up while we live: stand up again
                self.start_row()
        except Exception:  # noqa: BLE001 - a missed beat is retried at the next interval
            logger.warning("heartbeat failed", exc_info=True)
            close_old_connections()

    def start_row(self) -> None:
        now = timezone.now()
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={"hostname": socket.gethostname()[:255], "pid": os.getpid(), "started_at": now, "beat_at": now},
        )

    def _watch(self) -> None:
        task, deadline_at, thread = self.task, self.deadline_at, self.task_thread
        if task is None or deadline_at is None:
            return
        late = time.monotonic() - deadline_at
        if late > 0 and not self.fired and thread is not None and thread != threading.main_thread().ident:
            # a worker thread (the demo): raise the deadline in that thread at its next Python instruction
            self.fired = True
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), ctypes.py_object(TaskDeadlineExceeded))
        if late > DEADLINE_GRACE and self.hard_exit:
            reason = (
                f"the task ran {late + policy_for(task.task_path).deadline:.0f} s, past its deadline, and "
                f"could not be interrupted: worker process {os.getpid()} ended itself"
            )
            logger.critical(
                "task stuck past its deadline: ending the worker process",
                extra={"task_id": str(task.pk), "task": task.task_path},
            )
            try:
                settle(task, reason, _path(TaskDeadlineExceeded))
                WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
            finally:
                os._exit(HARD_EXIT_STATUS)


@contextmanager
def deadline_alarm(seconds: float):
    """Raise TaskDeadlineExceeded in the main thread after ``seconds`` (no-op in other threads: the watchdog
    covers those)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expired(signum, frame):
        raise TaskDeadlineExceeded(f"deadline of {seconds:.0f} s exceeded")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# ----------------------------------------------------------------------------------------------- the worker


class RecoveringWorker(Worker):
    """django-tasks-db's worker with a lease, deadlines, retries and the reaper (module docstring)."""

    def __init__(
        self, *, threaded_lease: bool = True, hard_exit: bool = True, reap_every: float | None = None, **kwargs
    ):
        super().__init__(**kwargs)
        self.lease = Lease(self.worker_id, threaded=threaded_lease, hard_exit=hard_exit)
        self.reap_every = reap_every if reap_every is not None else max(lease_seconds() / 4, 1.0)
        self._last_reap = 0.0

    def run(self) -> None:
        recycle = (lambda: None) if connection.in_atomic_block else close_old_connections
        logger.info("worker started", extra={"worker": self.worker_id, "queues": ",".join(self.queue_names)})
        self.lease.start()
        try:
            if self.startup_delay and self.interval:
                time.sleep(min(self.interval, 1.0) * (os.getpid() % 10) / 10)  # spread the first claims
            while self.running:
                recycle()
                self.reap()
                task_result, retrieved = self._claim()
                if task_result is not None:
                    self.run_task(task_result)
                if self.batch and retrieved and task_result is None:
                    return
                if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                    return
                recycle()
                if self.running and not task_result:
                    time.sleep(self.interval)
        finally:
            self.lease.stop()
            logger.info("worker stopped", extra={"worker": self.worker_id, "tasks_run": self._run_tasks})

    def reap(self, force: bool = False) -> None:
        if not force and time.monotonic() - self._last_reap < self.reap_every:
            return
        self._last_reap = time.monotonic()
        try:
            for task_id, outcome in reap_stale():
                logger.warning("orphaned task settled", extra={"task_id": task_id, "outcome": outcome})
        except OperationalError as exc:
            if not is_locked_database_exception(exc):
                raise

    def _claim(self) -> tuple[DBTaskResult | None, bool]:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        try:
            with exclusive_transaction(tasks.db):
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
            return task_result, True
        except OperationalError as exc:
            if is_locked_database_exception(exc):
                return None, False
            raise

    def run_task(self, db_task_result: DBTaskResult) -> None:
        policy = policy_for(db_task_result.task_path)
        attempt = len(db_task_result.worker_ids)
        self.running_task = True
        self.lease.begin(db_task_result, policy.deadline)
        started = time.monotonic()
        # The task's path in the message too: the plain console format shows no extra fields.  DEBUG: a busy
        # worker starts hundreds of link checks a minute; the outcome below is the line worth keeping.
        logger.debug(
            "task started: %s",
            db_task_result.task_path,
            extra={
                "task_id": str(db_task_result.pk),
                "task": db_task_result.task_path,
                "attempt": attempt,
                "worker": self.worker_id,
            },
        )
        try:
            try:
                with deadline_alarm(policy.deadline):
                    task = db_task_result.task
                    task_result = db_task_result.task_result
                    task_started.send(sender=type(task.get_backend()), task_result=task_result)
                    if task.takes_context:
                        value = task.call(TaskContext(task_result=task_result), *task_result.args, **task_result.kwargs)
                    else:
                        value = task.call(*task_result.args, **task_result.kwargs)
            except BaseException as exc:  # noqa: BLE001 - every failure is recorded on the task
                self._failed(db_task_result, exc)
                if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                    raise
                return
            db_task_result.set_successful(value)
            seconds = round(time.monotonic() - started, 3)
            logger.info(
                "task succeeded: %s in %.3f s",
                db_task_result.task_path,
                seconds,
                extra={"task_id": str(db_task_result.pk), "task": db_task_result.task_path, "seconds": seconds},
            )
            self._finished_signal(db_task_result)
        finally:
            self.lease.end()
            self.running_task = False
            self._run_tasks += 1

    def _failed(self, row: DBTaskResult, exc: BaseException) -> None:
        if isinstance(exc, (TaskDeadlineExceeded, OperationalError)) and not connection.in_atomic_block:
            # the connection may be mid-query or in a broken transaction: start the bookkeeping on a fresh one
            with contextlib.suppress(Exception):
                connection.close()
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            settle(
                row,
                f"the worker was asked to stop ({type(exc).__name__}) while running this task",
                _path(WorkerInterrupted),
            )
            return
        text = "".join(traceback.format_exception(exc))
        outcome = settle(row, text, f"{type(exc).__module__}.{type(exc).__qualname__}", exc=exc)
        if outcome == "failed":
            row.refresh_from_db()
            self._finished_signal(row)

    @staticmethod
    def _finished_signal(row: DBTaskResult) -> None:
        try:
            task_finished.send(sender=type(row.task.get_backend()), task_result=row.task_result)
        except Exception:  # noqa: BLE001 - a task whose module is gone: nothing listens for it
            logger.debug("task_finished not sent", exc_info=True)


def new_worker_id(prefix: str = "") -> str:
    return f"{prefix}{socket.gethostname()[:20]}-{os.getpid()}-{get_random_string(8)}"[:64]
