"""Background tasks used by the operations tests (imported by real worker processes through their task path)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django_tasks import task

from prongsai.web.ops.policies import TaskPolicy, register


@task()
def sleepy(seconds: float, marker: str) -> str:
    """The first run writes its process id to ``marker`` and sleeps (long enough to be killed); a later run sees
    the marker and finishes at once."""
    path = Path(marker)
    if path.exists():
        return f"recovered by {os.getpid()}"
    path.write_text(str(os.getpid()))
    time.sleep(seconds)
    return "slept"


register(sleepy, TaskPolicy(deadline=120, max_attempts=2, backoff=0.2))


@task()
def flaky(marker: str) -> str:
    """Fails on its first run (a transient network error), succeeds on the next."""
    path = Path(marker)
    if not path.exists():
        path.write_text("failed once")
        raise ConnectionError("evidence server reset the connection")
    return "second time lucky"


register(flaky, TaskPolicy(deadline=30, max_attempts=3, backoff=30))


@task()
def boom(message: str) -> str:
    raise ValueError(message)  # default policy: one attempt, then FAILED


@task()
def stubborn(seconds: float) -> str:
    time.sleep(seconds)  # a blocking call that only the deadline ends
    return "should not get here"


register(stubborn, TaskPolicy(deadline=1, max_attempts=1))
