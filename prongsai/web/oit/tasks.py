"""Background work of the OIT app, on Django's tasks framework (django-tasks; the database queue by default).

``check_evidence_link`` is enqueued when a link is added, carried over, or a re-check is asked for; a worker runs
it: ``prongsai manage db_worker`` (or ``python -m prongsai.web.manage db_worker``).  ``run_pending_checks`` runs the
queue once in this process with the same worker code, for tests, the demo and a cron-style deployment.
"""

from __future__ import annotations

from django_tasks import TaskContext, task


@task(takes_context=True)
def check_evidence_link(context: TaskContext, link_id: int) -> dict:
    """Fetch one evidence link and record a dated LinkCheck (status, redirects, type, year, keywords, hash)."""
    from prongsai.web.oit.services import run_link_check

    return run_link_check(link_id, task_id=str(context.task_result.id))


def run_pending_checks(max_tasks: int | None = None) -> int:
    """Run the queued tasks of the default database queue until it is empty, with django-tasks-db's own worker
    (``db_worker --batch``) in this process; returns how many ran.

    The worker recycles database connections between tasks (``close_old_connections``).  Inside an open
    transaction (a test case, or a caller's ``atomic`` block) that would close the caller's connection, so there
    the recycling is skipped for the duration of the run.
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
