"""``prongsai manage db_worker``: django-tasks-db's worker command, running the recovering worker.

Same options as django-tasks-db's command (this app is listed before it, so Django picks this one); the worker
also holds a heartbeat lease, enforces each task's deadline, retries idempotent tasks with back-off and settles
the tasks of dead workers (``prongsai.web.ops.worker``).
"""

from __future__ import annotations

from django.conf import settings
from django_tasks_db.management.commands.db_worker import Command as LibraryCommand

from prongsai.web.ops.storage import sweep_partial_files
from prongsai.web.ops.worker import RecoveringWorker, new_worker_id


class Command(LibraryCommand):
    help = "Run a background worker (heartbeat lease, deadlines, retries, recovery of dead workers' tasks)"

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(reload=False, worker_id=None)

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str | None,
        exclude_queues: str,
        **options,
    ) -> None:
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            from django.core.management.base import CommandError

            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        sweep_partial_files(settings.STORAGES["default"].get("OPTIONS", {}).get("location") or settings.DATA_DIR)
        worker = RecoveringWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id or new_worker_id(),
            excluded_queue_names=excluded,
        )
        worker.configure_signals()
        worker.run()
