"""The checks behind /healthz: the database, free disk in the data folder, and the task queue.

Each check returns ``(ok, details)``; /healthz answers 200 when all pass and 503 otherwise, with one JSON entry per
check and a ``reason`` (English) for each that failed, so a load balancer drops the instance and a person sees why.
Thresholds are settings (docs/configuration.md): PRONGSAI_HEALTH_MIN_FREE_MB, PRONGSAI_HEALTH_MAX_BACKLOG,
PRONGSAI_HEALTH_MAX_WAIT, PRONGSAI_HEALTH_MAX_RUNNING.
"""

from __future__ import annotations

import shutil
import time
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone


def check_database() -> tuple[bool, dict]:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure is the answer
        return False, {"reason": f"database unreachable: {type(exc).__name__}"}
    return True, {"ms": round((time.perf_counter() - started) * 1000, 1), "vendor": connection.vendor}


def check_disk() -> tuple[bool, dict]:
    minimum = int(getattr(settings, "PRONGSAI_HEALTH_MIN_FREE_MB", 500)) * 1024 * 1024
    try:
        free = shutil.disk_usage(settings.DATA_DIR).free
    except OSError as exc:
        return False, {"reason": f"data folder unreadable: {exc.strerror or exc}"}
    details = {"free_mb": free // (1024 * 1024), "min_free_mb": minimum // (1024 * 1024)}
    if free < minimum:
        return False, {
            **details,
            "reason": f"only {free // (1024 * 1024)} MB free in the data folder "
            f"(minimum {minimum // (1024 * 1024)} MB)",
        }
    return True, details


def check_tasks() -> tuple[bool, dict]:
    from django.db.models import Min
    from django_tasks_db.models import DBTaskResult

    from prongsai.web.ops.models import WorkerHeartbeat

    now = timezone.now()
    try:
        ready = DBTaskResult.objects.ready()
        backlog = ready.count()
        oldest_ready = ready.order_by().aggregate(t=Min("enqueued_at"))["t"]
        running = DBTaskResult.objects.running()
        oldest_running = running.order_by().aggregate(t=Min("started_at"))["t"]
        lease = float(getattr(settings, "PRONGSAI_TASK_LEASE", 60.0))
        workers = WorkerHeartbeat.objects.filter(beat_at__gte=now - timedelta(seconds=lease)).count()
    except Exception as exc:  # noqa: BLE001
        return False, {"reason": f"task queue unreadable: {type(exc).__name__}"}
    wait = (now - oldest_ready).total_seconds() if oldest_ready else 0.0
    run = (now - oldest_running).total_seconds() if oldest_running else 0.0
    details = {
        "backlog": backlog,
        "oldest_wait_s": round(wait),
        "running": running.count(),
        "oldest_running_s": round(run),
        "workers": workers,
    }
    reasons = []
    if backlog > int(getattr(settings, "PRONGSAI_HEALTH_MAX_BACKLOG", 5000)):
        reasons.append(f"{backlog} tasks waiting")
    if wait > float(getattr(settings, "PRONGSAI_HEALTH_MAX_WAIT", 900)):
        reasons.append(f"the oldest task has waited {wait:.0f} s: is a worker running?")
    if run > float(getattr(settings, "PRONGSAI_HEALTH_MAX_RUNNING", 3600)):
        reasons.append(f"a task has been running for {run:.0f} s")
    if reasons:
        return False, {**details, "reason": "; ".join(reasons)}
    return True, details


CHECKS = {"database": check_database, "disk": check_disk, "tasks": check_tasks}


def run_checks() -> tuple[bool, dict]:
    results: dict = {}
    for name, check in CHECKS.items():
        if name == "tasks" and not results["database"]["ok"]:
            results[name] = {"ok": False, "reason": "skipped: no database"}
            continue
        ok, details = check()
        results[name] = {"ok": ok, **details}
    return all(r["ok"] for r in results.values()), results
