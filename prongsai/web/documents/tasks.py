"""Background work of the documents app on Django's task framework (the DB-backed queue in production).

``start_batch`` (``batches``) enqueues one ``generate_agency_pack`` per agency; ``prongsai manage db_worker`` (one
or more processes) runs them.  A task only calls the batch code; it never decides rights: the batch was authorised
when a central admin started it.  Its run policy (deadline, attempts, back-off, and counting the agency as failed
when the task is given up) is in ``prongsai.web.ops.policies``.  This module imports what it runs; ``batches``
enqueues it by its dotted path (``batches.TASK_PATH``, the path the queue row stores), so the imports read top-down.
"""

from __future__ import annotations

from django_tasks import task

from prongsai.web.documents.batches import run_batch_item


@task(queue_name="default")
def generate_agency_pack(batch_id: int, agency_id: int) -> str:
    return run_batch_item(batch_id, agency_id)
