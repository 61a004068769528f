"""Running the background task queue in-process (tests, the demo's worker thread, a cron-style deployment).

Production runs worker processes: ``prongsai manage db_worker``.  ``run_pending_tasks`` drives the same
django-tasks-db worker once, in this process, until the default queue is empty.
"""

from __future__ import annotations


def run_pending_tasks(max_tasks: int | None = None) -> int:
    """Run the queued tasks of the default database queue until it is empty; returns how many ran.

    The worker recycles database connections between tasks (``close_old_connections``).  Inside an open
    transaction (a test case, or a caller's ``atomic`` block) that would close the caller's connection — on
    PostgreSQL the test's own — so there the recycling is skipped for the duration of the run.
    """
    from django.db import connection
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    ready_before = DBTaskResult.objects.ready().count()
    worker = db_worker.Worker(queue_names=["default"], interval=0, batch=True, backend_name="default",
                              startup_delay=False, max_tasks=max_tasks, worker_id="prongsai-run-once",
                              excluded_queue_names=[])
    recycle = db_worker.close_old_connections
    if connection.in_atomic_block:
        db_worker.close_old_connections = lambda **kwargs: None
    try:
        worker.run()
    finally:
        db_worker.close_old_connections = recycle
    return ready_before - DBTaskResult.objects.ready().count()
