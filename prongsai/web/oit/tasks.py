"""Background work of the OIT app, on Django's tasks framework (django-tasks; the database queue by default).

``check_evidence_links`` is enqueued (one task per batch of links) when a link is added, carried over, or a
re-check is asked for; a worker runs it: ``prongsai manage db_worker`` (or ``python -m prongsai.web.manage
db_worker``).  ``run_pending_checks`` runs the queue once in this process with the same worker code, for tests,
the demo and a cron-style deployment.

Layers: this module is the top of the OIT app's background work (it imports what it runs); the modules below it
enqueue by the task's dotted path (``common.CHECK_TASK``), which is also what the queue row stores.
"""

from __future__ import annotations

from django_tasks import TaskContext, task

from prongsai.web.oit.checks import run_link_check, run_link_checks


@task(takes_context=True)
def check_evidence_links(context: TaskContext, link_ids: list[int]) -> dict:
    """Fetch a batch of evidence links concurrently and record a dated LinkCheck for each (status, redirects,
    type, year, keywords, hash).  Bounded in time: each fetch has its deadline, and links not started before
    the batch deadline go to a new task."""
    return run_link_checks(link_ids, task_id=str(context.task_result.id))


@task(takes_context=True)
def check_evidence_link(context: TaskContext, link_id: int) -> dict:
    """One link (kept for tasks queued before batches existed)."""
    return run_link_check(link_id, task_id=str(context.task_result.id))


def run_pending_checks(max_tasks: int | None = None) -> int:
    """Run the whole default queue once in this process (see ``prongsai.web.tasks.run_pending_tasks``)."""
    from prongsai.web.tasks import run_pending_tasks

    return run_pending_tasks(max_tasks)
