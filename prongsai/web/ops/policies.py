"""How each background task is run: its deadline, how often it is tried, and what happens when it is given up.

Retries are only for idempotent work (running it twice does no harm): a link check records one more dated check;
a pack of a document batch is skipped when the batch already holds it.  A task with no policy here gets
``PRONGSAI_TASK_DEADLINE`` seconds and one attempt.  Tasks of other modules (and tests) register their own with
``register``; the registry is keyed by the task's dotted path, the ``task_path`` stored on the queue row, so the
reaper can decide for a task whose module the reaping process never imported.
"""

from __future__ import annotations

import contextlib
import random
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class TaskPolicy:
    #: seconds a run may take before it is interrupted (then it counts as a failed attempt)
    deadline: float
    #: runs in all, the first included: 1 = never retried
    max_attempts: int = 1
    #: delay before the first retry in seconds; doubled for each further one (with ±20 % jitter); None: the
    #: setting ``PRONGSAI_TASK_BACKOFF`` (30 s)
    backoff: float | None = None
    #: dotted path of ``fn(task_result_row, reason: str)`` called once when the task fails for good
    on_give_up: str = ""

    def retry_delay(self, attempts: int) -> float:
        first = self.backoff if self.backoff is not None else settings.PRONGSAI_TASK_BACKOFF
        return first * (2 ** max(attempts - 1, 0)) * random.uniform(0.8, 1.2)  # noqa: S311 - jitter only


_POLICIES: dict[str, TaskPolicy] = {
    # A link check is bounded by its own network deadline; this one also covers slow text extraction.
    "prongsai.web.oit.tasks.check_evidence_link": TaskPolicy(deadline=180, max_attempts=3),
    # One agency's pack (5 documents as DOCX and PDF, and the ZIP): about a second, minutes on a busy machine.
    "prongsai.web.documents.tasks.generate_agency_pack": TaskPolicy(
        deadline=600, max_attempts=3, on_give_up="prongsai.web.documents.batches.pack_given_up"
    ),
}


def register(task_or_path, policy: TaskPolicy) -> None:
    path = task_or_path if isinstance(task_or_path, str) else task_or_path.module_path
    _POLICIES[path] = policy


def policy_for(task_path: str) -> TaskPolicy:
    policy = _POLICIES.get(task_path)
    if policy is None and "." in task_path:
        # a module registers its policies when imported: the reaper may never have imported it
        from django.utils.module_loading import import_string

        with contextlib.suppress(ImportError):
            import_string(task_path)
        policy = _POLICIES.get(task_path)
    if policy is None:
        return TaskPolicy(deadline=float(getattr(settings, "PRONGSAI_TASK_DEADLINE", 900.0)))
    return policy
