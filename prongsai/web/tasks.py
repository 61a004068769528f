"""Running the background task queue in-process (tests, the demo's worker thread, a cron-style deployment).

Production runs worker processes: ``prongsai manage db_worker`` (the recovering worker of
``prongsai.web.ops.worker``: heartbeat lease, deadlines, retries, recovery of dead workers' tasks).
``run_pending_tasks`` drives the same worker once, in this process, until the default queue is empty;
``start_worker_thread`` keeps one running in a daemon thread (the demo).
"""

from __future__ import annotations

import threading


def run_pending_tasks(max_tasks: int | None = None) -> int:
    """Run the queued tasks of the default database queue until it is empty; returns how many ran.

    The worker recycles database connections between tasks (``close_old_connections``).  Inside an open
    transaction (a test case, or a caller's ``atomic`` block) that would close the caller's connection — on
    PostgreSQL the test's own — so there the recycling is skipped, and the lease is a row written once (no
    heartbeat thread: a second connection would not see the caller's uncommitted rows).
    """
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from prongsai.web.ops.worker import RecoveringWorker, new_worker_id

    ready_before = DBTaskResult.objects.ready().count()
    worker = RecoveringWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id=new_worker_id("inproc-"),
        excluded_queue_names=[],
        threaded_lease=not connection.in_atomic_block,
        hard_exit=False,
    )
    worker.run()
    return ready_before - DBTaskResult.objects.ready().count()


def start_worker_thread(interval: float = 2.0) -> threading.Thread:
    """A recovering worker in a daemon thread of this process (``prongsai demo``): it holds a lease like a worker
    process, so the tasks it was running when the process was killed are recovered at the next start."""
    from prongsai.web.ops.worker import RecoveringWorker, new_worker_id

    def run() -> None:
        worker = RecoveringWorker(
            queue_names=["default"],
            interval=interval,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=new_worker_id("demo-"),
            excluded_queue_names=[],
            hard_exit=False,
        )
        worker.run()

    thread = threading.Thread(target=run, name="prongsai-task-worker", daemon=True)
    thread.start()
    return thread
