"""Prometheus metrics (text format at /metrics).

Two kinds:

- **Per-process counters** of this process's requests: ``prongsai_http_requests_total{method,status}`` (status by
  class: 2xx, 3xx, 4xx, 5xx) and the latency histogram ``prongsai_http_request_duration_seconds``.  Under gunicorn
  every worker process counts its own requests; with ``PROMETHEUS_MULTIPROC_DIR`` set (deploy/gunicorn.conf.py
  does) they write to shared files there and a scrape sums all processes.  Without it a scrape shows only the
  process that answered it (docs/operations.md).
- **Read from the database at scrape time**, hence the same whichever process answers: survey responses stored,
  the task queue (by status, runnable now, oldest wait, oldest run, failures), live workers, and the free space
  in the data folder.  These are exact across any number of processes.

Survey metrics are deliberately one global number: a per-agency count scraped every few seconds would date
each respondent's answer.
"""

from __future__ import annotations

import shutil

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily

REQUESTS = Counter("prongsai_http_requests", "HTTP requests answered, by method and status class", ["method", "status"])
LATENCY = Histogram(
    "prongsai_http_request_duration_seconds",
    "Time to answer a request (seconds)",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def observe_request(method: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method if method in _METHODS else "other", f"{status // 100}xx").inc()
    LATENCY.observe(seconds)


class DatabaseCollector:
    """Gauges computed from the database when scraped."""

    def collect(self):
        from datetime import timedelta

        from django.conf import settings
        from django.db.models import Count, Min
        from django.utils import timezone
        from django_tasks_db.models import DBTaskResult

        from prongsai.web.ops.models import WorkerHeartbeat

        now = timezone.now()
        by_status = GaugeMetricFamily("prongsai_tasks", "Background tasks on the queue, by status", labels=["status"])
        counts = dict(DBTaskResult.objects.order_by().values_list("status").annotate(n=Count("id")))
        for status in ("READY", "RUNNING", "SUCCESSFUL", "FAILED"):
            by_status.add_metric([status], counts.get(status, 0))
        yield by_status
        ready = DBTaskResult.objects.ready()
        yield GaugeMetricFamily(
            "prongsai_tasks_runnable", "Tasks ready to run now (the queue depth)", value=ready.count()
        )
        oldest_ready = ready.order_by().aggregate(t=Min("enqueued_at"))["t"]
        yield GaugeMetricFamily(
            "prongsai_task_oldest_wait_seconds",
            "How long the oldest runnable task has waited",
            value=(now - oldest_ready).total_seconds() if oldest_ready else 0.0,
        )
        oldest_running = DBTaskResult.objects.running().order_by().aggregate(t=Min("started_at"))["t"]
        yield GaugeMetricFamily(
            "prongsai_task_oldest_running_seconds",
            "How long the oldest running task has run",
            value=(now - oldest_running).total_seconds() if oldest_running else 0.0,
        )
        yield GaugeMetricFamily(
            "prongsai_task_failures", "Tasks that failed for good (status FAILED)", value=counts.get("FAILED", 0)
        )
        lease = float(getattr(settings, "PRONGSAI_TASK_LEASE", 60.0))
        yield GaugeMetricFamily(
            "prongsai_workers_alive",
            "Background workers with a fresh heartbeat",
            value=WorkerHeartbeat.objects.filter(beat_at__gte=now - timedelta(seconds=lease)).count(),
        )
        try:
            from prongsai.web.surveys.models import HeldResponse, SurveyResponse

            # a submitted answer is stored either sealed in the ballot box (until its scope holds a batch) or
            # released: both count as stored; the held ones are shown apart (a queue that never drains is a signal)
            held = HeldResponse.objects.count()
            yield GaugeMetricFamily(
                "prongsai_survey_responses",
                "Survey responses stored, released or held (all agencies, all rounds)",
                value=SurveyResponse.objects.count() + held,
            )
            yield GaugeMetricFamily(
                "prongsai_survey_responses_held",
                "Survey responses sealed in the ballot box, waiting for their batch",
                value=held,
            )
        except ImportError:  # the surveys feature is not installed
            pass
        free = shutil.disk_usage(settings.DATA_DIR).free
        yield GaugeMetricFamily("prongsai_data_free_bytes", "Free space in the data folder (bytes)", value=free)


def render() -> bytes:
    """The text of one scrape: this process's (or, in multiprocess mode, every process's) counters, then the
    database gauges."""
    from prometheus_client import REGISTRY

    registry = CollectorRegistry()
    from django.conf import settings

    if settings.PROMETHEUS_MULTIPROC_DIR:
        multiprocess.MultiProcessCollector(registry)
        text = generate_latest(registry)
    else:
        text = generate_latest(REGISTRY)
    database = CollectorRegistry()
    database.register(DatabaseCollector())
    return text + generate_latest(database)
