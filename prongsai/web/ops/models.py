"""The liveness record of background workers.

Every worker process (``prongsai manage db_worker``, the demo's worker thread) holds one ``WorkerHeartbeat`` row
under the id it claims tasks with (django-tasks-db appends that id to ``DBTaskResult.worker_ids``) and refreshes
``beat_at`` every few seconds.  A RUNNING task whose last worker has not beaten for ``PRONGSAI_TASK_LEASE`` seconds
is orphaned: the worker was killed, ran out of memory or lost its machine.  ``prongsai.web.ops.worker.reap_stale``
then re-queues or fails it.  No domain data lives here.
"""

from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)
    #: the task being run now (empty between tasks) and when its deadline passes
    task_id = models.CharField(max_length=64, blank=True)
    task_deadline = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-beat_at"]

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"
