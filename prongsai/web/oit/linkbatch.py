"""Many link checks at once: a bounded pool of threads, a limit per host, and a deadline for the whole batch.

Each URL goes through exactly the same ``linkcheck.check_url`` as a single check (SSRF guard with the resolved
address pinned, per-operation timeout, per-check deadline, size cap, redirect rules, child-process extraction),
so a batch gives the same outcomes as checking the URLs one by one; only the waiting overlaps.  Why threads and
not an async client: the work is waiting on sockets, which releases the GIL, and reusing the one fetch path is
what keeps the guard and the outcomes identical.

- ``workers`` threads fetch at most ``workers`` URLs at a time (``PRONGSAI_LINKCHECK_WORKERS``);
- at most ``per_host`` of them go to the same host name (``PRONGSAI_LINKCHECK_PER_HOST``), so a school district
  whose schools share one hosting provider does not hammer it; hosts take turns (round robin), so one slow host
  cannot hold the others back;
- ``batch_deadline`` seconds after the start, URLs not yet started are returned as *not started* (``None``) for
  the caller to queue again; URLs already running finish within their own ``deadline``.  The first round (up to
  ``workers`` URLs, ``per_host`` per host) always starts, so every batch makes progress.

Results are yielded as they complete (the caller records each at once); no Django import.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

from prongsai.web.oit import linkcheck

logger = logging.getLogger(__name__)

DEFAULT_WORKERS = 64
DEFAULT_PER_HOST = 8


@dataclass(frozen=True)
class Job:
    """One URL to check, with what ``check_url`` needs to know about its item."""

    key: object  # the caller's identifier (a link id)
    url: str
    years: tuple[int, ...] = ()
    keywords: tuple[str, ...] = ()
    require_year: bool = True


@dataclass
class Options:
    allow_loopback: bool = False
    allow_nat64: bool = False
    timeout: float = 15.0
    deadline: float = linkcheck.DEFAULT_DEADLINE
    max_bytes: int = 25 * 1024 * 1024
    max_redirects: int = 5

    def check(self, job: Job) -> linkcheck.CheckResult:
        return linkcheck.check_url(
            job.url,
            years=list(job.years),
            keywords=list(job.keywords),
            require_year=job.require_year,
            allow_loopback=self.allow_loopback,
            allow_nat64=self.allow_nat64,
            timeout=self.timeout,
            deadline=self.deadline,
            max_bytes=self.max_bytes,
            max_redirects=self.max_redirects,
        )


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def check_sequentially(jobs: Sequence[Job], options: Options) -> Iterator[tuple[Job, linkcheck.CheckResult]]:
    """The reference path: one URL after the other."""
    for job in jobs:
        yield job, options.check(job)


def check_many(
    jobs: Sequence[Job],
    options: Options,
    *,
    workers: int = DEFAULT_WORKERS,
    per_host: int = DEFAULT_PER_HOST,
    batch_deadline: float | None = None,
) -> Iterator[tuple[Job, linkcheck.CheckResult | None]]:
    """Check ``jobs`` concurrently; yields ``(job, result)`` as each completes, then ``(job, None)`` for every job
    that was not started before ``batch_deadline`` seconds had passed.

    Scheduling happens when a check completes (in its thread), not when the caller asks for the next result: a
    caller that takes time with each result (recording it) never leaves the pool idle."""
    workers = max(1, workers)
    per_host = max(1, per_host)
    queues: dict[str, deque[Job]] = {}
    for job in jobs:
        queues.setdefault(host_of(job.url), deque()).append(job)
    active: dict[str, int] = dict.fromkeys(queues, 0)
    ready: deque[str] = deque(queues)  # hosts with queued jobs and room for one more
    in_ready = set(ready)
    stop_at = time.monotonic() + batch_deadline if batch_deadline is not None else None
    done: queue.Queue[tuple[Job, linkcheck.CheckResult]] = queue.Queue()
    lock = threading.RLock()  # re-entrant: a check that is already done calls back inside ``fill``
    state = {"running": 0, "closing": False, "filling": False}

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="linkcheck") as pool:

        def finished(future: Future, job: Job, host: str) -> None:
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001 - check_url never raises; this is the last guard
                # the link's record says "not checked"; the log keeps the traceback of what went wrong
                logger.error("link check of %s failed", job.url, exc_info=exc)
                result = linkcheck.not_checked(
                    job.url, "check_failed", linkcheck.CHECK_FAILED, f"{type(exc).__name__}: {exc}"
                )
            with lock:
                done.put((job, result))  # before "running" drops: running == 0 means every result is queued
                state["running"] -= 1
                active[host] -= 1
                if queues[host] and host not in in_ready:
                    ready.append(host)
                    in_ready.add(host)
                if not state["filling"]:  # called back from inside ``fill``: its loop picks the room up
                    try:
                        fill()
                    except Exception:  # a callback's error would be swallowed by the executor: keep it visible
                        logger.exception("could not start the next link checks")

        def fill(first: bool = False) -> None:
            """Start checks while there is room; the first round starts whatever the deadline (progress)."""
            with lock:
                state["filling"] = True
                try:
                    while ready and state["running"] < workers and not state["closing"]:
                        if not first and stop_at is not None and time.monotonic() >= stop_at:
                            return
                        host = ready.popleft()
                        in_ready.discard(host)
                        job = queues[host].popleft()
                        active[host] += 1
                        state["running"] += 1
                        if queues[host] and active[host] < per_host:
                            ready.append(host)
                            in_ready.add(host)
                        future = pool.submit(options.check, job)
                        # (mypy) a done-callback with its job and host bound
                        future.add_done_callback(lambda f, job=job, host=host: finished(f, job, host))  # type: ignore[misc]
                finally:
                    state["filling"] = False

        try:
            fill(first=True)
            while True:
                with lock:
                    if state["running"] == 0 and done.empty():
                        fill()  # past the batch deadline nothing starts, and the batch is over
                        if state["running"] == 0 and done.empty():
                            break
                try:
                    item = done.get(timeout=0.2)
                except queue.Empty:
                    continue
                yield item
        finally:
            with lock:
                state["closing"] = True
    for host in queues:
        while queues[host]:
            yield queues[host].popleft(), None
